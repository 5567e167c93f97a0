import { inputError } from '../../src/relx-error.js';
import {
  gitopsRemoteOfGate,
  sloGateSecrets,
  sloGateStep,
  type SloGateStepInput,
} from '../../src/slo/slo-gate-step.js';
import {
  fail,
  githubRequest,
  input,
  log,
  notice,
  runAction,
  runner,
  secret,
  setOutputs,
  writeSummary,
} from '../shell/action-shell.js';

function readDeploymentId(): number | null {
  const text = input.text('deployment-id');
  if (!text) return null;
  if (!/^[1-9]\d{0,15}$/.test(text)) {
    throw inputError(`deployment-id "${text}" is not a deployment id.`, {
      field: 'deployment-id',
      fix: "Pass promote-env's deployment-id output (a number), or leave it empty.",
    });
  }
  return Number(text);
}

/** The gate's inputs as the core takes them; every credential masked first. */
function readInputs(): SloGateStepInput {
  const context = runner();
  const connection = {
    prometheusUrl: input.text('prometheus-url'),
    prometheusToken: input.text('prometheus-token'),
    prometheusUsername: input.text('prometheus-username'),
    prometheusPassword: input.text('prometheus-password'),
    datadogSite: input.text('datadog-site'),
    datadogApiKey: input.text('datadog-api-key'),
    datadogApplicationKey: input.text('datadog-application-key'),
  };
  const token = input.text('token');
  const secrets = sloGateSecrets(connection, [token]);
  for (const value of secrets) secret(value);
  const deploymentId = readDeploymentId();
  const rollbackRepository = input.text('rollback-repository');
  const runUrl = context.runUrl ?? `${context.serverUrl}/${context.repository ?? ''}/actions/runs/`;
  return {
    workspace: context.workspace,
    policy: input.optional('policy'),
    policyFile: input.optional('policy-file'),
    environment: input.text('environment'),
    gitops: gitopsRemoteOfGate(input.text('gitops-repository'), context.workspace, token),
    connection,
    time: input.text('time'),
    secrets,
    deployment: deploymentId !== null ? { id: deploymentId, repository: context.repository ?? '' } : null,
    rollback: rollbackRepository
      ? { repository: rollbackRepository, eventType: input.text('rollback-event-type') }
      : null,
    reportUrl: runUrl,
    runUrl,
    github: deploymentId !== null || rollbackRepository ? githubRequest(token, context) : null,
    reportDir: context.temp,
    fields: {
      policy: 'policy',
      policyFile: 'policy-file',
      environment: 'environment',
      gitops: 'gitops-repository',
      time: 'time',
    },
    onProgress: (line) => log.info(line),
    onReport: async ({ report, texts, reportFile }) => {
      setOutputs({
        verdict: report.verdict,
        passed: report.passed,
        report: texts.json,
        'report-file': reportFile,
        'report-url': runUrl,
        'baked-seconds': report.bakeProgress ? report.bakeProgress.bakedSeconds : '',
        'bake-seconds': report.bakeProgress ? report.bakeProgress.bakeSeconds : '',
        'canary-version': report.target?.canaryVersion ?? '',
        'stable-version': report.target?.stableVersion ?? '',
      });
      await writeSummary(texts.summary, `the \`report-file\` output (${reportFile ?? ''})`);
    },
  };
}

/** Compares canary with baseline against the SLO policy; marks the deployment; asks for a rollback. */
export async function run(): Promise<void> {
  await runAction(async () => {
    const { report, texts } = await sloGateStep(readInputs());
    if (report.verdict === 'baking') notice(texts.failure ?? report.reason);
    else if (texts.failure) fail(texts.failure);
  });
}
