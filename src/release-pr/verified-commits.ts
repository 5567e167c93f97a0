import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import semver from 'semver';
import { fastForwardFromRemote, pushAuthEnv, type PushTarget } from '../git/git-write.js';
import { runGit } from '../git/run-git.js';
import { conflictError } from '../relx-error.js';
import { readTreeChanges, type GitDataApi } from '../github/git-data-api.js';
import {
  applyReleasePlan,
  type ApplyReleaseOptions,
  type ApplyReleaseResult,
  type ReleasePublisher,
} from '../release/apply-release-plan.js';
import type { ReleasePlan } from '../release-plan/release-plan.js';

/** Where the checkout's commits go through the API, and how to fetch them back. */
export interface VerifiedTarget extends PushTarget {
  api: GitDataApi;
}

/** Tries at making the commits on GitHub's tip before giving up (as pushBranchWithRetry's). */
const remakeAttempts = 3;

/**
 * Makes the commits the checkout has on top of the remote branch again through GitHub's git
 * data API — same changes and messages, authored, committed and signed by GitHub as the token's
 * identity (a custom author would leave them unsigned: see GitDataApi) — moves the branch to the
 * last one by a fast-forward, and brings the checkout to it (fetch + reset). Nothing is pushed.
 * When the branch moved since the checkout (a push while the workflow ran), the commits are made
 * on its new tip, as a rebase would; only files changed on both sides, differently, conflict.
 * A branch that moves again while they are made is tried again, `attempts` times in all.
 * Returns local → GitHub SHAs (a commit whose changes the tip already holds maps to the tip).
 */
export async function commitThroughApi(
  cwd: string,
  target: VerifiedTarget,
  attempts = remakeAttempts,
): Promise<Map<string, string>> {
  for (let attempt = 1; ; attempt++) {
    const remoteTip = (await target.api.readRef(`heads/${target.branch}`))?.sha;
    if (!remoteTip)
      throw conflictError(`${target.branch} does not exist on GitHub.`, {
        field: 'branch',
        fix: 'Push the branch first, or name the branch the release is made on.',
      });
    await fetchBranch(cwd, target);
    const local = (await runGit(cwd, ['rev-list', '--reverse', '--first-parent', `${remoteTip}..HEAD`]))
      .split('\n')
      .filter(Boolean);
    if (local.length === 0) return new Map();
    const { tip, made } = await remakeOnTip(cwd, target, remoteTip, local);
    if (await target.api.fastForwardBranch(target.branch, remoteTip, tip)) {
      await fetchBranch(cwd, target);
      await runGit(cwd, ['reset', '--hard', '--quiet', tip]);
      return made;
    }
    if (attempt >= attempts)
      throw conflictError(
        `${target.branch} moved on GitHub each time relx made its commits on it (${attempts} tries).`,
        { field: 'branch', fix: 'Re-run the workflow when the pushes to the branch have settled.' },
      );
  }
}

/**
 * `local` (first-parent commits on top of their fork point) made through the API on `remoteTip`:
 * each one's tree is its parent's with the local commit's own changes, computed in local git
 * first (trees are content-addressed, so GitHub's must be the same — else fail closed).
 */
async function remakeOnTip(
  cwd: string,
  target: VerifiedTarget,
  remoteTip: string,
  local: readonly string[],
): Promise<{ tip: string; made: Map<string, string> }> {
  const [fork = ''] = (await runGit(cwd, ['log', '-1', '--format=%P', local[0] ?? ''])).trim().split(' ');
  const clashes = await clashingPaths(cwd, fork, remoteTip, local.at(-1) ?? '');
  if (clashes.length > 0)
    throw conflictError(
      `${target.branch} moved on GitHub (now ${remoteTip.slice(0, 7)}) and changed ${clashes.join(', ')} differently from this checkout's commits on ${fork.slice(0, 7)}.`,
      {
        field: 'branch',
        fix: 'Start a new run on the branch as it is now (a push or workflow_dispatch): a re-run checks out the old commit again.',
      },
    );
  const made = new Map<string, string>();
  let parent = remoteTip;
  let parentTree = (await runGit(cwd, ['rev-parse', `${remoteTip}^{tree}`])).trim();
  for (const commit of local) {
    const tree = await treeWithChangesOf(cwd, parentTree, commit);
    if (tree === parentTree) {
      made.set(commit, parent); // the tip holds these changes already (an earlier attempt's)
      continue;
    }
    const [message, changes] = await Promise.all([
      runGit(cwd, ['log', '-1', '--format=%B', commit]),
      readTreeChanges(cwd, parentTree, tree),
    ]);
    const created = await target.api.createCommit({ parent, parentTree, changes, message });
    if (created.tree !== tree)
      throw conflictError(
        `GitHub made ${created.sha.slice(0, 7)} with tree ${created.tree.slice(0, 7)}, not the ${tree.slice(0, 7)} relx computed; the branch was not moved.`,
        { field: 'branch', fix: 'Report this to relx with both trees; re-run to try again.' },
      );
    made.set(commit, created.sha);
    parent = created.sha;
    parentTree = tree;
  }
  return { tip: parent, made };
}

