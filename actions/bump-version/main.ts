import { resolve } from 'node:path';
import { renderVersionSummary } from '../../src/release/render-version-summary.js';
import { versionOutputs, versionStep, type VersionStepInput } from '../../src/release/version-step.js';
import {
  githubRequest,
  input,
  log,
  runAction,
  runner,
  setOutputs,
  writeSummary,
} from '../shell/action-shell.js';
import { readMode, readProductionManifest, readVerified } from './release-pr-mode.js';

function readInputs(): VersionStepInput {
  const context = runner();
  const token = input.secret('token');
  const cwd = resolve(context.workspace, input.text('working-directory') || '.');
  const plan = input.optional('plan');
  const planFile = input.optional('plan-file');
  return {
    cwd,
    configFile: input.optional('config'),
    plan: {
      ...(plan ? { text: { value: plan, source: 'input `plan`' } } : {}),
      ...(planFile ? { file: { path: resolve(cwd, planFile), field: 'plan-file' } } : {}),
    },
    mode: readMode(),
    verified: readVerified(),
    productionManifest: readProductionManifest(),
    push: input.boolean('push'),
    githubRelease: input.boolean('github-release'),
    draft: input.boolean('draft'),
    dryRun: input.boolean('dry-run'),
    commitTitle: input.text('commit-title') || 'chore(release): {releases}',
    remote: 'origin',
    token,
    repository: context.owner && context.repo ? { owner: context.owner, repo: context.repo } : null,
    repositoryUrl: context.repository ? `${context.serverUrl}/${context.repository}` : null,
    github: () => githubRequest(token, context),
    // The release commit needs an author; the runner has none configured.
    gitUser: { name: input.text('git-user-name'), email: input.text('git-user-email') },
    fields: {
      push: 'push',
      mode: 'mode',
      checkoutFix: 'actions/checkout with `ref: ${{ github.ref_name }}`',
    },
    now: new Date(),
    onProgress: log.info,
  };
}

/** Releases the plan: direct (commit, tags, push, GitHub Releases) or through release pull requests. */
export async function run(): Promise<void> {
  await runAction(async () => {
    const result = await versionStep(readInputs());
    setOutputs(versionOutputs(result));
    const summary = renderVersionSummary(result);
    await writeSummary(summary.markdown, summary.whereFull);
  });
}
