import { readGitLog, type GitLogStream } from '../git/git-log.js';
import { inputError } from '../relx-error.js';
import {
  assertFullHistory,
  findLastLineChange,
  isAncestor,
  readHead,
  readTags,
  resolveCommit,
  type TagRef,
} from '../git/git-refs.js';
import { createCommitParser, type HistoryCommit } from '../commits/conventional-commit.js';
import { loadWorkspace } from '../workspace/load-workspace.js';
import { CommitAttributor, type ComponentAnchors } from './attribute-commits.js';
import {
  historyIndexFormat,
  readHistoryIndex,
  writeHistoryIndex,
  type HistoryIndex,
} from './history-cache.js';
import { repositoryConvention, withInferredTagFormats } from '../versioning/tag-convention.js';
import { dependencyCycles, dependencyCycleWarning } from '../workspace/component-graph.js';
import { goMajorVersionWarnings } from '../go/go-module-release-files.js';
import type { Component } from '../workspace/component.js';
import type { RelxConfig } from '../workspace/relx-config.js';
import { findLastReleases, type ComponentReleases } from './last-releases.js';
import { readOwnReleaseTags } from './own-release-tags.js';
import { planRelease } from './plan-release.js';
import { resolveChannel } from './release-channel.js';
import { holdOutsideLine, resolveMaintenanceLine } from './maintenance-line.js';
import { holdForTrains, type TrainStep } from '../release-train/train-holds.js';
import type { ReleasePlan, ReleaseStart } from './release-plan.js';

export interface PlanRepositoryOptions {
  configFile?: string;
  /** `A..B` plans B considering only commits after A; a single ref plans that ref. Default: HEAD. */
  range?: string;
  /** The branch that decides the channel, when the checkout is detached or should be overridden. */
  branch?: string;
  /** The branch when the checkout is detached and `branch` is unset: GITHUB_REF_NAME of a branch ref. */
  fallbackBranch?: string | null;
  /** The time CalVer versions are computed for. */
  now: Date;
  /** A history index file: read when it matches the history, then rewritten for the new head. */
  cacheFile?: string;
  onProgress?: (message: string) => void;
  /** A release train step (`relx train cut|finish`): the train's components are planned, not held. */
  train?: TrainStep;
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
  const repository = await readRepository(cwd, options, fromRef, to, early);
  const setting = planSetting(repository, options);
  const stats: RepositoryPlan['stats'] = {
    commitsRead: 0,
    commitsFromCache: 0,
    cache: 'off',
    cacheReason: '',
  };
  const cached = await readUsableCache(cwd, options.cacheFile, setting.parserKey, repository.head.sha, stats);
  const history: HistoryReading = {
    cwd,
    head: repository.head.sha,
    setting,
    allNames: repository.allTags.map((t) => t.name),
    findStart: startFinder(cwd, repository.head.sha, repository.workspace.config),
    parse: createCommitParser({
      types: repository.workspace.config.rules.map((r) => r.type),
      nested: repository.workspace.config.commits.nested,
    }),
    cached,
    keep: Boolean(options.cacheFile),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  };
  const { releases, starts, attributor, keep, counts } = await attributeFromReachableTags(
    history,
    repository.allTags,
    early,
  );
  stats.commitsRead = counts.read;
  stats.commitsFromCache = counts.fromCache;

  const plan = decidePlan(repository, setting, releases, starts, attributor, options);
  if (options.cacheFile && keep) {
    await writeHistoryIndex(options.cacheFile, {
      format: historyIndexFormat,
      parserKey: setting.parserKey,
      head: repository.head.sha,
      frontier: attributor.frontier(),
      commits: keep,
    });
  }
  return { plan, stats };
}

type Workspace = Awaited<ReturnType<typeof loadWorkspace>>;

/** What the repository holds: its workspace, the head, the range's start and the tags that count. */
interface RepositoryState {
  workspace: Workspace;
  head: Awaited<ReturnType<typeof readHead>>;
  from: string | null;
  /** Every tag but those an earlier attempt at this commit made. */
  allTags: readonly TagRef[];
}

