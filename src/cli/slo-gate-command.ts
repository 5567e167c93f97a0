import type { Command } from 'commander';
import { fetchGitHubRequest } from '../github/fetch-github-request.js';
import { inputError, renderError } from '../relx-error.js';
import { readRunnerContext } from '../runner-context.js';
import { sloGateSecrets, sloGateStep } from '../slo/slo-gate-step.js';
import { gateErrorExitCode, gateReportExitCode } from './exit-codes.js';
import { gitopsOption, gitopsRemote } from './gitops-remote.js';

interface SloGateOptions {
  policy: string;
  env?: string;
  gitops?: string;
  prometheusUrl?: string;
  datadogSite: string;
  time?: string;
  json?: boolean;
  deploymentId?: string;
  requestRollback?: boolean;
  rollbackRepository?: string;
  rollbackEventType: string;
  reportUrl?: string;
  runUrl?: string;
}

/**
 * `relx slo-gate`: the gate from a terminal. Its exit code is the answer (exit-codes.ts):
 * 0 pass, 1 fail, 3 inconclusive, 4 baking, 75 transient, 2 input, 78 configuration.
 */
export function registerSloGateCommand(program: Command): void {
  program
    .command('slo-gate')
    .description(
      'Compare canary with baseline (Prometheus or Datadog) against an SLO policy: pass, fail, inconclusive or baking.',
    )
    .requiredOption('--policy <file>', 'the SLO policy (YAML)')
    .option(
      '--env <env>',
      "the environment whose canary to gate: fills {canaryVersion}/{stableVersion} and measures the step's bake",
    )
    .option(...gitopsOption)
    .option(
      '--prometheus-url <url>',
      'Prometheus base URL (token: PROMETHEUS_TOKEN, or PROMETHEUS_USERNAME/PASSWORD)',
    )
    .option('--datadog-site <site>', 'Datadog site (keys: DD_API_KEY and DD_APP_KEY)', 'datadoghq.com')
    .option('--time <iso>', 'evaluate at this time instead of now')
    .option('--json', 'print the JSON report')
    .option(
      '--deployment-id <id>',
      'mark this GitHub deployment success or failure from the verdict (token: GITHUB_TOKEN)',
    )
    .option('--request-rollback', 'when the gate does not pass, ask for a rollback: a repository_dispatch')
    .option(
      '--rollback-repository <owner/name>',
      'where --request-rollback sends it (default: GITHUB_REPOSITORY)',
    )
    .option(
      '--rollback-event-type <type>',
      'the event type of the rollback request',
      'relx-rollback-requested',
    )
    .option('--report-url <url>', "the gate's report the rollback request names (default: --run-url)")
    .option('--run-url <url>', 'the run the gate belongs to (default: this GitHub Actions run)')
    .action(async (options: SloGateOptions) => {
      try {
        process.exitCode = await runGateCommand(options);
      } catch (error) {
        console.error(`relx: ${renderError(error)}`);
        process.exitCode = gateErrorExitCode(error);
      }
    });
}

async function runGateCommand(options: SloGateOptions): Promise<number> {
  const env = process.env;
  const context = readRunnerContext();
  const token = env.GITHUB_TOKEN ?? env.GH_TOKEN ?? '';
  const deploymentId = parseDeploymentId(options.deploymentId);
  const rollbackRepository = options.requestRollback
    ? (options.rollbackRepository ?? context.repository ?? '')
    : '';
  if (options.requestRollback && !rollbackRepository)
    throw inputError('Where to ask for the rollback?', {
      field: '--rollback-repository',
      fix: 'Pass --rollback-repository owner/name (the CD repository), or set GITHUB_REPOSITORY.',
    });
  if ((deploymentId !== null || rollbackRepository) && !token)
    throw inputError('No GitHub token.', {
      field: 'GITHUB_TOKEN',
      fix: 'Export GITHUB_TOKEN (deployments write for --deployment-id, contents write for --request-rollback).',
    });
  const connection = {
    ...(options.prometheusUrl ? { prometheusUrl: options.prometheusUrl } : {}),
    ...(env.PROMETHEUS_TOKEN ? { prometheusToken: env.PROMETHEUS_TOKEN } : {}),
    ...(env.PROMETHEUS_USERNAME ? { prometheusUsername: env.PROMETHEUS_USERNAME } : {}),
    ...(env.PROMETHEUS_PASSWORD ? { prometheusPassword: env.PROMETHEUS_PASSWORD } : {}),
    datadogSite: options.datadogSite,
    ...(env.DD_API_KEY ? { datadogApiKey: env.DD_API_KEY } : {}),
    ...(env.DD_APP_KEY ? { datadogApplicationKey: env.DD_APP_KEY } : {}),
  };
  const runUrl = options.runUrl ?? context.runUrl ?? '';
  const { report, texts } = await sloGateStep({
    workspace: process.cwd(),
    policy: null,
    policyFile: options.policy,
    environment: options.env ?? '',
    gitops: options.env ? await gitopsRemote(options.gitops) : null,
    connection,
    time: options.time ?? '',
    secrets: sloGateSecrets(connection, [env.GITHUB_TOKEN ?? '', token]),
    deployment: deploymentId !== null ? { id: deploymentId, repository: context.repository ?? '' } : null,
    rollback: rollbackRepository
      ? { repository: rollbackRepository, eventType: options.rollbackEventType }
      : null,
    reportUrl: options.reportUrl ?? runUrl,
    runUrl,
    github: token ? fetchGitHubRequest(token, context.apiUrl) : null,
    reportDir: null,
    fields: {
      policy: '--policy',
      policyFile: '--policy',
      environment: '--env',
      gitops: '--gitops',
      time: '--time',
    },
    onProgress: (line) => process.stderr.write(`relx: ${line}\n`),
  });
  process.stdout.write(options.json ? `${texts.json}\n` : texts.summary);
  return gateReportExitCode(report);
}

function parseDeploymentId(text: string | undefined): number | null {
  if (text === undefined) return null;
  if (!/^[1-9]\d{0,15}$/.test(text)) {
    throw inputError(`--deployment-id "${text}" is not a deployment id.`, {
      field: '--deployment-id',
      fix: "Pass the deployment's id (promote-env's deployment-id output, `relx promote --record-deployment`).",
    });
  }
  return Number(text);
}
