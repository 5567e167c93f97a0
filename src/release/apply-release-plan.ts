import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { readHead, readTags } from '../git/git-refs.js';
import { commitFiles, createAnnotatedTag, pushRelease, type PushTarget } from '../git/git-write.js';
import { runGit } from '../git/run-git.js';
import { inputError } from '../relx-error.js';
import type { ReleasePlan } from '../release-plan/release-plan.js';
import { loadWorkspace } from '../workspace/load-workspace.js';
import { planReleaseFiles } from './plan-release-files.js';
import { renderReleaseCommitMessage } from './release-commit.js';
import { decideReleaseSteps, type ReleaseTarget } from './release-steps.js';

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

  if (steps.commit.kind === 'create') {
    for (const [path, content] of files) {
      await mkdir(dirname(join(cwd, path)), { recursive: true });
      await writeFile(join(cwd, path), content);
    }
    result.commit = await commitFiles(cwd, result.files, message);
    result.commitCreated = true;
    options.onProgress?.(`release commit ${result.commit.slice(0, 7)}`);
  } else {
    result.commit = steps.commit.sha;
    options.onProgress?.(`release commit ${result.commit.slice(0, 7)} already made by a previous run`);
  }

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
    await createAnnotatedTag(cwd, target.tag, result.commit, `${titleOf(target)}\n\n${notesOf(target.tag)}`);
    options.onProgress?.(`tagged ${target.tag}`);
  }
  const created = new Set(steps.tagsToCreate.map((t) => t.tag));
  result.components = targets.map((t) => component(t, created.has(t.tag)));

  if (options.push) {
    await pushRelease(cwd, options.push, result.commit, [...new Set(targets.map((t) => t.tag))]);
    result.pushed = true;
    options.onProgress?.(
      `pushed ${options.push.branch} and ${targets.length} tag(s) to ${options.push.remote}`,
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
      applied.release = await options.publisher.ensureRelease({
        tag: applied.tag,
        name: shared ? applied.tag : `${applied.component} ${applied.version}`,
        body: shared ? notesOf(applied.tag) : applied.changelog,
        draft: options.draft ?? false,
        prerelease: applied.version.includes('-'),
      });
      pages.set(applied.tag, applied.release);
      options.onProgress?.(`${applied.release.created ? 'created' : 'found'} release ${applied.release.url}`);
    }
  }
  return result;
}
