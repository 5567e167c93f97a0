import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import semver from 'semver';
import { pushAuthEnv, type PushTarget } from '../git/git-write.js';
import { runGit } from '../git/run-git.js';
import type { TreeChange } from '../github/git-data-api.js';
import type { GitHubPullRequests, PullRequest } from '../github/pull-requests.js';
import {
  applyReleasePlan,
  type ApplyReleaseResult,
  type ReleasePublisher,
} from '../release/apply-release-plan.js';
import { planReleaseFiles } from '../release/plan-release-files.js';
import { releasedPlanHead, releaseTrailer, renderReleaseCommitMessage } from '../release/release-commit.js';
import { conflictError, inputError } from '../relx-error.js';
import { planAtCommit } from '../release/resolve-release-plan.js';
import { releasedComponents, type PlannedComponent, type ReleasePlan } from '../release-plan/release-plan.js';
import {
  componentVersionFiles,
  readVersionFileVersion,
  type VersionFileSpec,
} from '../version-files/read-version-file.js';
import { renderTag } from '../versioning/tag-format.js';
import type { Component } from '../workspace/component.js';
import { loadWorkspace } from '../workspace/load-workspace.js';
import {
  planHeadOfBody,
  releaseBranchFor,
  releaseLabels,
  renderReleasePullRequestBody,
  renderReleasePullRequestTitle,
  type ManifestPreview,
} from './release-pull-request-body.js';
import { planOfGroup, type ReleaseGroup } from './release-group-plan.js';
import { tagThroughApi, type VerifiedTarget } from './verified-commits.js';

export interface ReleasePullRequestContext {
  cwd: string;
  configFile?: string;
  /** The default branch: what the release pull request merges into. */
  base: string;
  /** The release pull request's branch (config `releasePullRequest.branch`). */
  branchPrefix: string;
  pulls: GitHubPullRequests;
  /** The remote and its token: fetches, and the push of the PR branch without verified commits. */
  remote: PushTarget;
  /** Set: commits and tags are made through GitHub's git data API (verified), nothing is pushed. */
  verified: VerifiedTarget | null;
  repositoryUrl: string | null;
  now: Date;
  manifest: ManifestPreview;
  /** The config's component groups, each released through its own pull request. */
  groups?: readonly ReleaseGroup[];
  onProgress?: (message: string) => void;
}

export interface ReleasePullRequestResult {
  action: 'opened' | 'updated' | 'unchanged' | 'closed' | 'none';
  pullRequest: { number: number; url: string } | null;
  branch: string;
  /** The release commit at the head of the pull request's branch. */
  commit: string | null;
}

/**
 * Opens or updates the release pull request of a plan (of one component group when `group` is
 * set): one commit on top of the plan head holding the version files and changelogs, on a
 * branch relx rebuilds on every push, and a body showing the plan and the manifest it writes.
 * A plan with nothing to release closes an open one (its changes were released or reverted).
 */
export async function updateReleasePullRequest(
  ctx: ReleasePullRequestContext,
  plan: ReleasePlan,
  group: string | null = null,
): Promise<ReleasePullRequestResult> {
  const branch = releaseBranchFor(ctx.branchPrefix, group);
  const [open] = await ctx.pulls.list(branch, ctx.base, 'open');
  const released = releasedComponents(plan);
  if (released.length === 0) {
    if (!open) return { action: 'none', pullRequest: null, branch, commit: null };
    await ctx.pulls.update(open.number, { state: 'closed' });
    ctx.onProgress?.(`nothing to release: closed #${open.number}`);
    return { action: 'closed', pullRequest: { number: open.number, url: open.url }, branch, commit: null };
  }

  const workspace = await loadWorkspace(ctx.cwd, ctx.configFile ? { configFile: ctx.configFile } : {});
  const { files } = await planReleaseFiles({
    plan,
    components: workspace.components,
    readFile: (path) => runGit(ctx.cwd, ['show', `${plan.head}:${path}`]).catch(() => null),
    listFiles: async () =>
      (await runGit(ctx.cwd, ['ls-tree', '-r', '-z', '--name-only', plan.head])).split('\0').filter(Boolean),
    date: ctx.now.toISOString().slice(0, 10),
    repositoryUrl: ctx.repositoryUrl,
  });
  const message = renderReleaseCommitMessage(released, plan.head);
  const { tree, changes } = await buildReleaseTree(ctx.cwd, plan.head, files);
  const current = await readBranchTip(ctx.cwd, ctx.remote, branch);
  let commit: string;
  if (current && current.parent === plan.head && current.tree === tree && current.message === message) {
    commit = current.sha; // a re-run on the same head: the branch is already right
  } else if (ctx.verified) {
    const parentTree = (await runGit(ctx.cwd, ['rev-parse', `${plan.head}^{tree}`])).trim();
    commit = (await ctx.verified.api.createCommit({ parent: plan.head, parentTree, changes, message })).sha;
    await ctx.verified.api.updateBranch(branch, commit, { force: true });
  } else {
    commit = (await runGit(ctx.cwd, ['commit-tree', tree, '-p', plan.head], { input: message })).trim();
    await runGit(
      ctx.cwd,
      ['push', '--quiet', '--force', ctx.remote.remote, `${commit}:refs/heads/${branch}`],
      {
        env: pushAuthEnv(ctx.remote.token),
      },
    );
  }
  ctx.onProgress?.(`${branch} at ${commit.slice(0, 7)} on ${plan.head.slice(0, 7)}`);

  const title = renderReleasePullRequestTitle(plan, group);
  const body = renderReleasePullRequestBody(plan, ctx.manifest);
  let pull: PullRequest;
  let action: ReleasePullRequestResult['action'];
  if (open) {
    pull = open;
    action = open.title === title && open.body === body && current?.sha === commit ? 'unchanged' : 'updated';
    if (open.title !== title || open.body !== body) await ctx.pulls.update(open.number, { title, body });
  } else {
    pull = await ctx.pulls.create({ head: branch, base: ctx.base, title, body });
    action = 'opened';
  }
  if (!pull.labels.includes(releaseLabels.pending))
    await ctx.pulls.addLabels(pull.number, [releaseLabels.pending]);
  ctx.onProgress?.(`${action} release pull request #${pull.number}`);
  return { action, pullRequest: { number: pull.number, url: pull.url }, branch, commit };
}

