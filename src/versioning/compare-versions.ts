import semver from 'semver';
import type { VersioningScheme } from '../workspace/component.js';
import { parseCalendarVersion } from './calendar-version.js';

/** Orders two versions of one scheme (negative when `a` is older). */
export function compareVersions(scheme: VersioningScheme, a: string, b: string): number {
  if (scheme.kind === 'semver') return semver.compare(a, b);
  const pa = parseCalendarVersion(scheme.format, a);
  const pb = parseCalendarVersion(scheme.format, b);
  const period = (pa?.period ?? '').localeCompare(pb?.period ?? '', 'en', { numeric: true });
  if (period !== 0) return period;
  const counter = (pa?.counter ?? 0) - (pb?.counter ?? 0);
  if (counter !== 0) return counter;
  // a pre-release sorts before its release, as in SemVer
  const preA = a.includes('-');
  const preB = b.includes('-');
  if (preA !== preB) return preA ? -1 : 1;
  return a.localeCompare(b, 'en', { numeric: true });
}

export function isVersionOf(scheme: VersioningScheme, version: string): boolean {
  return scheme.kind === 'semver'
    ? semver.valid(version) !== null
    : parseCalendarVersion(scheme.format, version) !== null;
}

/** The pre-release identifier (`rc` of 1.3.0-rc.2), or null for a stable version. */
export const prereleaseId = (version: string): string | null => {
  const match = /^[^-+]+-([0-9A-Za-z-]+)/.exec(version);
  return match?.[1] ?? null;
};
