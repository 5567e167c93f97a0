import semver from 'semver';
import type { BumpLevel } from '../workspace/relx-config.js';
import type { VersioningScheme } from '../workspace/component.js';
import { nextCalendarVersion } from './calendar-version.js';

export interface NextVersionInput {
  scheme: VersioningScheme;
  /** The last stable version (from the last stable tag, or the version file before the first release). */
  current: string | null;
  bump: Exclude<BumpLevel, 'none'>;
  /** Pre-release identifier of the channel (`rc`), or null for a stable release. */
  prerelease: string | null;
  /** Versions already released on this component (any channel), to number pre-releases. */
  released: readonly string[];
  now: Date;
}

/**
 * The next version of a component. Stable: the bump applied to the last stable version.
 * Pre-release: the same target version with `-<id>.N`, N one past the highest already released
 * for that target (1.3.0-rc.0, 1.3.0-rc.1, …); promotion to stable is the stable path, which
 * turns 1.3.0-rc.N into 1.3.0.
 */
export function nextVersion(input: NextVersionInput): string {
  const target =
    input.scheme.kind === 'calver'
      ? nextCalendarVersion(input.scheme.format, input.current, input.now)
      : nextSemver(input.current ?? '0.0.0', input.bump);
  if (input.prerelease === null) return target;
  const prefix = `${target}-${input.prerelease}.`;
  const taken = input.released
    .filter((v) => v.startsWith(prefix))
    .map((v) => Number(v.slice(prefix.length)))
    .filter((n) => Number.isInteger(n) && n >= 0);
  const n = taken.length === 0 ? 0 : Math.max(...taken) + 1;
  return `${prefix}${n}`;
}

function nextSemver(current: string, bump: Exclude<BumpLevel, 'none'>): string {
  // semver.inc drops build metadata and finishes a pre-release: inc('1.3.0-rc.2', 'minor') is 1.3.0.
  const next = semver.inc(current, bump);
  if (next === null) throw new Error(`not a SemVer version: ${current}`);
  return next;
}
