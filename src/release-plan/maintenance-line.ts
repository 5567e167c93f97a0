import semver from 'semver';
import { inputError } from '../relx-error.js';
import type { Component } from '../workspace/component.js';
import type { RelxConfig } from '../workspace/relx-config.js';
import type { ComponentReleases } from './last-releases.js';

/**
 * The line a branch releases on when it is not the default branch's open-ended one: a maintenance
 * branch (`release/1.x`) or a release train's branch (`release/v1.4`). Pure data, decided from the
 * branch name and the config; the planner keeps versions inside `range`, publishing reads `distTag`.
 */
export interface MaintenanceLine {
  branch: string;
  /** A SemVer range, e.g. `>=1.0.0 <2.0.0`. */
  range: string;
  /** The range holds no next minor: fixes only. */
  patchOnly: boolean;
  /** The configured dist-tag, or null: `latest` for the highest version of the component, else `release-<segment>`. */
  distTag: string | null;
  /** The dist-tag a version below the component's highest one gets when none is configured. */
  fallbackDistTag: string;
  /** Set on a release train's branch. */
  train: { name: string; version: string; components: string[] } | null;
}

export type LineConfig = Pick<RelxConfig, 'maintenance' | 'trains'>;

const globToRegExp = (glob: string) =>
  new RegExp(`^${glob.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*')}$`);

/** `release/v{major}.{minor}` → a pattern capturing both numbers. */
export function trainBranchPattern(template: string): RegExp {
  const escaped = template.replace(/[.+?^$()|[\]\\*]/g, '\\$&');
  return new RegExp(`^${escaped.replace('{major}', '(?<major>\\d+)').replace('{minor}', '(?<minor>\\d+)')}$`);
}

export const trainBranchName = (template: string, major: number, minor: number) =>
  template.replace('{major}', String(major)).replace('{minor}', String(minor));

/** The range a branch name implies: `1.x`, `v1` → `>=1.0.0 <2.0.0`; `1.4.x`, `v1.4` → `>=1.4.0 <1.5.0`; else null. */
export function rangeFromBranchName(branch: string): string | null {
  const segment = branch.split('/').pop() ?? branch;
  const major = /^v?(\d+)(?:\.x(?:\.x)?)?$/.exec(segment);
  if (major) return `>=${major[1]}.0.0 <${Number(major[1]) + 1}.0.0`;
  const minor = /^v?(\d+)\.(\d+)(?:\.x)?$/.exec(segment);
  if (minor) return `>=${minor[1]}.${minor[2]}.0 <${minor[1]}.${Number(minor[2]) + 1}.0`;
  return null;
}

/** The line `branch` releases on, or null (the default branch and unlisted branches are open-ended). */
export function resolveMaintenanceLine(branch: string | null, config: LineConfig): MaintenanceLine | null {
  if (branch === null) return null;
  const segment = (branch.split('/').pop() ?? branch).replace(/^v/, '');
  for (const train of config.trains) {
    const match = trainBranchPattern(train.branch).exec(branch);
    if (!match?.groups) continue;
    const version = `${Number(match.groups.major)}.${Number(match.groups.minor)}`;
    return {
      branch,
      range: rangeFromBranchName(`v${version}`) as string,
      patchOnly: true,
      distTag: null,
      fallbackDistTag: `release-${segment}`,
      train: { name: train.name, version, components: [...train.components] },
    };
  }
  const index = config.maintenance.findIndex((l) => globToRegExp(l.branch).test(branch));
  const line = config.maintenance[index];
  if (!line) return null;
  const field = `maintenance[${index}].range`;
  const range = line.range ?? rangeFromBranchName(branch);
  if (range === null) {
    throw inputError(
      `Branch ${branch} matches maintenance line "${line.branch}", but its name says no version range.`,
      {
        field,
        fix: `Name the branch after its line (release/1.x, release/1.4.x, release/v1.4) or set ${field}, e.g. ">=1.0.0 <2.0.0".`,
      },
    );
  }
  const min = semver.validRange(range) ? semver.minVersion(range) : null;
  if (!min || !Number.isFinite(upperMajor(range))) {
    throw inputError(`${field} "${range}" is not a bounded SemVer range.`, {
      field,
      fix: 'Give a range with an upper bound, e.g. ">=1.0.0 <2.0.0" or ">=1.4.0 <1.5.0"; a line never releases a new major.',
    });
  }
  return {
    branch,
    range,
    patchOnly: !semver.satisfies(semver.inc(min, 'minor') ?? '', range),
    distTag: line.distTag ?? null,
    fallbackDistTag: `release-${segment}`,
    train: null,
  };
}

