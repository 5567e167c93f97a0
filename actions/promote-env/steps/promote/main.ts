import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import * as core from '@actions/core';
import * as github from '@actions/github';
import type { GitHubRequest } from '../../../../src/github/github-request.js';
import { readRepositoryFile } from '../../../../src/github/repository-contents.js';
import {
  parseHandoff,
  receiveHandoffManifest,
  verifyManifestBytes,
} from '../../../../src/promotion/release-handoff.js';
import { inputError, renderError } from '../../../../src/relx-error.js';
import { parseCanaryRequest, type CanaryRequest } from '../../../../src/promotion/plan-canary.js';
import {
  promoteCanary,
  promoteEnvironment,
  readManifestForPromotion,
  rollbackComponent,
  rollbackEnvironment,
  type PromotionContext,
  type PromotionResult,
} from '../../../../src/promotion/promote-environment.js';
import { escapeSummaryText } from '../../../../src/release-plan/render-plan.js';
import { scrubSecrets } from '../../../../src/secret-scrubber.js';

/** The tokens this step was given: scrubbed from the summary, the outputs and the failure message. */
const secrets = () => [core.getInput('token'), core.getInput('source_token')];
const scrub = (text: string) => scrubSecrets(text, secrets());

/**
 * The receive step: the dispatch's hand-off → its manifest, verified against manifest_sha256 (from
 * the payload, or fetched from the source repository when too large for it) → a file the next
 * steps promote. A manifest that does not verify stops here, before any deployment is recorded.
 */
async function receive(): Promise<void> {
  const token = core.getInput('source_token') || core.getInput('token');
  if (token) core.setSecret(token);
  const handoff = parseHandoff(core.getInput('handoff', { required: true }), 'input `handoff`');
  const request = github.getOctokit(token, {
    baseUrl: process.env.GITHUB_API_URL ?? 'https://api.github.com',
  }).request as unknown as GitHubRequest;
  const received = await receiveHandoffManifest(handoff, {
    name: 'GitHub contents API',
    readFile: (repository, path, commit) => readRepositoryFile(request, repository, path, commit),
  });
  const manifest = readManifestForPromotion(received.text, handoff.manifest_path);
  const file = join(
    process.env.RUNNER_TEMP ?? process.cwd(),
    `relx-handoff-${received.sha256.slice(0, 16)}.yaml`,
  );
  await writeFile(file, received.text);
  core.info(
    `Received ${manifest.metadata.name} from ${received.origin}; SHA-256 ${received.sha256} verified.`,
  );
  core.setOutput('manifest', file);
  core.setOutput('manifest-sha256', received.sha256);
  core.setOutput('release', manifest.metadata.name);
}

/** The manifest file, its exact bytes checked against `manifest-sha256` when one is given. */
async function readManifestFile(workspace: string, file: string): Promise<string> {
  const bytes = await readFile(resolve(workspace, file)).catch(() => {
    throw inputError(`Cannot read the manifest ${file}.`, {
      field: 'manifest',
      fix: 'Check the path (relative to the workspace).',
    });
  });
  const expected = core.getInput('manifest_sha256');
  if (expected) verifyManifestBytes(bytes, expected, file);
  return bytes.toString('utf8');
}

/** The promotion the inputs describe: which GitOps repository, which environment, who and which run. */
function promotionContext(workspace: string): PromotionContext {
  const token = core.getInput('token');
  if (token) core.setSecret(token);
  const server = process.env.GITHUB_SERVER_URL ?? 'https://github.com';
  const repository = process.env.GITHUB_REPOSITORY ?? '';
  const given = core.getInput('gitops_repository');
  const url = given
    ? /^[a-z]+:\/\//.test(given)
      ? given
      : resolve(workspace, given)
    : `${server}/${repository}`;
  return {
    remote: token ? { url, token } : { url },
    environment: core.getInput('environment', { required: true }),
    approvedBy: core.getInput('approved_by') || null,
    run: `${server}/${repository}/actions/runs/${process.env.GITHUB_RUN_ID ?? ''}`,
    dryRun: core.getBooleanInput('dry_run'),
    onProgress: (message: string) => core.info(message),
  };
}

const canaryInputs = {
  canary: 'canary',
  complete: 'canary-complete',
  abort: 'canary-abort',
  reason: 'abort-reason',
  gateReport: 'gate-report',
};

/** The canary step the inputs ask for (canary, canary-complete, canary-abort); null for a plain promotion. */
function canaryRequestOfInputs() {
  return parseCanaryRequest(
    {
      canary: core.getInput('canary'),
      complete: core.getInput('canary_complete') === 'true',
      abort: core.getInput('canary_abort') === 'true',
      reason: core.getInput('abort_reason'),
      gateReport: core.getInput('gate_report'),
      hotfix: core.getInput('hotfix') === 'true',
    },
    canaryInputs,
  );
}

/** A canary step: the manifest input starts one (and is optional once it runs). */
async function promoteCanaryStep(
  workspace: string,
  context: PromotionContext,
  request: NonNullable<ReturnType<typeof canaryRequestOfInputs>>,
): Promise<PromotionResult> {
  const file = core.getInput('manifest');
  const manifest = file ? readManifestForPromotion(await readManifestFile(workspace, file), file) : null;
  return promoteCanary(context, { ...request, manifest } as CanaryRequest);
}