async function readRepository(
  cwd: string,
  options: PlanRepositoryOptions,
  fromRef: string | null,
  to: string,
  early: GitLogStream | null,
): Promise<RepositoryState> {
  // Everything that does not depend on another read starts at once.
  const reads = Promise.all([
    assertFullHistory(cwd),
    loadWorkspace(cwd, options.configFile ? { configFile: options.configFile } : {}),
    readHead(cwd, to),
    fromRef ? readHead(cwd, fromRef).then((h) => h.sha) : Promise.resolve(null),
    readTags(cwd),
  ]);
  const [, workspace, head, from, everyTag] = await reads.catch((error: unknown) => {
    early?.stop();
    throw error;
  });
  const own = await readOwnReleaseTags(cwd, head.sha, everyTag);
  if (own.size > 0)
    options.onProgress?.(
      `${own.size} tag(s) already made for this commit by an earlier attempt: planning that release again`,
    );
  const allTags = own.size === 0 ? everyTag : everyTag.filter((t) => !own.has(t.name));
  return { workspace, head, from, allTags };
}

/** The components with their tag formats, and the branch's channel and line the plan is made for. */
interface PlanSetting {
  config: RelxConfig;
  components: readonly Component[];
  conventions: ReturnType<typeof withInferredTagFormats>['conventions'];
  warnings: string[];
  lockstep: RelxConfig['lockstep'];
  /** `^from` when planning a range: history before it is never read. */
  exclude: string[];
  branch: string | null;
  channel: string | null;
  line: ReturnType<typeof resolveMaintenanceLine>;
  /** How messages are read: a cache of another reading holds other changes. */
  parserKey: string;
}

function planSetting(repository: RepositoryState, options: PlanRepositoryOptions): PlanSetting {
  const { workspace, head, from, allTags } = repository;
  const { config } = workspace;
  const { components, conventions } = withInferredTagFormats(
    workspace.components,
    allTags.map((t) => t.name),
  );
  const warnings = [
    ...conventions.warnings,
    ...dependencyCycles(components, config.propagation.through).map(dependencyCycleWarning),
  ];
  const lockstep = withRepositoryLockstep(config.lockstep, conventions.lockstep, warnings);
  const branch = options.branch ?? head.branch ?? options.fallbackBranch ?? null;
  // `reading` names how messages are read: a cache of another reading holds other changes.
  const parserKey = JSON.stringify({
    types: [...new Set(config.rules.map((r) => r.type))].sort(),
    from,
    reading: { headerAndFooters: 2, nested: config.commits.nested },
  });
  return {
    config,
    components,
    conventions,
    warnings,
    lockstep,
    exclude: from ? [`^${from}`] : [],
    branch,
    channel: resolveChannel(branch, config.channels),
    line: resolveMaintenanceLine(branch, config),
    parserKey,
  };
}

/** The history index, when there is one for this reading and its head is in the history of the head. */
async function readUsableCache(
  cwd: string,
  cacheFile: string | undefined,
  parserKey: string,
  head: string,
  stats: RepositoryPlan['stats'],
): Promise<HistoryIndex | null> {
  if (!cacheFile) return null;
  const { index, reason } = await readHistoryIndex(cacheFile, parserKey);
  stats.cache = index ? 'used' : 'missing';
  stats.cacheReason = reason;
  if (index && !(await isAncestor(cwd, index.head, head))) {
    stats.cache = 'discarded';
    stats.cacheReason = `cached head ${index.head.slice(0, 7)} is not in the history of ${head.slice(0, 7)} (rewritten history)`;
    return null;
  }
  return index;
}

/** What one reading of the history works with. */
interface HistoryReading {
  cwd: string;
  head: string;
  setting: PlanSetting;
  allNames: readonly string[];
  findStart: ReturnType<typeof startFinder>;
  parse: ReturnType<typeof createCommitParser>;
  cached: HistoryIndex | null;
  /** Keep the commits read, for the history index. */
  keep: boolean;
  onProgress?: (message: string) => void;
}

interface AttributedHistory {
  releases: Map<string, ComponentReleases>;
  starts: Map<string, ReleaseStart>;
  attributor: CommitAttributor;
  keep: HistoryCommit[] | null;
  counts: { read: number; fromCache: number };
}

/**
 * Optimistically, each component's newest tag is reachable from the head (true on a trunk), so
 * the walk itself proves it and the costly `--merged` reachability query is skipped. If an
 * anchor turns out not to be an ancestor of the head, plan again from the reachable tags only.
 */
