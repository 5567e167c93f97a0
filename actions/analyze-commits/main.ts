import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as cache from '@actions/cache';
import * as core from '@actions/core';
import { renderError } from '../../src/relx-error.js';
import { planRepositoryRelease } from '../../src/release-plan/plan-repository-release.js';
import { releasedComponents, serializeReleasePlan } from '../../src/release-plan/release-plan.js';
import { renderPlanSummary, renderPlanTable } from '../../src/release-plan/render-plan.js';
import { fitStepSummary } from '../../src/summary/fit-step-summary.js';
import * as github from '@actions/github';
import type { GitHubRequest } from '../../src/github/github-request.js';
import { GitHubPullRequests } from '../../src/github/pull-requests.js';
import { inputError } from '../../src/relx-error.js';
import { planAtCommit } from '../../src/release/resolve-release-plan.js';
import { updatePreviewComment } from '../../src/release-pr/preview-comment.js';
import { readMergedReleaseCommit } from '../../src/release-pr/release-pull-request.js';

interface Inputs {
  workingDirectory: string;
  config: string | null;
  range: string | null;
  branch: string | null;
  cache: boolean;
  mode: 'direct' | 'release-pr' | 'preview';
  token: string;
  pullRequest: number | null;
}

function readMode(): Inputs['mode'] {
  const mode = core.getInput('mode') || 'direct';
  if (mode === 'direct' || mode === 'release-pr' || mode === 'preview') return mode;
  throw inputError(`mode is "${mode}".`, { field: 'mode', fix: 'Use `direct`, `release-pr` or `preview`.' });
}

function readInputs(): Inputs {
  const ref = process.env.GITHUB_REF ?? '';
  const token = core.getInput('token');
  if (token) core.setSecret(token);
  return {
    workingDirectory: resolve(process.env.GITHUB_WORKSPACE ?? '.', core.getInput('working-directory') || '.'),
    config: core.getInput('config') || null,
    range: core.getInput('range') || null,
    // A pull request's merge commit is checked out detached: its base branch decides the channel.
    branch:
      core.getInput('branch') ||
      (ref.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : process.env.GITHUB_BASE_REF || null),
    cache: core.getBooleanInput('cache'),
    mode: readMode(),
    token,
    pullRequest:
      Number(core.getInput('pull-request')) ||
      (github.context.payload.pull_request?.number as number | undefined) ||
      null,
  };
}

const historyCacheKey = 'relx-history-';

/** The one preview comment on the pull request: what merging it releases. Reads git history only. */
async function preview(inputs: Inputs, plan: Parameters<typeof updatePreviewComment>[2]): Promise<void> {
  const [owner = '', repo = ''] = (process.env.GITHUB_REPOSITORY ?? '').split('/');
  if (!inputs.pullRequest || !owner || !inputs.token) {
    throw inputError('A preview needs the pull request, GITHUB_REPOSITORY and a token.', {
      field: 'mode',
      fix: 'Run `mode: preview` on a pull_request event (or set `pull-request`), with `token` (pull-requests: write).',
    });
  }
  const request = github.getOctokit(inputs.token, {
    baseUrl: process.env.GITHUB_API_URL ?? 'https://api.github.com',
  }).request as unknown as GitHubRequest;
  const result = await updatePreviewComment(
    new GitHubPullRequests(request, owner, repo),
    inputs.pullRequest,
    plan,
  );
  core.info(`Preview comment on #${inputs.pullRequest}: ${result.action}.`);
  core.setOutput('preview-comment', result.commentId === null ? '' : String(result.commentId));
}

export async function run(): Promise<void> {
  try {
    const inputs = readInputs();
    const temp = process.env.RUNNER_TEMP ?? tmpdir();
    const cacheFile = join(temp, 'relx', 'history-index.json');
    const useCache = inputs.cache && cache.isFeatureAvailable();
    if (inputs.cache && !useCache)
      core.info('The Actions cache service is not available here: reading the whole range.');
    if (useCache) {
      const hit = await cache
        .restoreCache([cacheFile], `${historyCacheKey}${process.env.GITHUB_SHA ?? ''}`, [historyCacheKey])
        .catch((error: unknown) => {
          core.warning(`Could not restore the history cache: ${renderError(error)}`);
          return undefined;
        });
      core.info(hit ? `Restored history cache ${hit}.` : 'No history cache yet.');
    }

    const planOptions = {
      ...(inputs.config ? { configFile: inputs.config } : {}),
      ...(inputs.branch ? { branch: inputs.branch } : {}),
      now: new Date(),
      onProgress: (message: string) => core.info(message),
    };
    // A merged release pull request is released as planned on its plan head, not planned again.
    const merged =
      inputs.mode === 'release-pr' ? await readMergedReleaseCommit(inputs.workingDirectory, 'HEAD') : null;
    if (merged)
      core.info(
        `HEAD is a merged release pull request: planning its plan head ${merged.planHead.slice(0, 7)}`,
      );
    const { plan, stats } = merged
      ? {
          plan: await planAtCommit(inputs.workingDirectory, merged.planHead, planOptions),
          stats: { commitsRead: 0, commitsFromCache: 0, cache: 'off' as const, cacheReason: '' },
        }
      : await planRepositoryRelease(inputs.workingDirectory, {
          ...planOptions,
          ...(inputs.range ? { range: inputs.range } : {}),
          ...(useCache ? { cacheFile } : {}),
        });
    core.info(renderPlanTable(plan));
    core.info(
      `Read ${stats.commitsRead} commit(s) from git` +
        (stats.cache === 'off'
          ? '.'
          : `, ${stats.commitsFromCache} from the cache (${stats.cache}: ${stats.cacheReason}).`),
    );
    if (stats.cache === 'discarded') core.warning(`History cache discarded: ${stats.cacheReason}.`);

    if (useCache) {
      await cache.saveCache([cacheFile], `${historyCacheKey}${plan.head}`).catch((error: unknown) => {
        // Another run of the same commit saved it first: that entry is just as good.
        core.info(`History cache not saved: ${renderError(error)}`);
      });
    }

    const json = serializeReleasePlan(plan);
    const planFile = join(temp, 'relx', 'release-plan.json');
    await mkdir(join(temp, 'relx'), { recursive: true });
    await writeFile(planFile, json);
    const released = releasedComponents(plan).map((c) => c.name);
    core.setOutput('plan', json.trimEnd());
    core.setOutput('plan-file', planFile);
    core.setOutput('has-releases', released.length > 0 ? 'true' : 'false');
    core.setOutput('components', JSON.stringify(released));
    core.setOutput('merged-release', merged ? 'true' : 'false');
    if (inputs.mode === 'preview') await preview(inputs, plan);
    const whereFull = `the \`plan-file\` output (${planFile}; upload it with actions/upload-artifact to keep it)`;
    await core.summary.addRaw(fitStepSummary(renderPlanSummary(plan), { whereFull }).text).write();
  } catch (error) {
    core.setFailed(renderError(error));
  }
}
