import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import semver from 'semver';
import { isAncestor, readHead, readTags } from '../git/git-refs.js';
import {
  commitFiles,
  createAnnotatedTag,
  pushAuthEnv,
  pushRelease,
  type PushTarget,
} from '../git/git-write.js';
import { runGit } from '../git/run-git.js';
import { inputError } from '../relx-error.js';
import type { ReleasePlan } from '../release-plan/release-plan.js';
import { loadWorkspace } from '../workspace/load-workspace.js';
import { assertNoStaleIndexLock } from './index-lock.js';
import { planReleaseFiles } from './plan-release-files.js';
import { renderReleaseCommitMessage } from './release-commit.js';
import { decideReleaseSteps, type ReleaseTarget, type TaggedCommit } from './release-steps.js';
import { atBoundary, type WriteBoundary } from './write-boundary.js';

/** Where GitHub Releases (or another release page) are made; found by tag first, so never twice. */
export interface ReleasePublisher {
  ensureRelease(release: {
    tag: string;
    name: string;
    body: string;
    draft: boolean;
    prerelease: boolean;
  }): Promise<{ url: string; created: boolean }>;
}

export interface ApplyReleaseOptions {
  configFile?: string;
  dryRun: boolean;
  push: PushTarget | null;
  publisher: ReleasePublisher | null;
  draft?: boolean;
  repositoryUrl: string | null;
  now: Date;
  commitTitle?: string;
  onProgress?: (message: string) => void;
  /** Test hook around every write (see write-boundary.ts); none in production. */
  boundary?: WriteBoundary;
  /**
   * The release commit exists already — a merged release pull request put the version files
   * and changelogs on the branch — so only tag it (and push the tags, publish the pages).
   */
  releaseCommit?: string;
}

export interface AppliedComponent extends ReleaseTarget {
  /** The tag was made by this run (false: a previous run made it). */
  tagCreated: boolean;
  release: { url: string; created: boolean } | null;
  changelog: string;
}

export interface ApplyReleaseResult {
  dryRun: boolean;
  /** The release commit, or null in a dry run or when nothing is released. */
  commit: string | null;
  commitCreated: boolean;
  files: string[];
  components: AppliedComponent[];
  pushed: boolean;
}

/**
 * Applies a release plan: version files and changelogs in one release commit, one annotated tag
 * per component, then optionally the push and the release pages. Everything that can stop the
 * run is checked before the first write; a re-run after a failure at any point finishes the job
 * and makes no second commit, tag or release.
 */