async function attributeFromReachableTags(
  history: HistoryReading,
  allTags: readonly TagRef[],
  early: GitLogStream | null,
): Promise<AttributedHistory> {
  const { cwd, head } = history;
  const result = await attributeHistory(history, allTags, early);
  const unseen = result.attributor.unvisitedAnchors();
  const unreachable = [];
  for (const sha of unseen) if (!(await isAncestor(cwd, sha, head))) unreachable.push(sha);
  if (unreachable.length === 0) return result;
  history.onProgress?.(
    `${unreachable.length} newest release tag(s) are not in this branch's history: planning from reachable tags`,
  );
  return attributeHistory(history, await readTags(cwd, head), null);
}

/** Each component's last releases and where its history starts, then its commits from one walk. */
async function attributeHistory(
  history: HistoryReading,
  tags: readonly TagRef[],
  started: GitLogStream | null,
): Promise<AttributedHistory> {
  const { components, channel, line } = history.setting;
  const releases = findLastReleases(components, tags, history.allNames, channel, line);
  const starts = new Map<string, ReleaseStart>();
  await Promise.all(
    components.map(async (c) => {
      const r = releases.get(c.name);
      if (r) starts.set(c.name, await history.findStart(c, r));
    }),
  );
  const anchors = new Map<string, ComponentAnchors>();
  for (const [name, r] of releases) {
    anchors.set(name, { stable: anchorOf(starts.get(name)), channel: r.lastOnChannel?.commit ?? null });
  }
  const attributor = new CommitAttributor(components, anchors);
  const keep: HistoryCommit[] | null = history.keep ? [] : null;
  const counts = { read: 0, fromCache: 0 };
  const feed = (commit: HistoryCommit) => {
    attributor.add(commit);
    keep?.push(commit);
  };
  await walkHistory(history, attributor, feed, counts, started);
  return { releases, starts, attributor, keep, counts };
}

/**
 * Feeds commits to the attributor until it is done: new commits from git, then the cached ones,
 * then git again below the cache's frontier.
 */
async function walkHistory(
  history: HistoryReading,
  attributor: CommitAttributor,
  feed: (commit: HistoryCommit) => void,
  counts: { read: number; fromCache: number },
  started: GitLogStream | null,
): Promise<void> {
  const { cwd, head, cached, parse } = history;
  const { exclude } = history.setting;
  const walk = async (stream: GitLogStream, expectedFirst: string | null = null): Promise<void> => {
    for await (const raw of stream) {
      if (expectedFirst !== null && raw.sha !== expectedFirst) {
        // the ref moved between starting git and resolving it: walk from the resolved commit
        stream.stop();
        return walk(readGitLog(cwd, [expectedFirst, ...exclude]));
      }
      expectedFirst = null;
      feed(parse(raw));
      if (++counts.read % 10000 === 0) history.onProgress?.(`read ${counts.read} commits`);
      if (attributor.done()) {
        stream.stop();
        return;
      }
    }
  };
  if (started) await walk(started, head);
  else await walk(readGitLog(cwd, [head, ...(cached ? [`^${cached.head}`] : []), ...exclude]));
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
}

/** The plan from what was read: components held by trains and the line, a train step's versions, warnings. */
function decidePlan(
  repository: RepositoryState,
  setting: PlanSetting,
  releases: Map<string, ComponentReleases>,
  starts: ReadonlyMap<string, ReleaseStart>,
  attributor: CommitAttributor,
  options: PlanRepositoryOptions,
): ReleasePlan {
  const { head } = repository;
  const { config, components, branch, channel, line, lockstep, conventions, warnings } = setting;
  const attribution = attributor.result();
  const step = options.train ?? null;
  const finishing = step?.step === 'finish' && line?.train?.name === step.name ? line.train : null;
  const plan = planRelease({
    head,
    channel,
    components: holdOutsideLine(
      holdForTrains(components, releases, branch, config, line, step),
      releases,
      line,
    ),
    line,
    ...(step?.step === 'cut'
      ? { trainCut: config.trains.find((t) => t.name === step.name)?.components ?? [] }
      : {}),
    ...(finishing
      ? {
          trainFinish: {
            train: finishing.name,
            version: `${finishing.version}.0`,
            components: finishing.components,
          },
        }
      : {}),
    releases,
    commits: attribution.byComponent,
    rules: { ...config, lockstep },
    now: options.now,
    starts,
    tagConventions: conventions.byComponent,
    warnings,
  });
  if (branch !== head.branch) plan.branch = branch;
  const goWarnings = goMajorVersionWarnings(components, plan);
  if (goWarnings.length > 0) plan.warnings = [...(plan.warnings ?? []), ...goWarnings];
  return plan;
}