/** Paths both `fork..remoteTip` and `fork..head` change, where the two ends differ. */
async function clashingPaths(cwd: string, fork: string, remoteTip: string, head: string): Promise<string[]> {
  if (fork === remoteTip) return [];
  const changed = async (to: string) =>
    (await runGit(cwd, ['diff-tree', '-r', '-z', '--no-renames', '--name-only', fork, to]))
      .split('\0')
      .filter(Boolean);
  const theirs = new Set(await changed(remoteTip));
  const both = (await changed(head)).filter((path) => theirs.has(path));
  if (both.length === 0) return [];
  const entries = async (rev: string) =>
    new Map(
      (await runGit(cwd, ['ls-tree', '-r', '-z', '--full-tree', rev, '--', ...both]))
        .split('\0')
        .filter(Boolean)
        .map((line) => [line.slice(line.indexOf('\t') + 1), line.slice(0, line.indexOf('\t'))] as const),
    );
  const [atTip, atHead] = await Promise.all([entries(remoteTip), entries(head)]);
  return both.filter((path) => atTip.get(path) !== atHead.get(path));
}

/** `tree` with the files `commit` changes against its first parent set as `commit` has them. */
async function treeWithChangesOf(cwd: string, tree: string, commit: string): Promise<string> {
  const raw = await runGit(cwd, [
    'diff-tree',
    '-r',
    '-z',
    '--no-renames',
    '--no-commit-id',
    `${commit}^`,
    commit,
  ]);
  const fields = raw.split('\0').filter((f) => f !== '');
  const records: string[] = [];
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const [, mode = '', , sha = ''] = (fields[i] ?? '').replace(/^:/, '').split(' ');
    records.push(`${mode} ${sha}\t${fields[i + 1] ?? ''}`); // mode 000000: removed
  }
  const index = await mkdtemp(join(tmpdir(), 'relx-index-'));
  const env = { GIT_INDEX_FILE: join(index, 'index') };
  try {
    await runGit(cwd, ['read-tree', tree], { env });
    await runGit(cwd, ['update-index', '-z', '--index-info'], { env, input: records.join('\0') + '\0' });
    return (await runGit(cwd, ['write-tree'], { env })).trim();
  } finally {
    await rm(index, { recursive: true, force: true });
  }
}

/**
 * Each tag (made locally by the release step) made again through the API on `commit` with the
 * same message, then fetched over the local one so the checkout holds GitHub's tag objects.
 */
export async function tagThroughApi(
  cwd: string,
  target: VerifiedTarget,
  commit: string,
  tags: readonly string[],
): Promise<string[]> {
  const created: string[] = [];
  for (const tag of new Set(tags)) {
    const message = await runGit(cwd, ['for-each-ref', '--format=%(contents)', `refs/tags/${tag}`]);
    if ((await target.api.createTag(tag, commit, message.trimEnd() || tag)).created) created.push(tag);
  }
  if (tags.length > 0)
    await runGit(
      cwd,
      [
        'fetch',
        '--quiet',
        '--force',
        target.remote,
        ...[...new Set(tags)].map((t) => `+refs/tags/${t}:refs/tags/${t}`),
      ],
      {
        env: pushAuthEnv(target.token),
      },
    );
  return created;
}

async function fetchBranch(cwd: string, target: PushTarget): Promise<void> {
  await runGit(
    cwd,
    [
      'fetch',
      '--quiet',
      target.remote,
      `+refs/heads/${target.branch}:refs/remotes/${target.remote}/${target.branch}`,
    ],
    {
      env: pushAuthEnv(target.token),
    },
  );
}

/**
 * Direct mode with verified commits: the release applied locally as always (plan, files, commit,
 * tags — nothing pushed), then its commit and tags made again through the API and the checkout
 * brought to GitHub's commit. A re-run first takes what an earlier attempt put on the branch.
 */
export async function applyReleasePlanThroughApi(
  cwd: string,
  plan: ReleasePlan,
  options: Omit<ApplyReleaseOptions, 'push' | 'publisher'> & { publisher: ReleasePublisher | null },
  target: VerifiedTarget,
): Promise<ApplyReleaseResult & { tagsCreated: string[] }> {
  if (!options.dryRun) await fastForwardFromRemote(cwd, target);
  const result = await applyReleasePlan(cwd, plan, { ...options, push: null, publisher: null });
  if (options.dryRun || !result.commit) return { ...result, tagsCreated: [] };
  const made = result.commitCreated ? await commitThroughApi(cwd, target) : new Map<string, string>();
  const commit = made.get(result.commit) ?? result.commit;
  const tagsCreated = await tagThroughApi(
    cwd,
    target,
    commit,
    result.components.map((c) => c.tag),
  );
  result.commit = commit;
  result.pushed = true;
  for (const c of result.components) {
    c.tagCreated = tagsCreated.includes(c.tag);
    if (options.publisher)
      c.release = await options.publisher.ensureRelease({
        tag: c.tag,
        name: `${c.component} ${c.version}`,
        body: c.changelog,
        draft: options.draft ?? false,
        prerelease: semver.prerelease(c.version) !== null,
      });
  }
  return { ...result, tagsCreated };
}
