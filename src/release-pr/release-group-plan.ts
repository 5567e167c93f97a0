import type { ReleasePlan } from '../release-plan/release-plan.js';

/** A group of components released through its own pull request (config `releasePullRequest.groups`). */
export interface ReleaseGroup {
  name: string;
  components: readonly string[];
}

/**
 * A plan narrowed to one group of components (the others left unreleased), or for `members`
 * null to the components in no group. Each group's pull request then holds only its own files.
 */
export function planForGroup(
  plan: ReleasePlan,
  members: ReadonlySet<string> | null,
  grouped: ReadonlySet<string>,
): ReleasePlan {
  const inGroup = (name: string) => (members ? members.has(name) : !grouped.has(name));
  return {
    ...plan,
    components: plan.components.map((c) =>
      inGroup(c.name) ? c : { ...c, release: false, bump: 'none', nextVersion: null, nextTag: null },
    ),
  };
}

/** The plan of one group's pull request (`group` null: the default one) among `groups`. */
export function planOfGroup(plan: ReleasePlan, group: string | null, groups: readonly ReleaseGroup[]) {
  if (groups.length === 0 && group === null) return plan;
  const grouped = new Set(groups.flatMap((g) => g.components));
  if (group === null) return planForGroup(plan, null, grouped);
  const found = groups.find((g) => g.name === group);
  return found ? planForGroup(plan, new Set(found.components), grouped) : null;
}
