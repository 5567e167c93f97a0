import { resolve } from 'node:path';
import * as core from '@actions/core';
import * as github from '@actions/github';
import { renderError, inputError } from '../../src/relx-error.js';
import { readHead } from '../../src/git/git-refs.js';
import { applyReleasePlan, type ApplyReleaseResult } from '../../src/release/apply-release-plan.js';
import { GitHubReleasePublisher } from '../../src/github/github-release-publisher.js';
import type { GitHubRequest } from '../../src/github/github-request.js';
import { resolveReleasePlan } from '../../src/release/resolve-release-plan.js';
import { writeBoundaryFromEnvironment } from '../../src/release/write-boundary-from-environment.js';
import { escapeSummaryText } from '../../src/release-plan/render-plan.js';
import { fitStepSummary } from '../../src/summary/fit-step-summary.js';

interface Inputs {
  plan: string | null;
  planFile: string | null;
  workingDirectory: string;
  config: string | null;
  push: boolean;
  githubRelease: boolean;
  draft: boolean;
  dryRun: boolean;
  commitTitle: string;
  token: string;
  gitUserName: string;
  gitUserEmail: string;
}

function readInputs(): Inputs {
  const token = core.getInput('token');
  if (token) core.setSecret(token);
  return {
    plan: core.getInput('plan') || null,
    planFile: core.getInput('plan-file') || null,
    workingDirectory: resolve(process.env.GITHUB_WORKSPACE ?? '.', core.getInput('working-directory') || '.'),
    config: core.getInput('config') || null,
    push: core.getBooleanInput('push'),
    githubRelease: core.getBooleanInput('github-release'),
    draft: core.getBooleanInput('draft'),
    dryRun: core.getBooleanInput('dry-run'),
    commitTitle: core.getInput('commit-title') || 'chore(release): {releases}',
    token,
    gitUserName: core.getInput('git-user-name'),
    gitUserEmail: core.getInput('git-user-email'),
  };
}

export async function run(): Promise<void> {
  try {
    const inputs = readInputs();
    const cwd = inputs.workingDirectory;
    const now = new Date();
    const plan = await resolveReleasePlan(cwd, {
      ...(inputs.plan ? { text: { value: inputs.plan, source: 'input `plan`' } } : {}),
      ...(inputs.planFile ? { file: { path: resolve(cwd, inputs.planFile), field: 'plan-file' } } : {}),
      ...(inputs.config ? { configFile: inputs.config } : {}),
      now,
      onProgress: (message) => core.info(message),
    });

    // The release commit needs an author; the runner has none configured.
    process.env.GIT_AUTHOR_NAME ||= inputs.gitUserName;
    process.env.GIT_AUTHOR_EMAIL ||= inputs.gitUserEmail;
    process.env.GIT_COMMITTER_NAME ||= inputs.gitUserName;
    process.env.GIT_COMMITTER_EMAIL ||= inputs.gitUserEmail;

    const branch = (await readHead(cwd)).branch ?? plan.branch;
    if (inputs.push && !branch) {
      throw inputError('Cannot push: HEAD is detached and the plan names no branch.', {
        field: 'push',
        fix: 'Check out the branch (actions/checkout with `ref: ${{ github.ref_name }}`).',
      });
    }
    const repository = process.env.GITHUB_REPOSITORY ?? '';
    const server = process.env.GITHUB_SERVER_URL ?? 'https://github.com';
    const [owner = '', repo = ''] = repository.split('/');
    const publisher = inputs.githubRelease
      ? new GitHubReleasePublisher(
          github.getOctokit(inputs.token, { baseUrl: process.env.GITHUB_API_URL ?? 'https://api.github.com' })
            .request as unknown as GitHubRequest,
          owner,
          repo,
        )
      : null;

    const result = await applyReleasePlan(cwd, plan, {
      ...(inputs.config ? { configFile: inputs.config } : {}),
      dryRun: inputs.dryRun,
      push: inputs.push && branch ? { remote: 'origin', branch, token: inputs.token } : null,
      publisher,
      draft: inputs.draft,
      repositoryUrl: repository ? `${server}/${repository}` : null,
      now,
      commitTitle: inputs.commitTitle,
      onProgress: (message) => core.info(message),
      boundary: writeBoundaryFromEnvironment(),
    });

    core.setOutput(
      'released',
      JSON.stringify(
        Object.fromEntries(
          result.components.map((c) => [c.component, { version: c.version, tag: c.tag, sha: result.commit }]),
        ),
      ),
    );
    core.setOutput('tags', JSON.stringify(result.components.map((c) => c.tag)));
    core.setOutput('commit', result.commit ?? '');
    const whereFull = 'the changelog files of the release commit (and its GitHub Releases)';
    await core.summary.addRaw(fitStepSummary(renderSummary(result), { whereFull }).text).write();
  } catch (error) {
    core.setFailed(renderError(error));
  }
}

function renderSummary(result: ApplyReleaseResult): string {
  const e = escapeSummaryText;
  if (result.components.length === 0) return '## Release\n\nNothing to release.\n';
  const lines = [
    result.dryRun
      ? '## Release (dry run: nothing written)'
      : `## Release ${result.commit?.slice(0, 7) ?? ''}`,
    '',
    '| component | version | tag | status |',
    '|---|---|---|---|',
  ];
  for (const c of result.components) {
    const status = result.dryRun ? 'planned' : c.tagCreated ? 'tagged' : 'already tagged';
    const release = c.release ? ` · [release](${c.release.url})${c.release.created ? '' : ' (existed)'}` : '';
    lines.push(`| \`${e(c.component)}\` | ${e(c.version)} | \`${e(c.tag)}\` | ${status}${release} |`);
  }
  for (const c of result.components) {
    // the changelog is markdown relx wrote with commit text already escaped
    lines.push(
      '',
      `<details><summary>${e(c.component)} ${e(c.version)}</summary>`,
      '',
      c.changelog,
      '</details>',
    );
  }
  return `${lines.join('\n')}\n`;
}
