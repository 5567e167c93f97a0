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
import type { Component } from '../workspace/component.js';
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
  assertPlanFits(plan, workspace.components);

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

  const steps = await readReleaseSteps(cwd, plan, targets, options.releaseCommit);
  const { files, changelogs } = await planFilesAtPlanHead(cwd, plan, workspace.components, options);
  result.files = [...files.keys()].sort();
  const applied = (t: ReleaseTarget, tagCreated: boolean): AppliedComponent => ({
    ...t,
    tagCreated,
    release: null,
    changelog: changelogs.get(t.component) ?? '',
  });

  if (options.dryRun) {
    result.components = targets.map((t) => applied(t, false));
    return result;
  }

  await assertNoStaleIndexLock(cwd);
  const releaseCommit = await makeReleaseCommit(cwd, plan, steps.commit, files, result, options);
  const tags = sharedTags(targets, changelogs);
  await createTags(cwd, steps.tagsToCreate, releaseCommit, tags, options);
  const created = new Set(steps.tagsToCreate.map((t) => t.tag));
  result.components = targets.map((t) => applied(t, created.has(t.tag)));
  if (options.push) {
    await pushReleaseAndTags(cwd, options.push, releaseCommit, targets, result, options);
  }
  if (options.publisher) {
    await publishReleasePages(options.publisher, result.components, tags, options);
  }
  return result;
}

/** The plan names only components this repository's config has. */
function assertPlanFits(plan: ReleasePlan, components: readonly Component[]): void {
  const known = new Set(components.map((c) => c.name));
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
}

/** What is left to do, decided from the head, the tags and the commits they point to. */
async function readReleaseSteps(
  cwd: string,
  plan: ReleasePlan,
  targets: readonly ReleaseTarget[],
  releaseCommit: string | undefined,
): Promise<ReturnType<typeof decideReleaseSteps>> {
  const head = await readHead(cwd);
  const headMessage = await runGit(cwd, ['log', '-1', '--format=%B', head.sha]);
  const tags = new Map((await readTags(cwd)).map((t) => [t.name, t.commit]));
  return decideReleaseSteps({
    planHead: plan.head,
    head: { sha: head.sha, message: headMessage },
    targets,
    tags,
    taggedCommits: await readTaggedCommits(cwd, head.sha, targets, tags),
    ...(releaseCommit
      ? { releaseCommit: { sha: releaseCommit, inHead: await isAncestor(cwd, releaseCommit, head.sha) } }
      : {}),
  });
}

/**
 * Files are computed from the plan's commit, not the working tree: a run that died after
 * writing some files computes (and commits) the same content again.
 */
function planFilesAtPlanHead(
  cwd: string,
  plan: ReleasePlan,
  components: readonly Component[],
  options: ApplyReleaseOptions,
): ReturnType<typeof planReleaseFiles> {
  const readAt = async (path: string) => runGit(cwd, ['show', `${plan.head}:${path}`]).catch(() => null);
  return planReleaseFiles({
    plan,
    components,
    readFile: readAt,
    listFiles: async () =>
      (await runGit(cwd, ['ls-tree', '-r', '-z', '--name-only', plan.head])).split('\0').filter(Boolean),
    date: options.now.toISOString().slice(0, 10),
    repositoryUrl: options.repositoryUrl,
  });
}

/** Writes the files and commits them, or takes the commit a previous run made (carrying the head onto it). */
async function makeReleaseCommit(
  cwd: string,
  plan: ReleasePlan,
  step: ReturnType<typeof decideReleaseSteps>['commit'],
  files: ReadonlyMap<string, string>,
  result: ApplyReleaseResult,
  options: ApplyReleaseOptions,
): Promise<string> {
  const boundary = options.boundary;
  if (step.kind === 'create') {
    const message = renderReleaseCommitMessage(
      plan.components.filter((c) => c.release),
      plan.head,
      options.commitTitle,
    );
    for (const [path, content] of files) {
      await atBoundary(boundary, `write:${path}`, async () => {
        await mkdir(dirname(join(cwd, path)), { recursive: true });
        await writeFile(join(cwd, path), content);
      });
    }
    const commit = await atBoundary(boundary, 'commit', () => commitFiles(cwd, result.files, message));
    result.commit = commit;
    result.commitCreated = true;
    options.onProgress?.(`release commit ${commit.slice(0, 7)}`);
    return commit;
  }
  const sha = step.sha;
  result.commit = sha;
  options.onProgress?.(`release commit ${sha.slice(0, 7)} already made by a previous run`);
  if (step.head === 'plan') {
    // a re-run of the same workflow run starts on the plan head: carry it onto the release
    await atBoundary(boundary, 'fast-forward', () => runGit(cwd, ['merge', '--ff-only', '--quiet', sha]));
    options.onProgress?.(`checked out the release commit ${sha.slice(0, 7)}`);
  }
  return sha;
}

