import semver from 'semver';
import { fastForwardFromRemote, pushAuthEnv, type PushTarget } from '../git/git-write.js';
import { runGit } from '../git/run-git.js';
import { conflictError } from '../relx-error.js';
import { readCommitChanges, type GitDataApi } from '../github/git-data-api.js';
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

/**
 * Makes the commits the checkout has on top of the remote branch again through GitHub's git
 * data API — same trees and messages, authored, committed and signed by GitHub as the token's
 * identity (a custom author would leave them unsigned: see GitDataApi) — moves the
 * branch to the last one (a fast-forward: a branch that moved meanwhile is a conflict), and
 * brings the checkout to it (fetch + reset). Nothing is pushed. Returns local → GitHub SHAs.
 */
export async function commitThroughApi(cwd: string, target: VerifiedTarget): Promise<Map<string, string>> {
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
  const made = new Map<string, string>();
  if (local.length === 0) return made;
  const [firstParent = ''] = (await runGit(cwd, ['log', '-1', '--format=%P', local[0] ?? '']))
    .trim()
    .split(' ');
  if (firstParent !== remoteTip)
    throw conflictError(
      `${target.branch} moved on GitHub (now ${remoteTip.slice(0, 7)}) since this checkout's commits were made on ${firstParent.slice(0, 7)}.`,
      { field: 'branch', fix: 'Re-run the workflow: it plans again on the new tip.' },
    );
  let parent = remoteTip;
  let parentTree = (await runGit(cwd, ['rev-parse', `${remoteTip}^{tree}`])).trim();
  for (const commit of local) {
    const [message, changes] = await Promise.all([
      runGit(cwd, ['log', '-1', '--format=%B', commit]),
      readCommitChanges(cwd, commit),
    ]);
    const created = await target.api.createCommit({ parent, parentTree, changes, message });
    made.set(commit, created.sha);
    parent = created.sha;
    // git trees are content-addressed: GitHub's tree of the same files is the local commit's
    parentTree = (await runGit(cwd, ['rev-parse', `${commit}^{tree}`])).trim();
  }
  await target.api.updateBranch(target.branch, parent, { force: false });
  await fetchBranch(cwd, target);
  await runGit(cwd, ['reset', '--hard', '--quiet', parent]);
  return made;
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
