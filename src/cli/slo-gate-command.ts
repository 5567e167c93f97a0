import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { inputError, renderError } from '../relx-error.js';
import { basicAuthSecrets } from '../secret-scrubber.js';
import { gateEnvironment } from '../slo/gate-environment.js';
import { readCanary } from '../promotion/canary-state.js';
import { renderSloGateTexts } from '../slo/render-slo-report.js';
import { runSloGate } from '../slo/run-slo-gate.js';
import { connectSloGate } from '../slo/slo-connection.js';
import { parseSloPolicy } from '../slo/slo-policy.js';
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
  const text = await readFile(resolve(options.policy), 'utf8').catch(() => {
    throw inputError(`Cannot read the policy file ${options.policy}.`, {
      field: '--policy',
      fix: 'Check the path.',
    });
  });
  const at = options.time ? new Date(options.time) : undefined;
  if (at && Number.isNaN(at.getTime())) {
    throw inputError(`--time "${options.time}" is not a date.`, { field: '--time', fix: 'Use ISO 8601.' });
  }
  const gated = await gateEnvironment(
    parseSloPolicy(text, options.policy),
    options.policy,
    options.env
      ? {
          environment: options.env,
          remote: await gitopsRemote(options.gitops),
          readCanary,
        }
      : null,
    { environment: '--env', gitops: '--gitops' },
  );
  const env = process.env;
  const { provider, queries } = connectSloGate(
    gated.policy,
    {
      ...(options.prometheusUrl ? { prometheusUrl: options.prometheusUrl } : {}),
      ...(env.PROMETHEUS_TOKEN ? { prometheusToken: env.PROMETHEUS_TOKEN } : {}),
      ...(env.PROMETHEUS_USERNAME ? { prometheusUsername: env.PROMETHEUS_USERNAME } : {}),
      ...(env.PROMETHEUS_PASSWORD ? { prometheusPassword: env.PROMETHEUS_PASSWORD } : {}),
      datadogSite: options.datadogSite,
      ...(env.DD_API_KEY ? { datadogApiKey: env.DD_API_KEY } : {}),
      ...(env.DD_APP_KEY ? { datadogApplicationKey: env.DD_APP_KEY } : {}),
    },
    options.policy,
  );
  const report = await runSloGate({
    policy: gated.policy,
    provider,
    queries,
    step: gated.step,
    target: gated.target,
    ...(at ? { at } : {}),
    onSample: (sample, i, of) =>
      process.stderr.write(`relx: sample ${i + 1}/${of} at ${sample.at}: ${sample.outcome}\n`),
  });
  const texts = renderSloGateTexts(report, {
    ...(options.env ? { environment: options.env } : {}),
    secrets: [
      env.PROMETHEUS_TOKEN,
      env.GITHUB_TOKEN,
      env.DD_API_KEY,
      env.DD_APP_KEY,
      ...basicAuthSecrets(env.PROMETHEUS_USERNAME, env.PROMETHEUS_PASSWORD),
    ],
  });
  process.stdout.write(options.json ? `${texts.json}\n` : texts.summary);
  return gateReportExitCode(report);
}