/** Titles and notes per tag: a tag several components share (v{version} lockstep) names them all and carries each changelog. */
interface SharedTags {
  isShared(tag: string): boolean;
  notesOf(tag: string): string;
  titleOf(target: ReleaseTarget): string;
}

function sharedTags(targets: readonly ReleaseTarget[], changelogs: ReadonlyMap<string, string>): SharedTags {
  const sharing = (tag: string) => targets.filter((t) => t.tag === tag);
  return {
    isShared: (tag) => sharing(tag).length > 1,
    notesOf: (tag) => {
      const members = sharing(tag);
      if (members.length === 1) return changelogs.get(members[0]?.component ?? '') ?? '';
      return members.map((t) => `## ${t.component}\n\n${changelogs.get(t.component) ?? ''}`).join('\n');
    },
    titleOf: (target) => {
      const members = sharing(target.tag);
      return members.length === 1
        ? `${target.component} ${target.version}`
        : `${target.tag}: ${members.map((t) => t.component).join(', ')} ${target.version}`;
    },
  };
}

async function createTags(
  cwd: string,
  tagsToCreate: readonly ReleaseTarget[],
  releaseCommit: string,
  tags: SharedTags,
  options: ApplyReleaseOptions,
): Promise<void> {
  for (const target of tagsToCreate) {
    await atBoundary(options.boundary, `tag:${target.tag}`, () =>
      createAnnotatedTag(
        cwd,
        target.tag,
        releaseCommit,
        `${tags.titleOf(target)}\n\n${tags.notesOf(target.tag)}`,
      ),
    );
    options.onProgress?.(`tagged ${target.tag}`);
  }
}

async function pushReleaseAndTags(
  cwd: string,
  push: PushTarget,
  releaseCommit: string,
  targets: readonly ReleaseTarget[],
  result: ApplyReleaseResult,
  options: ApplyReleaseOptions,
): Promise<void> {
  // A release commit made earlier may be on the remote branch under later commits: then push
  // only the tags (pushing the commit to the branch would not be a fast-forward).
  const branchHasIt = !result.commitCreated && (await remoteBranchContains(cwd, push, releaseCommit));
  await atBoundary(options.boundary, 'push', () =>
    pushRelease(cwd, push, branchHasIt ? null : releaseCommit, [...new Set(targets.map((t) => t.tag))]),
  );
  result.pushed = true;
  options.onProgress?.(
    `pushed ${branchHasIt ? '' : `${push.branch} and `}${targets.length} tag(s) to ${push.remote}`,
  );
}

/** One release page per tag, found by tag first so never made twice. */
async function publishReleasePages(
  publisher: ReleasePublisher,
  components: AppliedComponent[],
  tags: SharedTags,
  options: ApplyReleaseOptions,
): Promise<void> {
  const pages = new Map<string, AppliedComponent['release']>();
  for (const applied of components) {
    const shared = tags.isShared(applied.tag);
    const page = pages.get(applied.tag);
    if (page) {
      applied.release = page;
      continue;
    }
    const release = await atBoundary(options.boundary, `release:${applied.tag}`, () =>
      publisher.ensureRelease({
        tag: applied.tag,
        name: shared ? applied.tag : `${applied.component} ${applied.version}`,
        body: shared ? tags.notesOf(applied.tag) : applied.changelog,
        draft: options.draft ?? false,
        // `1.4.0+build-abc` is a release: only a prerelease part makes a GitHub pre-release
        prerelease: semver.prerelease(applied.version) !== null,
      }),
    );
    applied.release = release;
    pages.set(applied.tag, release);
    options.onProgress?.(`${release.created ? 'created' : 'found'} release ${release.url}`);
  }
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
