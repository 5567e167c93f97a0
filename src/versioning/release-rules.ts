import type { BumpLevel, ReleaseRule } from '../workspace/relx-config.js';

/** What a change asks for, before any rule: the defaults of the Conventional Commits convention. */
export const defaultReleaseRules: readonly ReleaseRule[] = [
  { type: 'feat', bump: 'minor' },
  { type: 'fix', bump: 'patch' },
  { type: 'perf', bump: 'patch' },
  { type: 'revert', bump: 'patch' },
];

const order: Record<BumpLevel, number> = { none: 0, patch: 1, minor: 2, major: 3 };

export function maxBump(a: BumpLevel, b: BumpLevel): BumpLevel {
  return order[a] >= order[b] ? a : b;
}

export function isBumpAtLeast(level: BumpLevel, floor: BumpLevel): boolean {
  return order[level] >= order[floor];
}

/**
 * The bump one change asks for. Breaking is always major. Otherwise the configured rules are
 * consulted before the defaults; within each, a rule naming the scope wins over one that does not.
 */
export function bumpForChange(
  change: { type: string; scope: string | null; breaking: boolean },
  rules: readonly ReleaseRule[],
): BumpLevel {
  if (change.breaking) return 'major';
  for (const set of [rules, defaultReleaseRules]) {
    const scoped = set.find(
      (r) => r.type === change.type && r.scope !== undefined && r.scope === change.scope,
    );
    if (scoped) return scoped.bump;
    const any = set.find((r) => r.type === change.type && r.scope === undefined);
    if (any) return any.bump;
  }
  return 'none';
}
