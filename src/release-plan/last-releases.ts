import type { Component } from '../workspace/component.js';
import { compareVersions, isVersionOf, prereleaseId } from '../versioning/compare-versions.js';
import { tagMatcher, tagPrefix } from '../versioning/tag-format.js';
import { isAboveLine, type MaintenanceLine } from './maintenance-line.js';

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
  /**
   * The last released version: the higher of the newest stable tag and the version file's
   * (stable) version, so a stray old tag never takes a component backwards; the version file's
   * before the first tag.
   */
  current: string | null;
  /** No tag carries `current` (never tagged, or the version file is ahead of every tag): history starts where it was set. */
  untaggedCurrent: boolean;
  /**
   * On a maintenance line: the version file on this branch is above the line's range — the
   * component moved past the line here (create-vite at 9.x on vite's release/8.x), so
   * the line does not maintain it.
   */
  aboveLine?: boolean;
}

/**
 * Finds each component's last releases from the repository's tags. `reachable` are the tags
 * merged into the head (with their commits); `all` are every tag name, reachable or not.
 */
export function findLastReleases(
  components: readonly Component[],
  reachable: ReadonlyArray<{ name: string; commit: string }>,
  all: readonly string[],
  channel: string | null,
  line: MaintenanceLine | null = null,
): Map<string, ComponentReleases> {
  const result = new Map<string, ComponentReleases>();
  // Each component looks only at the tags that start with its format's prefix: with hundreds of
  // components and thousands of tags, matching every tag against every component dominated planning.
  const allByName = new SortedTags(all.map((name) => ({ name })));
  const reachableByName = new SortedTags(reachable);
  for (const component of components) {
    const versionOf = tagMatcher(component.tagFormat, component);
    // On a maintenance line the current version is the highest one the line could have released:
    // a 2.0.0 tag from the default branch is another line's, not this one's position.
    const onLine = (v: string) =>
      line === null || component.scheme.kind !== 'semver' || !isAboveLine(v, line);
    const prefix = tagPrefix(component.tagFormat, component);
    const released: string[] = [];
    for (const { name: tag } of allByName.startingWith(prefix)) {
      const version = versionOf(tag);
      if (version !== null && isVersionOf(component.scheme, version)) released.push(version);
    }
    let lastStable: ReleaseTag | null = null;
    let lastOnChannel: ReleaseTag | null = null;
    for (const { name: tag, commit } of reachableByName.startingWith(prefix)) {
      const version = versionOf(tag);
      if (version === null || !isVersionOf(component.scheme, version) || !onLine(version)) continue;
      const pre = prereleaseId(version);
      if (pre === null) {
        if (!lastStable || compareVersions(component.scheme, version, lastStable.version) > 0) {
          lastStable = { tag, version, commit };
        }
      } else if (channel !== null && pre === channel) {
        if (!lastOnChannel || compareVersions(component.scheme, version, lastOnChannel.version) > 0) {
          lastOnChannel = { tag, version, commit };
        }
      }
    }
    // A pre-release older than the last stable one is history, not the channel's position.
    if (
      lastOnChannel &&
      lastStable &&
      compareVersions(component.scheme, lastOnChannel.version, lastStable.version) < 0
    ) {
      lastOnChannel = null;
    }
    released.sort((a, b) => compareVersions(component.scheme, a, b));
    const file = component.version;
    const fileIsStable =
      file !== null && isVersionOf(component.scheme, file) && prereleaseId(file) === null && onLine(file);
    const fileAhead =
      lastStable !== null && fileIsStable && compareVersions(component.scheme, file, lastStable.version) > 0;
    // A pre-release below the version file's release is history too.
    if (fileAhead && lastOnChannel && compareVersions(component.scheme, lastOnChannel.version, file) < 0) {
      lastOnChannel = null;
    }
    const current = fileAhead ? file : (lastStable?.version ?? file);
    const untaggedCurrent = fileAhead || (lastStable === null && lastOnChannel === null);
    // The version file, not the tags: planning first takes every tag as reachable (a trunk's
    // case), and the default branch's tags above the line are not this branch's.
    const aboveLine =
      file !== null && isVersionOf(component.scheme, file) && prereleaseId(file) === null && !onLine(file);
    result.set(component.name, {
      lastStable,
      lastOnChannel,
      released,
      current,
      untaggedCurrent,
      ...(line ? { aboveLine } : {}),
    });
  }
  return result;
}

/** Tags sorted by name (UTF-16 order, the order `startsWith` agrees with): a prefix is one range. */
class SortedTags<T extends { name: string }> {
  private readonly sorted: T[];

  constructor(tags: readonly T[]) {
    this.sorted = [...tags].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  *startingWith(prefix: string): Generator<T> {
    let low = 0;
    let high = this.sorted.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((this.sorted[mid]?.name ?? '') < prefix) low = mid + 1;
      else high = mid;
    }
    for (let i = low; i < this.sorted.length; i++) {
      const tag = this.sorted[i] as T;
      if (!tag.name.startsWith(prefix)) return;
      yield tag;
    }
  }
}