/** A merged release: the release commit to tag, the plan head it was made on, its pull request. */
export interface MergedRelease {
  /** The release commit as it is in the base branch's history (see readMergedReleaseCommit). */
  commit: string;
  planHead: string;
  pullRequest: PullRequest | null;
  /** The group whose pull request it is (from its branch); null: the default one, or no pull request. */
  group: string | null;
}

/**
 * The merged release pull requests still to release: those labelled pending whose merge is in
 * HEAD's history (a run that was skipped or cancelled is caught up), else HEAD itself when it is
 * a merged release (a re-run after the label moved: tagging again finds everything done).
 * The pull request names its merge (merge_commit_sha) and, in its body, the plan head; git
 * checks the rest. A pending merge that is not a release relx can read fails the run: passing
 * over it would leave the version files ahead of the tags and the release never tagged.
 */
export async function findMergedReleases(
  ctx: Pick<ReleasePullRequestContext, 'cwd' | 'pulls' | 'base' | 'branchPrefix'>,
  branches: ReadonlyArray<{ branch: string; group: string | null }> = [
    { branch: ctx.branchPrefix, group: null },
  ],
): Promise<MergedRelease[]> {
  const head = (await runGit(ctx.cwd, ['rev-parse', 'HEAD'])).trim();
  const found: MergedRelease[] = [];
  for (const { branch, group } of branches) {
    for (const pull of await ctx.pulls.list(branch, ctx.base, 'closed')) {
      if (!pull.merged || !pull.mergeCommit || !pull.labels.includes(releaseLabels.pending)) continue;
      if (!(await inHistory(ctx.cwd, pull.mergeCommit, head))) continue;
      const merged = await readMergedReleaseCommit(ctx.cwd, pull.mergeCommit, planHeadOfBody(pull.body));
      if (!merged)
        throw conflictError(
          `Release pull request #${pull.number} (labelled "${releaseLabels.pending}") was merged as ${pull.mergeCommit.slice(0, 7)}, which relx cannot read as its release: neither its body's plan-head marker nor a ${releaseTrailer} trailer names a plan head in that commit's history.`,
          {
            field: `pull request #${pull.number}`,
            fix: `Tag the release by hand on ${pull.mergeCommit.slice(0, 7)} (the versions its files hold), then replace the label "${releaseLabels.pending}" with "${releaseLabels.released}"; or remove "${releaseLabels.pending}" if it released nothing.`,
          },
        );
      found.push({ ...merged, pullRequest: pull, group });
    }
  }
  if (found.length === 0) {
    const merged = await readMergedReleaseCommit(ctx.cwd, head);
    if (merged) found.push({ ...merged, pullRequest: null, group: null });
  }
  return found;
}

/**
 * Whether a commit on the base branch is a merged release pull request, and which commit holds
 * the release. The plan head is the one the pull request names (`planHead`), else the one the
 * commit's trailer names; it must be in the history of the merge's first parent — equal when the
 * base did not move, an ancestor when it moved before the merge. A merge commit brings the
 * release commit in as its second parent, the plan head plus the version files and changelogs
 * relx made: that commit is tagged. A squash or rebase merge is itself the release commit.
 */
