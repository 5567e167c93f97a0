import { configurationError, conflictError } from '../relx-error.js';
import { releasedPlanHead } from './release-commit.js';
import { invalidRefNameReason } from './tag-names.js';

export interface ReleaseTarget {
  component: string;
  version: string;
  tag: string;
}

/** A commit a release tag points to, as far as deciding needs it. */
export interface TaggedCommit {
  message: string;
  parents: readonly string[];
  /** The commit is HEAD or one of its ancestors. */
  inHead: boolean;
}

export interface ReleaseSteps {
  /**
   * Make the release commit, or it exists already (a previous run made it). `head` says where
   * HEAD is: on it, still on the plan head (a re-run of the same workflow run checks out the
   * commit it started from: move HEAD forward onto the release), or on a later commit.
   */
  commit: { kind: 'create' } | { kind: 'exists'; sha: string; head: 'release' | 'plan' | 'later' };
  tagsToCreate: ReleaseTarget[];
}

/**
 * Decides what is left to do to apply a plan, from what the repository already holds, so that a
 * re-run after a failure at any point finishes the job and never repeats or moves anything.
 * A release commit is recognised by its `Relx-Release-Of` trailer naming the plan head, which is
 * also its parent. Every conflict is found here, before anything is written.
 */
export function decideReleaseSteps(input: {
  planHead: string;
  head: { sha: string; message: string };
  targets: readonly ReleaseTarget[];
  /** Existing tags: name → the commit it points to. */
  tags: ReadonlyMap<string, string>;
  /** The commits the targets' existing tags point to. */
  taggedCommits?: ReadonlyMap<string, TaggedCommit>;
  /**
   * The release commit was made elsewhere — a merged release pull request's commit on the
   * default branch, HEAD or an ancestor of it (`inHead`) — and is only to be tagged.
   */
  releaseCommit?: { sha: string; inHead: boolean };
}): ReleaseSteps {
  const { targets, tags } = input;
  checkTagNames(targets);
  const commit = findReleaseCommit(input);

  const tagsToCreate: ReleaseTarget[] = [];
  const moved: string[] = [];
  // Components sharing a tag (a lockstep group tagged v{version}) get it once, at one version.
  const byTag = new Map<string, ReleaseTarget>();
  for (const target of targets) {
    const other = byTag.get(target.tag);
    if (other && other.version !== target.version) {
      throw conflictError(
        `${other.component} ${other.version} and ${target.component} ${target.version} would both be tagged ${target.tag}.`,
        {
          field: 'tags',
          fix: 'Give them tag formats that tell them apart ({name} in tagFormat), or release them in one lockstep group.',
        },
      );
    }
    if (!other) byTag.set(target.tag, target);
  }
  for (const target of byTag.values()) {
    const at = tags.get(target.tag);
    if (at === undefined) tagsToCreate.push(target);
    // A tag already on the release commit was made by a previous run: nothing left to do for it.
    else if (commit.kind !== 'exists' || at !== commit.sha)
      moved.push(`${target.tag} (on ${at.slice(0, 7)})`);
  }
  if (moved.length > 0) {
    throw conflictError(
      `Release tag(s) already exist on another commit: ${moved.join(', ')}. A release tag is never moved.`,
      {
        field: 'tags',
        fix: 'If those releases are real, the plan is stale: make a new plan. If the tags are mistakes, delete them deliberately (git push --delete) and re-run.',
      },
    );
  }
  return { commit, tagsToCreate };
}

function findReleaseCommit(input: Parameters<typeof decideReleaseSteps>[0]): ReleaseSteps['commit'] {
  const { planHead, head, targets, tags } = input;
  if (input.releaseCommit) {
    const { sha, inHead } = input.releaseCommit;
    if (sha === head.sha) return { kind: 'exists', sha, head: 'release' };
    if (inHead) return { kind: 'exists', sha, head: 'later' };
    throw conflictError(
      `The release commit ${sha.slice(0, 7)} is not in the history of HEAD ${head.sha.slice(0, 7)}.`,
      { field: 'releaseCommit', fix: 'Check out the branch the release pull request was merged into.' },
    );
  }
  if (head.sha !== planHead && releasedPlanHead(head.message) === planHead) {
    return { kind: 'exists', sha: head.sha, head: 'release' };
  }
  // A release commit of this plan that an earlier run made and tagged.
  const tagged = new Set<string>();
  for (const target of targets) {
    const sha = tags.get(target.tag);
    const commit = sha === undefined ? undefined : input.taggedCommits?.get(sha);
    if (sha && commit && commit.parents[0] === planHead && releasedPlanHead(commit.message) === planHead)
      tagged.add(sha);
  }
  const [earlier, ...others] = [...tagged];
  if (earlier && others.length === 0) {
    if (head.sha === planHead) return { kind: 'exists', sha: earlier, head: 'plan' };
    if (input.taggedCommits?.get(earlier)?.inHead) return { kind: 'exists', sha: earlier, head: 'later' };
  }
  if (head.sha === planHead) return { kind: 'create' };
  throw conflictError(
    `HEAD ${head.sha.slice(0, 7)} is neither the commit the plan was made for (${planHead.slice(0, 7)}) nor its release commit: the branch moved since the plan was made.`,
    {
      field: 'plan.head',
      fix: 'Make a new plan on the current HEAD (analyze-commits or `relx plan`) and apply that.',
    },
  );
}

/** Every tag must be a valid ref name: found before the release commit, not when tagging after it. */
function checkTagNames(targets: readonly ReleaseTarget[]): void {
  const invalid = targets.flatMap((t) => {
    const reason = invalidRefNameReason(t.tag);
    return reason ? [`"${t.tag}" (${t.component}): ${reason}`] : [];
  });
  if (invalid.length > 0) {
    throw configurationError(`Release tag(s) that git cannot create: ${invalid.join('; ')}.`, {
      field: 'tagFormat',
      fix: 'Change the component’s tagFormat so that it renders a valid tag name (see `git check-ref-format`), e.g. `{name}@{version}` or `v{version}`.',
    });
  }
}
