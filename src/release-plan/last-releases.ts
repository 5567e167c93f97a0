import semver from 'semver';
import type { Component } from '../workspace/component.js';
import { parseCalendarVersion } from '../versioning/calendar-version.js';
import { tagMatcher } from '../versioning/tag-format.js';

export interface ReleaseTag {
  tag: string;
  version: string;
  commit: string;
}

export interface ComponentReleases {
  /** The newest stable release reachable from the head: bumps are decided from it. */
  lastStable: ReleaseTag | null;
  /** On a pre-release channel, the newest pre-release of that channel reachable from the head. */
  lastOnChannel: ReleaseTag | null;
  /** Every version of this component tagged anywhere in the repository, to number pre-releases without collisions. */
  released: string[];
}

function compareVersions(component: Component, a: string, b: string): number {
  if (component.scheme.kind === 'semver') return semver.compare(a, b);
  const pa = parseCalendarVersion(component.scheme.format, a);
  const pb = parseCalendarVersion(component.scheme.format, b);
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

function isVersionOf(component: Component, version: string): boolean {
  return component.scheme.kind === 'semver'
    ? semver.valid(version) !== null
    : parseCalendarVersion(component.scheme.format, version) !== null;
}

const prereleaseId = (version: string): string | null => {
  const match = /^[^-+]+-([0-9A-Za-z-]+)/.exec(version);
  return match?.[1] ?? null;
};

/**
 * Finds each component's last releases from the repository's tags. `reachable` are the tags
 * merged into the head (with their commits); `all` are every tag name, reachable or not.
 */
export function findLastReleases(
  components: readonly Component[],
  reachable: ReadonlyArray<{ name: string; commit: string }>,
  all: readonly string[],
  channel: string | null,
): Map<string, ComponentReleases> {
  const result = new Map<string, ComponentReleases>();
  for (const component of components) {
    const versionOf = tagMatcher(component.tagFormat, component.name);
    const released: string[] = [];
    for (const tag of all) {
      const version = versionOf(tag);
      if (version !== null && isVersionOf(component, version)) released.push(version);
    }
    let lastStable: ReleaseTag | null = null;
    let lastOnChannel: ReleaseTag | null = null;
    for (const { name: tag, commit } of reachable) {
      const version = versionOf(tag);
      if (version === null || !isVersionOf(component, version)) continue;
      const pre = prereleaseId(version);
      if (pre === null) {
        if (!lastStable || compareVersions(component, version, lastStable.version) > 0) {
          lastStable = { tag, version, commit };
        }
      } else if (channel !== null && pre === channel) {
        if (!lastOnChannel || compareVersions(component, version, lastOnChannel.version) > 0) {
          lastOnChannel = { tag, version, commit };
        }
      }
    }
    // A pre-release older than the last stable one is history, not the channel's position.
    if (
      lastOnChannel &&
      lastStable &&
      compareVersions(component, lastOnChannel.version, lastStable.version) < 0
    ) {
      lastOnChannel = null;
    }
    released.sort((a, b) => compareVersions(component, a, b));
    result.set(component.name, { lastStable, lastOnChannel, released });
  }
  return result;
}
