import type { VersioningScheme } from '../workspace/component.js';
import { compareVersions, isVersionOf, prereleaseId } from './compare-versions.js';
import { renderTag } from './tag-format.js';

/** Where a component's tag format came from. */
export type TagFormatSource = 'configured' | 'inferred' | 'default';

export interface TagConvention {
  format: string;
  source: TagFormatSource;
}

export interface ConventionSubject {
  name: string;
  paths: readonly string[];
  version: string | null;
  scheme: VersioningScheme;
  /** The configured format, or the default when `tagFormatSource` is 'default'. */
  tagFormat: string;
  /** 'default' when no tagFormat was configured for it: only then is the convention inferred. */
  tagFormatSource?: 'configured' | 'default';
}

export interface TagConventions {
  byComponent: Map<string, TagConvention>;
  /**
   * Components that inferred the repository-wide `v{version}`: one tag marks all of them, so
   * they can only release together, at one version. Empty unless at least two.
   */
  lockstep: string[];
  /** Components whose tags follow more than one convention, spelled out. */
  warnings: string[];
}

/** Conventions tried for each component, most specific first (release-please's `{unscopedName}-v`). */
const ownConventions = [
  '{name}@{version}',
  '{name}-v{version}',
  '{unscopedName}-v{version}',
  '{unscopedName}@{version}',
  '{dir}-v{version}',
  '{dir}@{version}',
];
export const repositoryConvention = 'v{version}';

/** Every tag split at each point where a version could start: prefix → the versions after it. */
function indexByPrefix(tags: readonly string[]): Map<string, string[]> {
  const index = new Map<string, string[]>();
  for (const tag of tags) {
    for (let i = 0; i < tag.length; i++) {
      const digit = tag.charCodeAt(i) >= 48 && tag.charCodeAt(i) <= 57;
      if (!digit || (i > 0 && /[0-9]/.test(tag[i - 1] ?? ''))) continue;
      const prefix = tag.slice(0, i);
      const list = index.get(prefix);
      if (list) list.push(tag.slice(i));
      else index.set(prefix, [tag.slice(i)]);
    }
  }
  return index;
}

interface Candidate {
  format: string;
  count: number;
  newest: string;
}

/**
 * Infers, for each component without a configured tag format, the convention its existing tags
 * follow: its own name in the usual forms, its unscoped name, its folder, or `v{version}` —
 * for a single component, the repository root, or the components whose version is the newest
 * `v*` tag of its major (a lockstep repository such as typescript-eslint; vite's main package,
 * on main and on its maintenance branches). No tags: the default stays.
 * Two conventions with tags: the one carrying the newest version, with a warning. Pure.
 */
