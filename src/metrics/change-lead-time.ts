import type { PromotionUnit } from './promotion-timeline.js';

/** A commit of the source repository, as one `git log` pass reports it. */
export interface SourceCommit {
  sha: string;
  /** Author time, seconds since the epoch: when the change was written, kept through rebase and cherry-pick. */
  authorTime: number;
  parents: string[];
  /** Files it changed against its first parent (none for a merge). */
  files: readonly string[];
}

/**
 * The one source-history pass metrics need: the source commits of the releases delivered in the
 * period, minus everything the environment had already received before it (`^` those commits).
 */
export function planSourceRevisions(
  units: readonly PromotionUnit[],
  since: number,
): { include: string[]; exclude: string[] } {
  const include = new Set<string>();
  const exclude = new Set<string>();
  for (const u of units) {
    const sha = u.release?.sourceCommit;
    if (!sha || u.completedAt === null) continue;
    if (u.completedAt < since) exclude.add(sha);
    else if (u.kind !== 'rollback') include.add(sha);
  }
  for (const sha of exclude) include.delete(sha);
  return { include: [...include], exclude: [...exclude] };
}

/** What the one source pass found: the commits, and the source commits the repository does not have. */
export interface SourceHistory {
  commits: ReadonlyMap<string, SourceCommit>;
  /** Source commits of releases that are not in the source repository (lead time unknown). */
  missing: ReadonlySet<string>;
  /** Each component's folders in the source repository ('' is the root); null when unknown. */
  componentPaths: Readonly<Record<string, readonly string[]>> | null;
}

/** One change that reached the environment: a commit of the main line and what it merged. */
export interface DeliveredChange {
  /** The main-line commit (a squash, a merge, or a direct commit). */
  commit: string;
  /** Author time of the change's first commit: the earliest among the commits it brought. */
  firstCommitTime: number;
  commits: number;
  /** Files its commits changed: which components the change touched. */
  files: string[];
}

/**
 * The changes a release brings to an environment that had received `delivered` before: the main
 * line (first parents) from the release's source commit back to the first commit already
 * delivered, each main-line commit with the commits its merge brought in. `delivered` is updated.
 * A commit outside the history read was delivered before the period (the pass stopped there).
 * Returns null when the source repository does not have the source commit (lead time unknown).
 */
export function deliveredChanges(
  sourceCommit: string,
  source: SourceHistory,
  delivered: Set<string>,
): DeliveredChange[] | null {
  const commits = source.commits;
  if (source.missing.has(sourceCommit)) return null;
  if (delivered.has(sourceCommit) || !commits.has(sourceCommit)) return [];
  const mainLine: SourceCommit[] = [];
  const onMainLine = new Set<string>();
  for (let at = commits.get(sourceCommit); at && !delivered.has(at.sha);) {
    mainLine.push(at);
    onMainLine.add(at.sha);
    const first = at.parents[0];
    at = first === undefined ? undefined : commits.get(first);
  }
  const changes: DeliveredChange[] = [];
  for (const head of mainLine) {
    let firstCommitTime = head.authorTime;
    let count = 1;
    const files = new Set(head.files);
    const stack = head.parents.slice(1);
    for (let sha = stack.pop(); sha !== undefined; sha = stack.pop()) {
      const c = commits.get(sha);
      if (!c || delivered.has(sha) || onMainLine.has(sha)) continue;
      delivered.add(sha);
      count++;
      firstCommitTime = Math.min(firstCommitTime, c.authorTime);
      for (const f of c.files) files.add(f);
      stack.push(...c.parents);
    }
    changes.push({ commit: head.sha, firstCommitTime, commits: count, files: [...files] });
  }
  for (const sha of onMainLine) delivered.add(sha);
  return changes;
}

/**
 * The components a change counts for: those the deployment changed whose folders it touched. A
 * component whose folders are unknown (no workspace config, or a name the workspace does not have)
 * counts every change of a deployment that changed it.
 */
export function componentsOfChange(
  changed: readonly string[],
  files: readonly string[],
  paths: SourceHistory['componentPaths'],
): string[] {
  return changed.filter((name) => {
    const folders = paths?.[name];
    if (!folders) return true;
    return files.some((f) => folders.some((p) => p === '' || f === p || f.startsWith(`${p}/`)));
  });
}
