import { createHash } from 'node:crypto';
import type { ConventionalChange, HistoryCommit, ReleaseAs } from '../commits/conventional-commit.js';
import type { Component, DependencyEdge } from '../workspace/component.js';
import type { AttributedCommit } from './attribute-commits.js';
import type { ComponentReleases } from './last-releases.js';
import type { PlanReleaseInput, PlanRules } from './plan-release.js';

/**
 * Builders for tests of the pure planner: components, commits and releases that read like the
 * domain, and a plan input made of them. No git: what history would say is stated directly.
 */

export const headSha = 'f'.repeat(40);

/** A released npm package at 1.0.0 in packages/<name>, tagged <name>@<version>. */
export function aComponent(name: string, extra: Partial<Component> = {}): Component {
  return {
    name,
    type: 'npm-package',
    paths: [`packages/${name}`],
    version: '1.0.0',
    versionFile: `packages/${name}/package.json`,
    scheme: { kind: 'semver' },
    tagFormat: '{name}@{version}',
    dependsOn: [],
    private: false,
    ...extra,
  };
}

/** A runtime dependency edge on another component. */
export const aDependency = (name: string, kind: DependencyEdge['kind'] = 'dependencies'): DependencyEdge => ({
  name,
  kind,
});

/** The sha a commit of this header gets: stable, so tables stay readable. */
export const shaOf = (header: string) => createHash('sha1').update(header).digest('hex');

/**
 * A conventional commit from its header, `type(scope)!: subject`; `!` or `breaking` marks it
 * breaking. A header that is no Conventional Commit is an ignored commit.
 */
export function aCommit(
  header: string,
  extra: { breaking?: string; releaseAs?: ReleaseAs[]; files?: string[] } = {},
): HistoryCommit {
  const base = { sha: shaOf(header), time: 0, parents: [], files: extra.files ?? [], header };
  const match = /^(\w+)(?:\(([^)]+)\))?(!)?: (.+)$/.exec(header);
  if (!match) return { ...base, kind: 'ignored', reason: 'not a Conventional Commit' };
  const [, type = '', scope = null, bang, subject = ''] = match;
  const breaking = bang !== undefined || extra.breaking !== undefined;
  const change: ConventionalChange = {
    type,
    scope,
    subject,
    header,
    breaking,
    notes: extra.breaking !== undefined ? [extra.breaking] : bang ? [subject] : [],
  };
  return {
    ...base,
    kind: 'conventional',
    changes: [change],
    ...(extra.releaseAs ? { releaseAs: extra.releaseAs } : {}),
  };
}

/** A commit in a component's range; `isNew` false: already shipped in the last pre-release on the channel. */
export const attributed = (commit: HistoryCommit, isNew = true): AttributedCommit => ({ commit, isNew });

/** A component last released (and tagged) at `version`; `prereleases` are the channel's since. */
export function releasedAt(
  name: string,
  version: string,
  prereleases: readonly string[] = [],
): ComponentReleases {
  const lastPre = prereleases.at(-1);
  return {
    lastStable: { tag: `${name}@${version}`, version, commit: shaOf(`release ${name}@${version}`) },
    lastOnChannel: lastPre
      ? { tag: `${name}@${lastPre}`, version: lastPre, commit: shaOf(`release ${lastPre}`) }
      : null,
    released: [version, ...prereleases],
    current: version,
    untaggedCurrent: false,
  };
}

/** The config's defaults: feat → minor, fix/perf → patch, a patch to dependents through runtime dependencies. */
export const defaultPlanRules: PlanRules = {
  rules: [],
  preMajorBreaking: 'major',
  propagation: {
    bump: 'patch',
    through: ['dependencies', 'peerDependencies', 'optionalDependencies', 'dependsOn'],
  },
  lockstep: [],
};

/**
 * A plan input: the components, each one's commits (newest first) and last releases (default:
 * released at its version). Stable on main unless a channel is given.
 */
export function aPlanInput(given: {
  components: readonly Component[];
  commits?: Readonly<Record<string, readonly (HistoryCommit | AttributedCommit)[]>>;
  releases?: Readonly<Record<string, ComponentReleases>>;
  channel?: string | null;
  rules?: Partial<PlanRules>;
}): PlanReleaseInput {
  const releases = new Map(
    given.components.map((c) => [
      c.name,
      given.releases?.[c.name] ?? releasedAt(c.name, c.version ?? '0.0.0'),
    ]),
  );
  const commits = new Map(
    given.components.map((c) => [
      c.name,
      (given.commits?.[c.name] ?? []).map((x) => ('commit' in x ? x : attributed(x))),
    ]),
  );
  return {
    head: { sha: headSha, branch: given.channel ? given.channel : 'main' },
    channel: given.channel ?? null,
    components: given.components,
    releases,
    commits,
    rules: { ...defaultPlanRules, ...given.rules },
    now: new Date('2026-11-02T10:00:00Z'),
  };
}