export function inferTagConventions(
  components: readonly ConventionSubject[],
  tags: readonly string[],
): TagConventions {
  const index = indexByPrefix(tags);
  const semverScheme: VersioningScheme = { kind: 'semver' };
  // The newest `v*` version of each major: a maintenance branch (vite's v7 line, at 7.3.6 while
  // main tags v8) holds the newest of its own major, never the newest of all; a lockstep repository
  // between pre-releases (vitest at 5.0.0-rc.2) holds the newest pre-release.
  const newestStable = new Map<string, string>();
  const newestAny = new Map<string, string>();
  const keepNewer = (map: Map<string, string>, major: string, v: string) => {
    const known = map.get(major);
    if (known === undefined || compareVersions(semverScheme, v, known) > 0) map.set(major, v);
  };
  for (const v of index.get('v') ?? []) {
    if (!isVersionOf(semverScheme, v)) continue;
    const major = v.split('.')[0] ?? v;
    keepNewer(newestAny, major, v);
    if (prereleaseId(v) === null) keepNewer(newestStable, major, v);
  }
  const isNewestRepositoryVersion = (version: string | null) => {
    if (version === null) return false;
    const major = version.split('.')[0] ?? version;
    return prereleaseId(version) === null
      ? newestStable.get(major) === version
      : newestAny.get(major) === version;
  };
  const byComponent = new Map<string, TagConvention>();
  const warnings: string[] = [];
  const claimed = claimedPrefixes(components);
  for (const component of components) {
    if (component.tagFormatSource !== 'default') {
      byComponent.set(component.name, { format: component.tagFormat, source: 'configured' });
      continue;
    }
    const formats = [...ownConventions];
    const isRoot = components.length === 1 || component.paths.includes('');
    if (isRoot || isNewestRepositoryVersion(component.version)) {
      formats.push(repositoryConvention);
    }
    if (isRoot) formats.push('{version}');
    const present: Candidate[] = [];
    const seen = new Set<string>();
    for (const format of formats) {
      const prefix = renderTag(format, component, '');
      if (seen.has(prefix)) continue;
      seen.add(prefix);
      // `api@1.2.0` is the tag of the component named api, not of a chart in charts/api
      const owner = claimed.get(prefix);
      if (owner !== undefined && owner !== component.name) continue;
      const versions = (index.get(prefix) ?? []).filter((v) => isVersionOf(component.scheme, v));
      if (versions.length === 0) continue;
      const newest = versions.reduce((a, b) => (compareVersions(component.scheme, b, a) > 0 ? b : a));
      present.push({ format, count: versions.length, newest });
    }
    if (present.length === 0) {
      byComponent.set(component.name, { format: component.tagFormat, source: 'default' });
      continue;
    }
    const chosen = present.reduce((a, b) => {
      const order = compareVersions(component.scheme, b.newest, a.newest);
      return order > 0 || (order === 0 && b.count > a.count) ? b : a;
    });
    byComponent.set(component.name, { format: chosen.format, source: 'inferred' });
    if (present.length > 1) warnings.push(ambiguityWarning(component, present, chosen));
  }
  const lockstep = components
    .filter((c) => byComponent.get(c.name)?.format === repositoryConvention)
    .filter((c) => byComponent.get(c.name)?.source === 'inferred')
    .map((c) => c.name);
  return { byComponent, lockstep: lockstep.length >= 2 ? lockstep : [], warnings };
}

/**
 * The tag prefixes a component's own name (or its configured format) spells: another component's
 * folder or unscoped name that happens to spell the same prefix must not take its tags.
 */
function claimedPrefixes(components: readonly ConventionSubject[]): Map<string, string> {
  const claimed = new Map<string, string>();
  for (const component of components) {
    const own = ['{name}@{version}', '{name}-v{version}'];
    if (component.tagFormatSource !== 'default') own.push(component.tagFormat);
    for (const format of own) {
      const prefix = renderTag(format, component, '');
      if (prefix !== '' && prefix !== 'v') claimed.set(prefix, component.name);
    }
  }
  return claimed;
}

function ambiguityWarning(component: ConventionSubject, present: Candidate[], chosen: Candidate): string {
  const listed = present
    .map((c) => `"${c.format}" (${c.count} tag(s), newest ${renderTag(c.format, component, c.newest)})`)
    .join(' and ');
  return (
    `${component.name}: its tags follow ${present.length} conventions, ${listed}; ` +
    `using "${chosen.format}", which carries the newest version. ` +
    `To choose, set tagFormat for ${component.name} in relx.config.yaml.`
  );
}

/**
 * The components with the tag format each follows: inferred from `tags` where none is
 * configured. Planning and reading a release back (publish) use this one function, so the tag a
 * plan writes is the tag publish finds.
 */
export function withInferredTagFormats<C extends ConventionSubject>(
  components: readonly C[],
  tags: readonly string[],
): { components: C[]; conventions: TagConventions } {
  const conventions = inferTagConventions(components, tags);
  return {
    components: components.map((c) => ({
      ...c,
      tagFormat: conventions.byComponent.get(c.name)?.format ?? c.tagFormat,
    })),
    conventions,
  };
}