function parseRange(range: string | undefined): [string | null, string] {
  if (!range) return [null, 'HEAD'];
  const at = range.indexOf('..');
  if (at < 0) return [null, range];
  return [range.slice(0, at) || null, range.slice(at + 2) || 'HEAD'];
}

/** The commit a component's range starts after; null reads its whole history. */
function anchorOf(start: ReleaseStart | undefined): string | null {
  if (!start || start.kind === 'history') return null;
  if (start.kind === 'version-file' && start.createdFile) return start.parent;
  return start.commit;
}

/**
 * Where each component's history starts: its last tag, or — when no tag carries its current
 * version — the configured bootstrap commit, else the commit that last set that version in its
 * version file (the release that wrote it; release-please's bootstrap-sha, found rather than
 * configured). Lookups are memoised: a re-plan from reachable tags asks again.
 */
function startFinder(cwd: string, head: string, config: RelxConfig) {
  const lookups = new Map<string, Promise<ReleaseStart>>();
  // Each lookup is one short `git log -1`; a few at a time keep a 150-package repository under a few seconds.
  const limit = concurrencyLimit(8);
  const lookUp = async (component: Component, version: string | null): Promise<ReleaseStart> => {
    const at = config.components.findIndex((e) => e.name === component.name && e.bootstrapCommit);
    const configured = config.components[at]?.bootstrapCommit ?? config.bootstrapCommit;
    if (configured) {
      const field = at >= 0 ? `components[${at}].bootstrapCommit` : 'bootstrapCommit';
      const commit = await resolveCommit(cwd, configured).catch(() => {
        throw inputError(`${field}: ${configured} is not a commit in this repository's history.`, {
          field,
          fix: 'Give the full sha of a commit on this branch (git log --oneline), or remove the setting.',
        });
      });
      return { kind: 'bootstrap-commit', commit };
    }
    if (!component.versionFile || !version) return { kind: 'history' };
    const file = component.versionFile;
    const change = await limit(() => findLastLineChange(cwd, head, file, versionLinePattern(file, version)));
    if (!change) return { kind: 'history' };
    return { kind: 'version-file', file, version, ...change };
  };
  return async (component: Component, releases: ComponentReleases): Promise<ReleaseStart> => {
    if (!releases.untaggedCurrent && releases.lastStable) {
      return { kind: 'tag', tag: releases.lastStable.tag, commit: releases.lastStable.commit };
    }
    if (!releases.untaggedCurrent) return { kind: 'history' };
    const key = `${component.name}\0${releases.current ?? ''}`;
    let lookup = lookups.get(key);
    if (!lookup) lookups.set(key, (lookup = lookUp(component, releases.current)));
    return lookup;
  };
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The line that holds `version` in a version file, as a git extended regex. */
export function versionLinePattern(file: string, version: string): string {
  const v = escapeRegExp(version);
  if (file.endsWith('package.json')) return `"version"[[:space:]]*:[[:space:]]*"${v}"`;
  if (file.endsWith('Chart.yaml')) return `^version:[[:space:]]*['"]?${v}['"]?[[:space:]]*$`;
  return `(^|[^0-9A-Za-z.+-])${v}([^0-9A-Za-z.+-]|$)`;
}

/** At most `size` tasks at once; a finishing task hands its slot to the next waiting one. */
function concurrencyLimit(size: number) {
  let active = 0;
  const waiting: Array<() => void> = [];
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (active < size) active++;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await task();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else active--;
    }
  };
}

/**
 * Components that tag with the repository-wide `v{version}` share every tag, so they can only
 * release together at one version: they form a lockstep group (those already in a configured
 * group stay there). Said in the plan, with how to release them separately.
 */
function withRepositoryLockstep(
  configured: RelxConfig['lockstep'],
  members: readonly string[],
  warnings: string[],
): RelxConfig['lockstep'] {
  const grouped = new Set(configured.flatMap((g) => g.components));
  const implied = members.filter((m) => !grouped.has(m));
  if (implied.length < 2) return configured;
  warnings.push(
    `${implied.length} components share the repository's "${repositoryConvention}" tags, so they release together as lockstep group "${repositoryLockstepGroup}" (${implied.join(', ')}). To release them separately, set a tagFormat per component.`,
  );
  return [...configured, { name: repositoryLockstepGroup, components: implied }];
}
export const repositoryLockstepGroup = 'v-tags';
