import type { GitCommit } from '../git/git-log.js';
import { readGitLog } from '../git/git-log.js';
import { assertFullHistory, isAncestor, readHead, readMergeBases, readTags } from '../git/git-refs.js';
import { createCommitParser, type HistoryCommit } from '../commits/conventional-commit.js';
import { loadWorkspace } from '../workspace/load-workspace.js';
import { CommitAttributor, type ComponentAnchors } from './attribute-commits.js';
import {
  historyIndexFormat,
  readHistoryIndex,
  writeHistoryIndex,
  type HistoryIndex,
} from './history-cache.js';
import { findLastReleases } from './last-releases.js';
import { planRelease } from './plan-release.js';
import { resolveChannel } from './release-channel.js';
import type { ReleasePlan } from './release-plan.js';

export interface PlanRepositoryOptions {
  configFile?: string;
  /** `A..B` plans B considering only commits after A; a single ref plans that ref. Default: HEAD. */
  range?: string;
  /** The branch that decides the channel, when the checkout is detached or should be overridden. */
  branch?: string;
  /** The time CalVer versions are computed for. */
  now: Date;
  /** A history index file: read when it matches the history, then rewritten for the new head. */
  cacheFile?: string;
  onProgress?: (message: string) => void;
}

export interface RepositoryPlan {
  plan: ReleasePlan;
  stats: {
    commitsRead: number;
    commitsFromCache: number;
    cache: 'off' | 'used' | 'discarded' | 'missing';
    cacheReason: string;
  };
}

/**
 * Reads what the plan needs from the repository — config and components, tags, and one streaming
 * `git log` pass since the oldest last release — and decides the plan. Reads only; writes nothing
 * but the optional history cache.
 */
export async function planRepositoryRelease(
  cwd: string,
  options: PlanRepositoryOptions,
): Promise<RepositoryPlan> {
  await assertFullHistory(cwd);
  const workspace = await loadWorkspace(cwd, options.configFile ? { configFile: options.configFile } : {});
  const { config, components } = workspace;

  const [from, to] = parseRange(options.range);
  const head = await readHead(cwd, to);
  const branch = options.branch ?? head.branch;
  const channel = resolveChannel(branch, config.channels);

  const [reachable, all] = await Promise.all([readTags(cwd, head.sha), readTags(cwd)]);
  const releases = findLastReleases(
    components,
    reachable,
    all.map((t) => t.name),
    channel,
  );
  const anchors = new Map<string, ComponentAnchors>();
  for (const [name, r] of releases) {
    anchors.set(name, { stable: r.lastStable?.commit ?? null, channel: r.lastOnChannel?.commit ?? null });
  }

  // Commits behind every component's last stable release can change nothing: stop the walk there.
  // A component never released needs its whole history (its first release counts everything).
  const stable = [...anchors.values()].map((a) => a.stable);
  const boundary =
    stable.every((s): s is string => s !== null) && stable.length > 0
      ? await readMergeBases(cwd, stable)
      : [];
  if (from) boundary.push((await readHead(cwd, from)).sha);

  const parserKey = JSON.stringify([...new Set(config.rules.map((r) => r.type))].sort());
  const parse = createCommitParser(config.rules.map((r) => r.type));
  const attributor = new CommitAttributor(components, anchors, boundary);
  const keep: HistoryCommit[] | null = options.cacheFile ? [] : null;
  const stats: RepositoryPlan['stats'] = {
    commitsRead: 0,
    commitsFromCache: 0,
    cache: 'off',
    cacheReason: '',
  };

  let cached: HistoryIndex | null = null;
  if (options.cacheFile) {
    const { index, reason } = await readHistoryIndex(options.cacheFile, parserKey);
    stats.cache = index ? 'used' : 'missing';
    stats.cacheReason = reason;
    if (index) {
      const stale = await whyStale(cwd, index, head.sha, boundary);
      if (stale) {
        stats.cache = 'discarded';
        stats.cacheReason = stale;
        cached = null;
      } else cached = index;
    }
  }

  const feed = (commit: HistoryCommit) => {
    if (attributor.add(commit)) keep?.push(commit);
  };
  const revisions = [head.sha, ...(cached ? [`^${cached.head}`] : []), ...boundary.map((b) => `^${b}`)];
  for await (const raw of readGitLog(cwd, revisions)) {
    feed(parse(raw as GitCommit));
    if (++stats.commitsRead % 10000 === 0) options.onProgress?.(`read ${stats.commitsRead} commits`);
  }
  // Everything new is a descendant-or-unrelated of the cached head, never an ancestor, so the new
  // commits followed by the cached ones are still in topological order.
  if (cached) {
    for (const commit of cached.commits) {
      feed(commit);
      stats.commitsFromCache++;
    }
  }

  const attribution = attributor.result();
  const plan = planRelease({
    head,
    channel,
    components,
    releases,
    commits: attribution.byComponent,
    rules: config,
    now: options.now,
  });
  if (branch !== head.branch) plan.branch = branch;

  if (options.cacheFile && keep) {
    await writeHistoryIndex(options.cacheFile, {
      format: historyIndexFormat,
      parserKey,
      head: head.sha,
      boundary,
      commits: keep,
    });
  }
  return { plan, stats };
}

function parseRange(range: string | undefined): [string | null, string] {
  if (!range) return [null, 'HEAD'];
  const at = range.indexOf('..');
  if (at < 0) return [null, range];
  return [range.slice(0, at) || null, range.slice(at + 2) || 'HEAD'];
}

/** Why a cached index no longer describes `head ^boundary`, or null when it still does. */
async function whyStale(
  cwd: string,
  index: HistoryIndex,
  head: string,
  boundary: string[],
): Promise<string | null> {
  if (!(await isAncestor(cwd, index.head, head))) {
    return `cached head ${index.head.slice(0, 7)} is not in the history of ${head.slice(0, 7)} (rewritten history)`;
  }
  // The cache holds `cachedHead ^cachedBoundary`; it covers what we need only if the new walk
  // stops at or after where the old one did.
  for (const old of index.boundary) {
    let covered = false;
    for (const b of boundary) if (await isAncestor(cwd, old, b)) covered = true;
    if (!covered) return `cache stops at ${old.slice(0, 7)}, after the commits this plan needs`;
  }
  return null;
}
