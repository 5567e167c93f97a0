import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { GitHubRequest } from '../github/github-request.js';
import { GitHubPullRequests } from '../github/pull-requests.js';
import { inputError, renderError } from '../relx-error.js';
import { planAtCommit } from '../release/resolve-release-plan.js';
import { updatePreviewComment, type PreviewResult } from '../release-pr/preview-comment.js';
import { readMergedReleaseCommit } from '../release-pr/release-pull-request.js';
import { planRepositoryRelease, type RepositoryPlan } from './plan-repository-release.js';
import { releasedComponents, serializeReleasePlan, type ReleasePlan } from './release-plan.js';

export type PlanMode = 'direct' | 'release-pr' | 'preview';

/** Where the history index is kept between runs (the Actions cache); the index file is read and written either way. */
export interface HistoryCacheStore {
  /** The entry restored into `file` (by exact key, else by prefix), or undefined when none. */
  restore(file: string, key: string, prefixes: string[]): Promise<string | undefined>;
  save(file: string, key: string): Promise<void>;
}

/** What analyze-commits and `relx plan` are asked to plan. */
export interface PlanStepInput {
  cwd: string;
  configFile: string | null;
  range: string | null;
  /** The branch that decides the channel; null: the checked-out one, else `fallbackBranch`. */
  branch: string | null;
  fallbackBranch?: string | null;
  now: Date;
  /** release-pr: a merged release pull request is planned on its plan head; preview: also comment. */
  mode: PlanMode;
  /** The history index file, and where it is kept between runs (null: only the file). */
  historyCache: { file: string; store: HistoryCacheStore | null; commit: string | null } | null;
  /** Write the serialized plan here too (the `plan-file` output); null: nowhere. */
  planFile: string | null;
  /** For `mode: preview`: the pull request to comment on and the GitHub client. */
  preview: {
    pullRequest: number | null;
    owner: string | null;
    repo: string | null;
    token: string;
    github: GitHubRequest | null;
  };
  /** Planning progress (which components, which history). */
  onProgress: (message: string) => void;
  /** What the step did besides planning: the cache, the history read, the preview. */
  log: { info(line: string): void; warning(line: string): void };
}

export interface PlanStepResult {
  plan: ReleasePlan;
  /** The plan as JSON (the format bump-version reads). */
  json: string;
  planFile: string | null;
  released: string[];
  /** HEAD was a merged release pull request, planned on its plan head. */
  merged: boolean;
  preview: PreviewResult | null;
}

const historyCacheKey = 'relx-history-';

function describeHistoryRead(stats: RepositoryPlan['stats']): string {
  return (
    `Read ${stats.commitsRead} commit(s) from git` +
    (stats.cache === 'off'
      ? '.'
      : `, ${stats.commitsFromCache} from the cache (${stats.cache}: ${stats.cacheReason}).`)
  );
}

async function restoreHistory(cache: NonNullable<PlanStepInput['historyCache']>, log: PlanStepInput['log']) {
  if (!cache.store) return;
  const hit = await cache.store
    .restore(cache.file, `${historyCacheKey}${cache.commit ?? ''}`, [historyCacheKey])
    .catch((error: unknown) => {
      log.warning(`Could not restore the history cache: ${renderError(error)}`);
      return undefined;
    });
  log.info(hit ? `Restored history cache ${hit}.` : 'No history cache yet.');
}

async function planNow(input: PlanStepInput, merged: { planHead: string } | null) {
  const options = {
    ...(input.configFile ? { configFile: input.configFile } : {}),
    ...(input.branch ? { branch: input.branch } : {}),
    ...(input.fallbackBranch !== undefined ? { fallbackBranch: input.fallbackBranch } : {}),
    now: input.now,
    onProgress: input.onProgress,
  };
  if (merged) {
    return {
      plan: await planAtCommit(input.cwd, merged.planHead, options),
      stats: { commitsRead: 0, commitsFromCache: 0, cache: 'off' as const, cacheReason: '' },
    };
  }
  return planRepositoryRelease(input.cwd, {
    ...options,
    ...(input.range ? { range: input.range } : {}),
    ...(input.historyCache ? { cacheFile: input.historyCache.file } : {}),
  });
}

/** The one preview comment on the pull request: what merging it releases. Reads git history only. */
async function preview(input: PlanStepInput['preview'], plan: ReleasePlan, log: PlanStepInput['log']) {
  if (!input.pullRequest || !input.owner || !input.repo || !input.token || !input.github) {
    throw inputError('A preview needs the pull request, GITHUB_REPOSITORY and a token.', {
      field: 'mode',
      fix: 'Run `mode: preview` on a pull_request event (or set `pull-request`), with `token` (pull-requests: write).',
    });
  }
  const pulls = new GitHubPullRequests(input.github, input.owner, input.repo);
  const result = await updatePreviewComment(pulls, input.pullRequest, plan);
  log.info(`Preview comment on #${input.pullRequest}: ${result.action}.`);
  return result;
}

/** Works out what to release and why, as analyze-commits and `relx plan` do: the plan, its file, the preview. */
export async function planStep(input: PlanStepInput): Promise<PlanStepResult> {
  const { log } = input;
  if (input.historyCache) await restoreHistory(input.historyCache, log);
  // A merged release pull request is released as planned on its plan head, not planned again.
  const merged = input.mode === 'release-pr' ? await readMergedReleaseCommit(input.cwd, 'HEAD') : null;
  if (merged)
    log.info(`HEAD is a merged release pull request: planning its plan head ${merged.planHead.slice(0, 7)}`);
  const { plan, stats } = await planNow(input, merged);
  log.info(describeHistoryRead(stats));
  if (stats.cache === 'discarded') log.warning(`History cache discarded: ${stats.cacheReason}.`);
  const store = input.historyCache?.store;
  if (input.historyCache && store) {
    await store.save(input.historyCache.file, `${historyCacheKey}${plan.head}`).catch((error: unknown) => {
      // Another run of the same commit saved it first: that entry is just as good.
      log.info(`History cache not saved: ${renderError(error)}`);
    });
  }
  const json = serializeReleasePlan(plan);
  if (input.planFile) {
    await mkdir(dirname(input.planFile), { recursive: true });
    await writeFile(input.planFile, json);
  }
  return {
    plan,
    json,
    planFile: input.planFile,
    released: releasedComponents(plan).map((c) => c.name),
    merged: merged !== null,
    preview: input.mode === 'preview' ? await preview(input.preview, plan, log) : null,
  };
}
