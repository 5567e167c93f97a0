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
import { GitDataApi } from '../../src/github/git-data-api.js';
import { runReleasePullRequestMode } from '../../src/release-pr/run-release-pull-request.js';
import { applyReleasePlanThroughApi } from '../../src/release-pr/verified-commits.js';
import { readRelxConfig } from '../../src/workspace/read-relx-config.js';
import { readMode, readProduction, readVerified, setReleaseOutputs } from './release-pr-mode.js';

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
    const { config } = await readRelxConfig(cwd, inputs.config ?? undefined);
    const mode = readMode(config);
    const verifiedInput = readVerified();
    const planSource = {
      ...(inputs.plan ? { text: { value: inputs.plan, source: 'input `plan`' } } : {}),
      ...(inputs.planFile ? { file: { path: resolve(cwd, inputs.planFile), field: 'plan-file' } } : {}),
      ...(inputs.config ? { configFile: inputs.config } : {}),
      now,
      onProgress: (message: string) => core.info(message),
    };

    // The release commit needs an author; the runner has none configured.
    process.env.GIT_AUTHOR_NAME ||= inputs.gitUserName;
    process.env.GIT_AUTHOR_EMAIL ||= inputs.gitUserEmail;
    process.env.GIT_COMMITTER_NAME ||= inputs.gitUserName;
    process.env.GIT_COMMITTER_EMAIL ||= inputs.gitUserEmail;

    const repository = process.env.GITHUB_REPOSITORY ?? '';
    const server = process.env.GITHUB_SERVER_URL ?? 'https://github.com';
    const [owner = '', repo = ''] = repository.split('/');
    const request = () =>
      github.getOctokit(inputs.token, { baseUrl: process.env.GITHUB_API_URL ?? 'https://api.github.com' })
        .request as unknown as GitHubRequest;
    const publisher = inputs.githubRelease ? new GitHubReleasePublisher(request(), owner, repo) : null;
    const repositoryUrl = repository ? `${server}/${repository}` : null;
    const head = await readHead(cwd);

    if (mode === 'release-pr' && !inputs.dryRun) {
      if (!head.branch || !repository || !inputs.token) {
        throw inputError('Release-PR mode needs the branch checked out, GITHUB_REPOSITORY and a token.', {
          field: 'mode',
          fix: 'Run it on a push to the default branch (actions/checkout with `ref: ${{ github.ref_name }}`), with `token` set.',
        });
      }
      const outcome = await runReleasePullRequestMode({
        cwd,
        ...(inputs.config ? { configFile: inputs.config } : {}),
        config,
        request: request(),
        owner,
        repo,
        base: head.branch,
        remote: 'origin',
        token: inputs.token,
        verified: verifiedInput,
        plan: () => resolveReleasePlan(cwd, planSource),
        publisher,
        draft: inputs.draft,
        repositoryUrl,
        now,
        production: await readProduction(cwd),
        releaseName: null,
        onProgress: (message) => core.info(message),
      });
      if (outcome.kind === 'released') {
        setReleaseOutputs(outcome.releases.map((r) => r.result));
        core.setOutput('pull-requests', JSON.stringify([]));
        const text = outcome.releases.map((r) => renderSummary(r.result)).join('\n');
        await core.summary.addRaw(fitStepSummary(text, { whereFull: 'the release commit' }).text).write();
      } else {
        setReleaseOutputs([]);
        core.setOutput('pull-requests', JSON.stringify(outcome.pullRequests));
        const lines = outcome.pullRequests.map((p) =>
          p.pullRequest
            ? `- ${p.action} [#${p.pullRequest.number}](${p.pullRequest.url}) (\`${escapeSummaryText(p.branch)}\`)`
            : `- \`${escapeSummaryText(p.branch)}\`: nothing to release`,
        );
        await core.summary.addRaw(`## Release pull request\n\n${lines.join('\n')}\n`).write();
      }
      return;
    }

    const plan = await resolveReleasePlan(cwd, planSource);
    const branch = head.branch ?? plan.branch;
    const verified = verifiedInput ?? false;
    if ((inputs.push || verified) && !branch) {
      throw inputError('Cannot push: HEAD is detached and the plan names no branch.', {
        field: 'push',
        fix: 'Check out the branch (actions/checkout with `ref: ${{ github.ref_name }}`).',
      });
    }
    const options = {
      ...(inputs.config ? { configFile: inputs.config } : {}),
      dryRun: inputs.dryRun,
      draft: inputs.draft,
      repositoryUrl,
      now,
      commitTitle: inputs.commitTitle,
      onProgress: (message: string) => core.info(message),
      boundary: writeBoundaryFromEnvironment(),
    };
    const result =
      verified && branch
        ? await applyReleasePlanThroughApi(
            cwd,
            plan,
            { ...options, publisher },
            {
              remote: 'origin',
              branch,
              token: inputs.token,
              api: new GitDataApi(request(), owner, repo),
            },
          )
        : await applyReleasePlan(cwd, plan, {
            ...options,
            push: inputs.push && branch ? { remote: 'origin', branch, token: inputs.token } : null,
            publisher,
          });

    setReleaseOutputs([result]);
    core.setOutput('pull-requests', JSON.stringify([]));
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