/**
 * The check step, before a deployment is recorded: whether the environment already runs this
 * manifest — CD handed the same release a second time (a re-run of the release after its
 * dispatch). Then no deployment is recorded for a promotion that changes nothing. It never
 * fails: whatever is wrong, the promote step says it (and the deployment records the failure).
 */
async function checkAlreadyRuns(workspace: string): Promise<void> {
  try {
    const request = canaryRequestOfInputs();
    if (request) {
      const context = { ...promotionContext(workspace), dryRun: true };
      const result = await promoteCanaryStep(workspace, context, request);
      core.setOutput('already-runs', String(result.status === 'unchanged'));
      return;
    }
    const file = core.getInput('manifest');
    const text = await readManifestFile(workspace, file);
    const context = { ...promotionContext(workspace), dryRun: true };
    const result = await promoteEnvironment(context, readManifestForPromotion(text, file), {
      hotfix: core.getBooleanInput('hotfix'),
    });
    core.setOutput('already-runs', String(result.status === 'unchanged'));
  } catch (error) {
    core.info(`Cannot tell yet whether the environment runs it: ${scrub(renderError(error))}`);
    core.setOutput('already-runs', 'false');
  }
}

/** The promotion step of promote-env: inputs arrive through env (INPUT_*), never through the shell. */
export async function run(): Promise<void> {
  try {
    if (core.getInput('mode') === 'receive') return await receive();
    const workspace = process.env.GITHUB_WORKSPACE ?? process.cwd();
    if (core.getInput('mode') === 'check') return await checkAlreadyRuns(workspace);
    const context = promotionContext(workspace);
    const environment = context.environment;
    const component = core.getInput('rollback_component');
    const version = core.getInput('rollback_version') || undefined;
    const canary = canaryRequestOfInputs();
    let result: PromotionResult;
    if (canary && (component || core.getBooleanInput('rollback'))) {
      throw inputError('A canary step and a rollback cannot go together.', {
        field: canary.action === 'step' ? 'canary' : `canary-${canary.action}`,
        fix: 'Abort the canary (canary-abort) first; the stable release keeps running meanwhile.',
      });
    }
    if (canary) result = await promoteCanaryStep(workspace, context, canary);
    else if (component) result = await rollbackComponent(context, component, version);
    else if (core.getBooleanInput('rollback')) result = await rollbackEnvironment(context, version);
    else {
      const file = core.getInput('manifest');
      if (!file)
        throw inputError('No manifest to promote.', {
          field: 'manifest',
          fix: "Pass write-manifest's `path` output (or set rollback).",
        });
      const text = await readManifestFile(workspace, file);
      result = await promoteEnvironment(context, readManifestForPromotion(text, file), {
        hotfix: core.getBooleanInput('hotfix'),
      });
    }
    core.setOutput('status', result.status);
    core.setOutput('commit', result.commit ?? '');
    core.setOutput('release', scrub(result.manifest));
    core.setOutput('previous', scrub(result.previous ?? ''));
    // canary-weight: the canary's share after this step ('' when none runs after it)
    core.setOutput('canary-weight', result.canary?.weight?.toString() ?? '');
    core.setOutput('canary-status', result.canary?.status ?? '');
    const e = escapeSummaryText;
    const record = result.record;
    await core.summary
      .addRaw(
        scrub(
          [
            result.canary
              ? `## ${e(environment)}: canary ${e(result.manifest)} ${result.status === 'planned' ? 'planned (dry run)' : e(result.canary.status)}`
              : `## ${e(environment)}: ${result.status === 'unchanged' ? `already runs ${e(result.manifest)}` : result.status === 'planned' ? `would run ${e(result.manifest)} (dry run)` : `now runs ${e(result.manifest)}`}`,
            '',
            `| | |`,
            `|---|---|`,
            `| release | ${e(result.manifest)} |`,
            `| previous | ${e(result.previous ?? '—')} |`,
            `| GitOps commit | ${e(result.commit ?? '—')} |`,
            `| approved by | ${e(record?.approvedBy ?? '—')} |`,
            `| hotfix | ${record?.hotfix ? 'yes (environment order skipped)' : 'no'} |`,
            result.canary
              ? `| canary | ${e(result.canary.status)}${result.canary.weight !== null ? ` — ${result.canary.weight} % of traffic` : ''} |`
              : '',
            record?.abortReason ? `| abort reason | ${e(record.abortReason)} |` : '',
            record?.gateReport ? `| gate report | ${e(record.gateReport)} |` : '',
            record?.rollbackOf
              ? `| rollback of | ${e(record.rollbackOf)}${record.component ? ` (${e(record.component)} only)` : ''} |`
              : '',
            `| files | ${result.files.map((f) => `\`${e(f)}\``).join(', ') || '—'} |`,
            '',
          ]
            .filter((l) => l !== '')
            .join('\n') + '\n',
        ),
      )
      .write();
  } catch (error) {
    core.setFailed(scrub(renderError(error)));
  }
}