export async function readMergedReleaseCommit(
  cwd: string,
  commit: string,
  planHead: string | null = null,
): Promise<{ commit: string; planHead: string } | null> {
  const read = async (sha: string) => {
    const [parents = '', ...message] = (await runGit(cwd, ['log', '-1', '--format=%P%n%B', sha])).split('\n');
    return { parents: parents.split(' ').filter(Boolean), planHead: releasedPlanHead(message.join('\n')) };
  };
  const merge = await read(commit);
  const [first, second, ...more] = merge.parents;
  if (!first || more.length > 0) return null;
  if (second) {
    const release = await read(second);
    const expected = planHead ?? release.planHead;
    if (expected && release.parents[0] === expected && (await inHistory(cwd, expected, first)))
      return { commit: second, planHead: expected };
    return null;
  }
  const expected = planHead ?? merge.planHead;
  if (expected && (await inHistory(cwd, expected, first))) return { commit, planHead: expected };
  return null;
}

/**
 * Releases a merged release pull request exactly as direct mode does: the plan made again on
 * its plan head, the merge commit (which holds the version files and changelogs) tagged —
 * through the API when verified — then labelled released. A re-run finds the tags there and
 * makes nothing new; its outputs are the same, so publishing after it finishes the job.
 */
export async function releaseMergedPullRequest(
  ctx: ReleasePullRequestContext,
  merged: MergedRelease,
  options: {
    publisher: ReleasePublisher | null;
    draft?: boolean;
    /**
     * `released` (default): labelled released once tagged. `tagged`: labelled tagged and left
     * pending, so that the workflow labels it released only after publishing and the manifest
     * finished (labelReleasesPublished); a push before that resumes the release.
     */
    label?: 'released' | 'tagged';
  },
): Promise<{ plan: ReleasePlan; result: ApplyReleaseResult; tagsCreated: string[] }> {
  ctx.onProgress?.(
    `${merged.pullRequest ? `#${merged.pullRequest.number} merged as` : 'HEAD is'} ${merged.commit.slice(0, 7)}: releasing the plan of ${merged.planHead.slice(0, 7)}`,
  );
  const fullPlan = await planAtCommit(ctx.cwd, merged.planHead, {
    now: ctx.now,
    branch: ctx.base,
    ...(ctx.configFile ? { configFile: ctx.configFile } : {}),
  });
  // a group's pull request released its members only: the others have pull requests of their own
  // (HEAD found without its pull request: the group is unknown, the release commit's files tell)
  const groupPlan = merged.pullRequest ? planOfGroup(fullPlan, merged.group, ctx.groups ?? []) : fullPlan;
  if (!groupPlan)
    throw inputError(
      `#${merged.pullRequest?.number ?? '?'} is the release pull request of group "${merged.group}", which the config no longer has.`,
      {
        field: 'releasePullRequest.groups',
        fix: `Restore the group "${merged.group}" until its merged release is tagged, or tag it by hand and label the pull request "${releaseLabels.released}".`,
      },
    );
  const workspace = await loadWorkspace(ctx.cwd, ctx.configFile ? { configFile: ctx.configFile } : {});
  const plan = await withVersionsOfReleaseCommit(ctx.cwd, groupPlan, merged.commit, workspace.components);
  const result = await applyReleasePlan(ctx.cwd, plan, {
    ...(ctx.configFile ? { configFile: ctx.configFile } : {}),
    dryRun: false,
    releaseCommit: merged.commit,
    // without verified commits only the tags are pushed: the commit is on the branch already
    push: ctx.verified ? null : { ...ctx.remote, branch: ctx.base },
    publisher: ctx.verified ? null : options.publisher,
    ...(options.draft !== undefined ? { draft: options.draft } : {}),
    repositoryUrl: ctx.repositoryUrl,
    now: ctx.now,
    ...(ctx.onProgress ? { onProgress: ctx.onProgress } : {}),
  });
  let tagsCreated = result.components.filter((c) => c.tagCreated).map((c) => c.tag);
  if (ctx.verified && result.commit) {
    tagsCreated = await tagThroughApi(
      ctx.cwd,
      ctx.verified,
      result.commit,
      result.components.map((c) => c.tag),
    );
    if (options.publisher) await publishPages(result, options.publisher, options.draft ?? false);
  }
  if (merged.pullRequest && options.label === 'tagged') {
    if (!merged.pullRequest.labels.includes(releaseLabels.tagged))
      await ctx.pulls.addLabels(merged.pullRequest.number, [releaseLabels.tagged]);
    ctx.onProgress?.(`#${merged.pullRequest.number} labelled ${releaseLabels.tagged}: publishing follows`);
  } else if (merged.pullRequest) {
    await labelReleasesPublished(ctx, [merged.pullRequest.number]);
  }
  return { plan, result, tagsCreated };
}

