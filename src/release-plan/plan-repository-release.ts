import { readGitLog, type GitLogStream } from '../git/git-log.js';
import { assertFullHistory, isAncestor, readHead, readTags, type TagRef } from '../git/git-refs.js';
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
 * `git log` pass that stops once older history cannot change the plan — and decides the plan.
 * Reads only; writes nothing but the optional history cache.
 */
export async function planRepositoryRelease(
  cwd: string,
  options: PlanRepositoryOptions,
): Promise<RepositoryPlan> {
  const [fromRef, to] = parseRange(options.range);
  // Without a cache the walk depends on nothing else: git starts on it at once, and the reads
  // below (config, packages, refs, tags) happen while git sorts history.
  const early = options.cacheFile ? null : readGitLog(cwd, [to, ...(fromRef ? [`^${fromRef}`] : [])]);
  // Everything that does not depend on another read starts at once.
  const reads = Promise.all([
    assertFullHistory(cwd),
    loadWorkspace(cwd, options.configFile ? { configFile: options.configFile } : {}),
    readHead(cwd, to),
    fromRef ? readHead(cwd, fromRef).then((h) => h.sha) : Promise.resolve(null),
    readTags(cwd),
  ]);
  const [, workspace, head, from, allTags] = await reads.catch((error: unknown) => {
    early?.stop();
    throw error;
  });
  const { config, components } = workspace;
  const exclude = from ? [`^${from}`] : [];
  const branch = options.branch ?? head.branch;
  const channel = resolveChannel(branch, config.channels);
  // `reading` names how messages are read: a cache of another reading holds other changes.
  const parserKey = JSON.stringify({
    types: [...new Set(config.rules.map((r) => r.type))].sort(),
    from,
    reading: { headerAndFooters: 2, nested: config.commits.nested },
  });
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
    if (index && !(await isAncestor(cwd, index.head, head.sha))) {
      stats.cache = 'discarded';
      stats.cacheReason = `cached head ${index.head.slice(0, 7)} is not in the history of ${head.sha.slice(0, 7)} (rewritten history)`;
    } else cached = index;
  }

  const parse = createCommitParser({ types: config.rules.map((r) => r.type), nested: config.commits.nested });
  const allNames = allTags.map((t) => t.name);

  // Optimistically, each component's newest tag is reachable from the head (true on a trunk), so
  // the walk itself proves it and the costly `--merged` reachability query is skipped. If an
  // anchor turns out not to be an ancestor of the head, plan again from the reachable tags only.
  const attempt = async (tags: readonly TagRef[], started: GitLogStream | null) => {
    const releases = findLastReleases(components, tags, allNames, channel);
    const anchors = new Map<string, ComponentAnchors>();
    for (const [name, r] of releases) {
      anchors.set(name, { stable: r.lastStable?.commit ?? null, channel: r.lastOnChannel?.commit ?? null });
    }
    const attributor = new CommitAttributor(components, anchors);
    const keep: HistoryCommit[] | null = options.cacheFile ? [] : null;
    const counts = { read: 0, fromCache: 0 };
    const feed = (commit: HistoryCommit) => {
      attributor.add(commit);
      keep?.push(commit);
    };
    const walk = async (stream: GitLogStream, expectedFirst: string | null = null) => {
      for await (const raw of stream) {
        if (expectedFirst !== null && raw.sha !== expectedFirst) {
          // the ref moved between starting git and resolving it: walk from the resolved commit
          stream.stop();
          return walk(readGitLog(cwd, [expectedFirst, ...exclude]));
        }
        expectedFirst = null;
        feed(parse(raw));
        if (++counts.read % 10000 === 0) options.onProgress?.(`read ${counts.read} commits`);
        if (attributor.done()) {
          stream.stop();
          return;
        }
      }
    };
    if (started) await walk(started, head.sha);
    else await walk(readGitLog(cwd, [head.sha, ...(cached ? [`^${cached.head}`] : []), ...exclude]));
    // New commits are never ancestors of the cached head, so new-then-cached is still topological;
    // and history below the cache's frontier was never read, so continuing from there is too.
    if (cached && !attributor.done()) {
      for (const commit of cached.commits) {
        feed(commit);
        counts.fromCache++;
        if (attributor.done()) break;
      }
      if (!attributor.done() && cached.frontier.length > 0) {
        await walk(readGitLog(cwd, [...cached.frontier, ...exclude]));
      }
    }
    return { releases, attributor, keep, counts };
  };

  let result = await attempt(allTags, early);
  const unseen = result.attributor.unvisitedAnchors();
  const unreachable = [];
  for (const sha of unseen) if (!(await isAncestor(cwd, sha, head.sha))) unreachable.push(sha);
  if (unreachable.length > 0) {
    options.onProgress?.(
      `${unreachable.length} newest release tag(s) are not in this branch's history: planning from reachable tags`,
    );
    result = await attempt(await readTags(cwd, head.sha), null);
  }
  const { releases, attributor, keep, counts } = result;
  stats.commitsRead = counts.read;
  stats.commitsFromCache = counts.fromCache;

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
      frontier: attributor.frontier(),
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
