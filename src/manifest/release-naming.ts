import semver from 'semver';
import { configurationError } from '../relx-error.js';
import { releaseNamePattern } from './release-manifest.js';

/**
 * How a release is named, configured: its own SemVer version (from the largest bump since the
 * previous release, or a named product component's version), CalVer `YYYY.MM.N`, a sequence
 * number, or a given name.
 */
export type ReleaseNaming =
  | { scheme: 'semver'; product?: string; initialVersion?: string }
  | { scheme: 'calver' }
  | { scheme: 'sequence' }
  | { scheme: 'name'; name: string };

export const namingSchemes = ['semver', 'calver', 'sequence', 'name'] as const;

export type ReleaseBump = 'major' | 'minor' | 'patch' | 'none';
const bumpOrder: ReleaseBump[] = ['none', 'patch', 'minor', 'major'];

/** The bump from one component version to the next: a new component counts as minor. */
export function componentBump(previous: string | null, next: string): ReleaseBump {
  if (previous === null) return 'minor';
  if (previous === next) return 'none';
  if (!semver.valid(previous) || !semver.valid(next)) return 'patch';
  const diff = semver.diff(previous, next);
  if (diff === 'major' || diff === 'premajor') return 'major';
  if (diff === 'minor' || diff === 'preminor') return 'minor';
  return diff === null ? 'none' : 'patch';
}

export function largestBump(bumps: readonly ReleaseBump[]): ReleaseBump {
  return bumps.reduce<ReleaseBump>((a, b) => (bumpOrder.indexOf(b) > bumpOrder.indexOf(a) ? b : a), 'none');
}

export interface NamingContext {
  previous: string | null;
  /** Names of the manifests that exist already (for CalVer's counter). */
  existingNames: readonly string[];
  /** The largest bump among the components released now, against the previous release. */
  bump: ReleaseBump;
  /** Every component's version in this release, for a named product component. */
  versions: ReadonlyMap<string, string>;
  now: Date;
}

/** The name of this release under `naming`. */
export function nameRelease(naming: ReleaseNaming, context: NamingContext): string {
  const name = releaseNameFor(naming, context);
  if (!releaseNamePattern.test(name)) {
    throw configurationError(`"${name}" cannot name a release: it becomes a file name.`, {
      field: 'name',
      fix: 'Use letters, digits, ., _ and - only, starting with a letter or digit.',
    });
  }
  return name;
}

function releaseNameFor(naming: ReleaseNaming, context: NamingContext): string {
  switch (naming.scheme) {
    case 'name':
      return naming.name;
    case 'semver':
      return semverName(naming, context);
    case 'calver': {
      const period = `${context.now.getUTCFullYear()}.${context.now.getUTCMonth() + 1}`;
      const counters = [...context.existingNames, ...(context.previous ? [context.previous] : [])]
        .map((n) => (n.startsWith(`${period}.`) ? n.slice(period.length + 1) : ''))
        .filter((n) => /^\d+$/.test(n))
        .map(Number);
      return `${period}.${counters.length === 0 ? 0 : Math.max(...counters) + 1}`;
    }
    case 'sequence': {
      if (context.previous === null) return '1';
      if (!/^\d+$/.test(context.previous)) {
        throw configurationError(`The previous release "${context.previous}" is not a sequence number.`, {
          field: 'naming',
          fix: 'Keep the naming scheme of the previous releases, or name this release explicitly.',
        });
      }
      return String(Number(context.previous) + 1);
    }
  }
}

function semverName(naming: { product?: string; initialVersion?: string }, context: NamingContext): string {
  if (naming.product !== undefined) {
    const version = context.versions.get(naming.product);
    if (version === undefined) {
      throw configurationError(`The product component "${naming.product}" is not in this release.`, {
        field: 'naming.product',
        fix: `Name one of: ${[...context.versions.keys()].sort().join(', ')}.`,
      });
    }
    return version;
  }
  if (context.previous === null) return naming.initialVersion ?? '1.0.0';
  if (!semver.valid(context.previous)) {
    throw configurationError(`The previous release "${context.previous}" is not a SemVer version.`, {
      field: 'naming',
      fix: 'Keep the naming scheme of the previous releases, or name this release explicitly.',
    });
  }
  const bump = context.bump === 'none' ? 'patch' : context.bump;
  return semver.inc(context.previous, bump) ?? context.previous;
}