/**
 * Labels merged release pull requests released once their publishing finished: the step after
 * the release manifest calls it with the numbers bump-version reported. Repeating it is harmless.
 */
export async function labelReleasesPublished(
  ctx: Pick<ReleasePullRequestContext, 'pulls' | 'onProgress'>,
  numbers: readonly number[],
): Promise<void> {
  for (const number of numbers) {
    await ctx.pulls.addLabels(number, [releaseLabels.released]);
    await ctx.pulls.removeLabel(number, releaseLabels.pending);
    await ctx.pulls.removeLabel(number, releaseLabels.tagged);
    ctx.onProgress?.(`#${number} labelled ${releaseLabels.released}`);
  }
}

/**
 * The plan with the versions the release commit's version files hold — what the pull request
 * showed and the files say. Planned again at merge time a version can differ (CalVer's month
 * turned since the pull request was built). A component whose version file the release commit
 * left as the plan head had it is not part of this release; one without a version file relx can
 * read (a Go module: its tag is its version) keeps the planned version.
 */
async function withVersionsOfReleaseCommit(
  cwd: string,
  plan: ReleasePlan,
  releaseCommit: string,
  components: readonly Component[],
): Promise<ReleasePlan> {
  const versionAt = async (commit: string, spec: VersionFileSpec) => {
    const content = await runGit(cwd, ['show', `${commit}:${spec.file}`]).catch(() => null);
    return content === null ? null : readVersionFileVersion(content, spec);
  };
  const adjusted: PlannedComponent[] = [];
  for (const c of plan.components) {
    const found = components.find((w) => w.name === c.name);
    const spec = found ? componentVersionFiles(found)[0] : undefined;
    const shown = c.release && spec ? await versionAt(releaseCommit, spec) : null;
    if (!spec || shown === null || shown === c.nextVersion) adjusted.push(c);
    else if (shown !== (await versionAt(plan.head, spec)))
      adjusted.push({ ...c, nextVersion: shown, nextTag: renderTag(c.tagFormat, c, shown) });
    else adjusted.push({ ...c, release: false, bump: 'none', nextVersion: null, nextTag: null });
  }
  return { ...plan, components: adjusted };
}

/** GitHub Releases once the API made the tags (applyReleasePlan makes them only after its push). */
async function publishPages(result: ApplyReleaseResult, publisher: ReleasePublisher, draft: boolean) {
  for (const c of result.components) {
    c.release = await publisher.ensureRelease({
      tag: c.tag,
      name: `${c.component} ${c.version}`,
      body: c.changelog,
      draft,
      prerelease: semver.prerelease(c.version) !== null,
    });
  }
}

async function inHistory(cwd: string, commit: string, head: string): Promise<boolean> {
  return runGit(cwd, ['merge-base', '--is-ancestor', commit, head]).then(
    () => true,
    () => false,
  );
}

/** The tree of the plan head with `files` replaced, built in a throwaway index (the checkout is untouched). */
async function buildReleaseTree(
  cwd: string,
  planHead: string,
  files: ReadonlyMap<string, string>,
): Promise<{ tree: string; changes: TreeChange[] }> {
  const dir = await mkdtemp(join(tmpdir(), 'relx-release-tree-'));
  const env = { GIT_INDEX_FILE: join(dir, 'index') };
  try {
    await runGit(cwd, ['read-tree', planHead], { env });
    const changes: TreeChange[] = [];
    for (const [path, content] of [...files].sort(([a], [b]) => a.localeCompare(b))) {
      const listed = (await runGit(cwd, ['ls-tree', planHead, '--', path])).trim();
      const mode = listed.split(' ')[0] || '100644';
      const sha = (await runGit(cwd, ['hash-object', '-w', '--stdin'], { input: content })).trim();
      await runGit(cwd, ['update-index', '--add', '--cacheinfo', `${mode},${sha},${path}`], { env });
      changes.push({ path, mode, content: Buffer.from(content) });
    }
    return { tree: (await runGit(cwd, ['write-tree'], { env })).trim(), changes };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function readBranchTip(
  cwd: string,
  remote: PushTarget,
  branch: string,
): Promise<{ sha: string; parent: string; tree: string; message: string } | null> {
  try {
    await runGit(
      cwd,
      ['fetch', '--quiet', remote.remote, `+refs/heads/${branch}:refs/remotes/${remote.remote}/${branch}`],
      {
        env: pushAuthEnv(remote.token),
      },
    );
  } catch {
    return null; // no such branch yet
  }
  const [sha = '', parents = '', tree = '', ...message] = (
    await runGit(cwd, ['log', '-1', '--format=%H%n%P%n%T%n%B', `refs/remotes/${remote.remote}/${branch}`])
  ).split('\n');
  return { sha, parent: parents.split(' ')[0] ?? '', tree, message: `${message.join('\n').trimEnd()}\n` };
}
