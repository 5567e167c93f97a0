import { writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { GitHubDeployments } from '../github/github-deployments.js';
import type { GitHubRequest } from '../github/github-request.js';
import { sendRepositoryDispatch } from '../github/repository-dispatch.js';
import { readCanary } from '../promotion/canary-state.js';
import type { GitOpsRemote } from '../promotion/gitops-repository.js';
import { gitopsRemoteAt } from '../promotion/gitops-url.js';
import { inputError } from '../relx-error.js';
import { basicAuthSecrets, scrubSecrets } from '../secret-scrubber.js';
import { gateEnvironment, type GatedEnvironment } from './gate-environment.js';
import { renderSloGateTexts } from './render-slo-report.js';
import { planRollbackRequest, type RollbackRequest } from './rollback-request.js';
import { runSloGate, type SloGateReport } from './run-slo-gate.js';
import { connectSloGate, type SloConnection } from './slo-connection.js';
import { parseSloPolicy } from './slo-policy.js';

/** The JSON report, the job summary and the failure message, scrubbed of the gate's credentials. */
export type SloGateTexts = ReturnType<typeof renderSloGateTexts>;

/** The names the gate's inputs have where it runs (the action's inputs, the CLI's flags), for errors. */
export interface SloGateFields {
  policy: string;
  policyFile: string;
  environment: string;
  gitops: string;
  time: string;
}

/** What `relx slo-gate` and the slo-gate action are asked to do. */
export interface SloGateStepInput {
  /** The directory a policy file and a GitOps path are relative to. */
  workspace: string;
  /** The policy's YAML as given inline; null to read `policyFile`. */
  policy: string | null;
  policyFile: string | null;
  /** The environment whose canary the gate measures; '' for none. */
  environment: string;
  /** The GitOps repository to read the environment's releases from; null for none. */
  gitops: GitOpsRemote | null;
  connection: SloConnection;
  /** The evaluation time as given (ISO 8601); '' for now. */
  time: string;
  /** Every credential the gate was given: scrubbed from the report, the deployment and the dispatch. */
  secrets: readonly string[];
  /** A GitHub deployment to mark success or failure from the verdict (not while baking). */
  deployment: { id: number; repository: string } | null;
  /** Where to ask for a rollback (repository_dispatch) when the gate does not pass. */
  rollback: { repository: string; eventType: string } | null;
  /** The gate's report (its run) and the run, as the rollback request names them. */
  reportUrl: string;
  runUrl: string;
  /** GitHub, for the deployment status and the rollback dispatch; null when neither is asked. */
  github: GitHubRequest | null;
  /** The directory the JSON report is written to; null writes none. */
  reportDir: string | null;
  fields: SloGateFields;
  onProgress?: (line: string) => void;
  /** Called once the gate has decided, before the deployment is marked and a rollback is asked. */
  onReport?: (result: SloGateStepResult) => Promise<void> | void;
}

export interface SloGateStepResult {
  report: SloGateReport;
  gated: GatedEnvironment;
  texts: SloGateTexts;
  /** The JSON report's file, or null when none was written. */
  reportFile: string | null;
  /** The rollback asked for, or null (a pass, baking, or no rollback repository). */
  rollback: RollbackRequest | null;
}

/** The gate's credentials in every form a backend might echo back (token, basic auth). */
export function sloGateSecrets(connection: SloConnection, others: readonly string[]): string[] {
  return [
    connection.prometheusToken,
    connection.prometheusPassword,
    connection.datadogApiKey,
    connection.datadogApplicationKey,
    ...others,
    ...basicAuthSecrets(connection.prometheusUsername, connection.prometheusPassword),
  ].filter((v): v is string => typeof v === 'string' && v !== '');
}

/** The action's `gitops-repository` (a URL, scp-style address, or a path in the workspace); null when empty. */
export function gitopsRemoteOfGate(given: string, workspace: string, token: string): GitOpsRemote | null {
  return given ? gitopsRemoteAt(given, workspace, token) : null;
}

async function readPolicy(input: SloGateStepInput): Promise<{ text: string; source: string }> {
  const { fields } = input;
  if (input.policy) return { text: input.policy, source: `input \`${fields.policy}\`` };
  const file = input.policyFile;
  if (!file) {
    throw inputError('No SLO policy.', {
      field: fields.policy,
      fix: `Give \`${fields.policy}\` (YAML) or \`${fields.policyFile}\`.`,
    });
  }
  const text = await readFile(resolve(input.workspace, file), 'utf8').catch(() => {
    throw inputError(`Cannot read the policy file ${file}.`, {
      field: fields.policyFile,
      fix: 'Check the path (relative to the workspace).',
    });
  });
  return { text, source: file };
}

function parseTime(time: string, field: string): Date | undefined {
  const at = time ? new Date(time) : undefined;
  if (at && Number.isNaN(at.getTime())) {
    throw inputError(`${field} "${time}" is not a date.`, {
      field,
      fix: 'Use ISO 8601, e.g. 2026-11-24T12:00:00Z.',
    });
  }
  return at;
}

async function evaluate(input: SloGateStepInput) {
  const { text, source } = await readPolicy(input);
  const at = parseTime(input.time, input.fields.time);
  const { environment, gitops, fields } = input;
  if (gitops && !environment) {
    throw inputError(`${fields.gitops} is given but not the environment to read from it.`, {
      field: fields.environment,
      fix: `Set ${fields.environment} (e.g. prod) to the environment whose canary the gate measures.`,
    });
  }
  const gated = await gateEnvironment(
    parseSloPolicy(text, source),
    source,
    gitops ? { environment, remote: gitops, readCanary } : null,
    { environment: fields.environment, gitops: fields.gitops },
  );
  const { provider, queries } = connectSloGate(gated.policy, input.connection, source);
  const report = await runSloGate({
    policy: gated.policy,
    provider,
    queries,
    step: gated.step,
    target: gated.target,
    ...(at ? { at } : {}),
    onSample: (sample, i, of) =>
      input.onProgress?.(`sample ${i + 1}/${of} at ${sample.at}: ${sample.outcome}`),
  });
  return { report, gated };
}

function needGitHub(input: SloGateStepInput): GitHubRequest {
  if (!input.github) throw new Error('slo-gate: a deployment or a rollback needs a GitHub client');
  return input.github;
}

/** Marks the deployment from the verdict; a bake in progress leaves it as it is. */
async function markDeployment(input: SloGateStepInput, report: SloGateReport): Promise<void> {
  if (!input.deployment || report.verdict === 'baking') return;
  const [owner = '', repo = ''] = input.deployment.repository.split('/');
  const state = report.passed ? 'success' : 'failure';
  await new GitHubDeployments(needGitHub(input), owner, repo).status(
    input.deployment.id,
    state,
    scrubSecrets(`SLO gate ${report.verdict}: ${report.reason}`, input.secrets),
    input.runUrl,
  );
  input.onProgress?.(`Deployment ${input.deployment.id}: ${state}.`);
}

/** Asks the rollback repository to undo what failed the gate (relx-rollback-requested). */
async function requestRollback(
  input: SloGateStepInput,
  report: SloGateReport,
  gated: GatedEnvironment,
): Promise<RollbackRequest | null> {
  const request = planRollbackRequest(report, gated, {
    environment: input.environment,
    reportUrl: input.reportUrl,
    runUrl: input.runUrl,
  });
  if (!request || !input.rollback) return null;
  await sendRepositoryDispatch(needGitHub(input), {
    repository: input.rollback.repository,
    eventType: input.rollback.eventType || 'relx-rollback-requested',
    payload: JSON.parse(scrubSecrets(JSON.stringify(request), input.secrets)) as Record<string, unknown>,
  });
  input.onProgress?.(
    `Asked ${input.rollback.repository} to ${request.canary ? 'abort the canary' : 'roll back'} ${request.release ?? ''} in ${input.environment || 'the environment'}.`,
  );
  return request;
}

/**
 * The SLO gate: the policy made concrete for the environment, canary and baseline sampled and
 * judged; then the deployment marked from the verdict and, when it did not pass, a rollback asked.
 */
export async function sloGateStep(input: SloGateStepInput): Promise<SloGateStepResult> {
  const { report, gated } = await evaluate(input);
  const texts = renderSloGateTexts(report, {
    ...(input.environment ? { environment: input.environment } : {}),
    secrets: input.secrets,
  });
  let reportFile: string | null = null;
  if (input.reportDir) {
    reportFile = join(input.reportDir, 'relx-slo-gate-report.json');
    writeFileSync(reportFile, `${texts.json}\n`);
  }
  const result: SloGateStepResult = { report, gated, texts, reportFile, rollback: null };
  await input.onReport?.(result);
  await markDeployment(input, report);
  result.rollback = await requestRollback(input, report, gated);
  return result;
}