/** A large version no bounded range reaches: Infinity when the range is open above. */
function upperMajor(range: string): number {
  return semver.satisfies('999999.0.0', range) ? Infinity : 0;
}

/** A version the line does not release past: above every version of its range. */
export const isAboveLine = (version: string, line: MaintenanceLine) =>
  semver.valid(version) !== null && semver.gtr(version, line.range, { includePrerelease: true });

export const isInLine = (version: string, line: MaintenanceLine) =>
  semver.satisfies(version, line.range, { includePrerelease: true });

/**
 * The components a maintenance line does not maintain, held (as `notReleased`, which the plan
 * shows): a SemVer component whose current version lies outside the line's range — a package
 * added after the line was cut, never tagged, on an older major, or one this branch already took
 * past the line (its version file above the range). The range then never refuses the
 * whole plan for a component the line was not cut for. A train's line names its components itself.
 */
export function holdOutsideLine(
  components: readonly Component[],
  releases: ReadonlyMap<string, ComponentReleases>,
  line: MaintenanceLine | null,
): Component[] {
  if (line === null || line.train) return [...components];
  const why = `not on ${line.branch}: its version is outside the line's range ${line.range}, so it releases from the default branch`;
  return components.map((c) => {
    if (c.notReleased || c.scheme.kind !== 'semver') return c;
    const r = releases.get(c.name);
    if (r?.aboveLine) return { ...c, notReleased: why };
    const current = r?.current ?? c.version;
    const bare = current === null ? null : (current.split('+')[0] ?? current);
    return bare !== null && semver.valid(bare) !== null && isInLine(bare, line)
      ? c
      : { ...c, notReleased: why };
  });
}

/**
 * The npm dist-tag of `version` released on `line`: the configured one, else `latest` when it is
 * the highest stable version among `allVersions` (every tag of the component), else the line's own
 * tag. `latest` never goes to a version below another stable tag: npm installs `latest` by default.
 */
export function lineDistTag(line: MaintenanceLine, version: string, allVersions: readonly string[]): string {
  const highest = allVersions
    .filter((v) => semver.valid(v) && semver.prerelease(v) === null)
    .every((v) => semver.compare(v, version) <= 0);
  const wanted = line.distTag ?? (highest ? 'latest' : line.fallbackDistTag);
  if (wanted === 'latest' && !highest) {
    const above = allVersions
      .filter((v) => semver.valid(v) && semver.gt(v, version))
      .sort(semver.rcompare)[0];
    throw inputError(
      `${version} from ${line.branch} would move npm's latest below ${above}, the component's highest version.`,
      {
        field: 'maintenance[].distTag',
        fix: `Remove distTag: latest from the line, or give it its own tag (e.g. ${line.fallbackDistTag}); latest stays on ${above}.`,
      },
    );
  }
  return wanted;
}

/** The branch GitHub ran for when the checkout is detached: GITHUB_REF_NAME of a branch ref. */
export function branchFromGitHubRef(env: Readonly<Record<string, string | undefined>>): string | null {
  return env.GITHUB_REF?.startsWith('refs/heads/') ? (env.GITHUB_REF_NAME ?? env.GITHUB_REF.slice(11)) : null;
}
