import { conflictError } from '../relx-error.js';
import { releasedPlanHead } from './release-commit.js';

export interface ReleaseTarget {
  component: string;
  version: string;
  tag: string;
}

export interface ReleaseSteps {
  /** Make the release commit, or it exists already (a previous run made it). */
  commit: { kind: 'create' } | { kind: 'exists'; sha: string };
  tagsToCreate: ReleaseTarget[];
  tagsPresent: ReleaseTarget[];
}

/**
 * Decides what is left to do to apply a plan, from what the repository already holds, so that a
 * re-run after a failure at any point finishes the job and never repeats or moves anything.
 * Every conflict is found here, before anything is written.
 */
export function decideReleaseSteps(input: {
  planHead: string;
  head: { sha: string; message: string };
  targets: readonly ReleaseTarget[];
  /** Existing tags: name → the commit it points to. */
  tags: ReadonlyMap<string, string>;
}): ReleaseSteps {
  const { planHead, head, targets, tags } = input;
  let commit: ReleaseSteps['commit'];
  if (head.sha === planHead) commit = { kind: 'create' };
  else if (releasedPlanHead(head.message) === planHead) commit = { kind: 'exists', sha: head.sha };
  else {
    throw conflictError(
      `HEAD ${head.sha.slice(0, 7)} is neither the commit the plan was made for (${planHead.slice(0, 7)}) nor its release commit: the branch moved since the plan was made.`,
      {
        field: 'plan.head',
        fix: 'Make a new plan on the current HEAD (analyze-commits or `relx plan`) and apply that.',
      },
    );
  }

  const tagsToCreate: ReleaseTarget[] = [];
  const tagsPresent: ReleaseTarget[] = [];
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
    else if (commit.kind === 'exists' && at === commit.sha) tagsPresent.push(target);
    else moved.push(`${target.tag} (on ${at.slice(0, 7)})`);
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
  return { commit, tagsToCreate, tagsPresent };
}