export async function applyReleasePlan(
  cwd: string,
  plan: ReleasePlan,
  options: ApplyReleaseOptions,
): Promise<ApplyReleaseResult> {
  if (options.publisher && !options.push) {
    throw inputError('Release pages need the tags on the remote first.', {
      field: 'github-release',
      fix: 'Also push (`--push`, or the action input `push: true`), or leave release pages off.',
    });
  }
  const workspace = await loadWorkspace(cwd, options.configFile ? { configFile: options.configFile } : {});
  const known = new Set(workspace.components.map((c) => c.name));
  plan.components.forEach((c, i) => {
    if (!known.has(c.name)) {
      throw inputError(
        `The plan names component "${c.name}", which this repository's config does not have.`,
        {
          field: `components[${i}].name`,
          fix: 'Make the plan from this repository and config (analyze-commits or `relx plan --json`), then apply it unmodified.',
        },
      );
    }
  });

  const targets: ReleaseTarget[] = plan.components
    .filter((c) => c.release && c.nextVersion && c.nextTag)
    .map((c) => ({ component: c.name, version: c.nextVersion as string, tag: c.nextTag as string }));
  const result: ApplyReleaseResult = {
    dryRun: options.dryRun,
    commit: null,
    commitCreated: false,
    files: [],
    components: [],
    pushed: false,
  };
  if (targets.length === 0) return result;

  const head = await readHead(cwd);
  const headMessage = await runGit(cwd, ['log', '-1', '--format=%B', head.sha]);
  const tags = new Map((await readTags(cwd)).map((t) => [t.name, t.commit]));
  const steps = decideReleaseSteps({
    planHead: plan.head,
    head: { sha: head.sha, message: headMessage },
    targets,
    tags,
    taggedCommits: await readTaggedCommits(cwd, head.sha, targets, tags),
    ...(options.releaseCommit
      ? {
          releaseCommit: {
            sha: options.releaseCommit,
            inHead: await isAncestor(cwd, options.releaseCommit, head.sha),
          },
        }
      : {}),
  });

  // Files are computed from the plan's commit, not the working tree: a run that died after
  // writing some files computes (and commits) the same content again.
  const readAt = async (path: string) => runGit(cwd, ['show', `${plan.head}:${path}`]).catch(() => null);
  const { files, changelogs } = await planReleaseFiles({
    plan,
    components: workspace.components,
    readFile: readAt,
    listFiles: async () =>
      (await runGit(cwd, ['ls-tree', '-r', '-z', '--name-only', plan.head])).split('\0').filter(Boolean),
    date: options.now.toISOString().slice(0, 10),
    repositoryUrl: options.repositoryUrl,
  });
  result.files = [...files.keys()].sort();
  const message = renderReleaseCommitMessage(
    plan.components.filter((c) => c.release),
    plan.head,
    options.commitTitle,
  );
  const component = (t: ReleaseTarget, tagCreated: boolean): AppliedComponent => ({
    ...t,
    tagCreated,
    release: null,
    changelog: changelogs.get(t.component) ?? '',
  });

  if (options.dryRun) {
    result.components = targets.map((t) => component(t, false));
    return result;
  }

  const boundary = options.boundary;
  await assertNoStaleIndexLock(cwd);
  if (steps.commit.kind === 'create') {
    for (const [path, content] of files) {
      await atBoundary(boundary, `write:${path}`, async () => {
        await mkdir(dirname(join(cwd, path)), { recursive: true });
        await writeFile(join(cwd, path), content);
      });
    }
    result.commit = await atBoundary(boundary, 'commit', () => commitFiles(cwd, result.files, message));
    result.commitCreated = true;
    options.onProgress?.(`release commit ${result.commit.slice(0, 7)}`);
  } else {
    result.commit = steps.commit.sha;
    options.onProgress?.(`release commit ${result.commit.slice(0, 7)} already made by a previous run`);
    if (steps.commit.head === 'plan') {
      // a re-run of the same workflow run starts on the plan head: carry it onto the release
      const sha = result.commit;
      await atBoundary(boundary, 'fast-forward', () => runGit(cwd, ['merge', '--ff-only', '--quiet', sha]));
      options.onProgress?.(`checked out the release commit ${sha.slice(0, 7)}`);
    }
  }
  const releaseCommit = result.commit;

  // A tag several components share (v{version} lockstep) names them all and carries each changelog.
  const sharing = (tag: string) => targets.filter((t) => t.tag === tag);
  const notesOf = (tag: string) => {
    const members = sharing(tag);
    if (members.length === 1) return changelogs.get(members[0]?.component ?? '') ?? '';
    return members.map((t) => `## ${t.component}\n\n${changelogs.get(t.component) ?? ''}`).join('\n');
  };
  const titleOf = (target: ReleaseTarget) => {
    const members = sharing(target.tag);
    return members.length === 1
      ? `${target.component} ${target.version}`
      : `${target.tag}: ${members.map((t) => t.component).join(', ')} ${target.version}`;
  };
  for (const target of steps.tagsToCreate) {
    await atBoundary(boundary, `tag:${target.tag}`, () =>
      createAnnotatedTag(cwd, target.tag, releaseCommit, `${titleOf(target)}\n\n${notesOf(target.tag)}`),
    );
    options.onProgress?.(`tagged ${target.tag}`);
  }
  const created = new Set(steps.tagsToCreate.map((t) => t.tag));
  result.components = targets.map((t) => component(t, created.has(t.tag)));

  if (options.push) {
    const push = options.push;
    // A release commit made earlier may be on the remote branch under later commits: then push
    // only the tags (pushing the commit to the branch would not be a fast-forward).
    const branchHasIt = !result.commitCreated && (await remoteBranchContains(cwd, push, releaseCommit));
    await atBoundary(boundary, 'push', () =>
      pushRelease(cwd, push, branchHasIt ? null : releaseCommit, [...new Set(targets.map((t) => t.tag))]),
    );
    result.pushed = true;
    options.onProgress?.(
      `pushed ${branchHasIt ? '' : `${push.branch} and `}${targets.length} tag(s) to ${push.remote}`,
    );
  }

  if (options.publisher) {
    const pages = new Map<string, AppliedComponent['release']>();
    for (const applied of result.components) {
      const shared = sharing(applied.tag).length > 1;
      const page = pages.get(applied.tag);
      if (page) {
        applied.release = page;
        continue;
      }
      applied.release = await atBoundary(boundary, `release:${applied.tag}`, () =>
        (options.publisher as ReleasePublisher).ensureRelease({
          tag: applied.tag,
          name: shared ? applied.tag : `${applied.component} ${applied.version}`,
          body: shared ? notesOf(applied.tag) : applied.changelog,
          draft: options.draft ?? false,
          // `1.4.0+build-abc` is a release: only a prerelease part makes a GitHub pre-release
          prerelease: semver.prerelease(applied.version) !== null,
        }),
      );
      pages.set(applied.tag, applied.release);
      options.onProgress?.(`${applied.release.created ? 'created' : 'found'} release ${applied.release.url}`);
    }
  }
  return result;
}

/** What the decision needs about the commits the plan's existing tags point to. */
async function readTaggedCommits(
  cwd: string,
  head: string,
  targets: readonly ReleaseTarget[],
  tags: ReadonlyMap<string, string>,
): Promise<Map<string, TaggedCommit>> {
  const commits = new Map<string, TaggedCommit>();
  for (const target of targets) {
    const sha = tags.get(target.tag);
    if (sha === undefined || commits.has(sha)) continue;
    const [parents = '', ...message] = (await runGit(cwd, ['log', '-1', '--format=%P%n%B', sha])).split('\n');
    commits.set(sha, {
      parents: parents.split(' ').filter(Boolean),
      message: message.join('\n'),
      inHead: await isAncestor(cwd, sha, head),
    });
  }
  return commits;
}

async function remoteBranchContains(cwd: string, push: PushTarget, commit: string): Promise<boolean> {
  try {
    await runGit(cwd, ['fetch', '--quiet', push.remote, `refs/heads/${push.branch}`], {
      env: pushAuthEnv(push.token),
    });
  } catch {
    return false; // no such branch yet: the push creates it
  }
  const fetched = (await runGit(cwd, ['rev-parse', 'FETCH_HEAD'])).trim();
  return isAncestor(cwd, commit, fetched);
}
