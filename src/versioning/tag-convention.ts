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
 * `v*` tag's (a lockstep repository such as typescript-eslint). No tags: the default stays.
 * Two conventions with tags: the one carrying the newest version, with a warning. Pure.
 */
export function inferTagConventions(
  components: readonly ConventionSubject[],
  tags: readonly string[],
): TagConventions {
  const index = indexByPrefix(tags);
  const semverScheme: VersioningScheme = { kind: 'semver' };
  const newestRepositoryVersion = (index.get('v') ?? [])
    .filter((v) => isVersionOf(semverScheme, v) && prereleaseId(v) === null)
    .reduce<string | null>((a, b) => (a === null || compareVersions(semverScheme, b, a) > 0 ? b : a), null);
  const byComponent = new Map<string, TagConvention>();
  const warnings: string[] = [];
  // Tag prefixes that spell a component's own name: another component's folder or unscoped name
  // may read the same (charts/api beside the api), but those tags are that component's.
  const ownPrefixes = new Map<string, string>();
  for (const c of components) {
    for (const format of ['{name}@{version}', '{name}-v{version}'])
      ownPrefixes.set(renderTag(format, c, ''), c.name);
  }
  for (const component of components) {
    if (component.tagFormatSource !== 'default') {
      byComponent.set(component.name, { format: component.tagFormat, source: 'configured' });
      continue;
    }
    const formats = [...ownConventions];
    const isRoot = components.length === 1 || component.paths.includes('');
    if (isRoot || (component.version !== null && component.version === newestRepositoryVersion)) {
      formats.push(repositoryConvention);
    }
    if (isRoot) formats.push('{version}');
    const present: Candidate[] = [];
    const seen = new Set<string>();
    for (const format of formats) {
      const prefix = renderTag(format, component, '');
      if (seen.has(prefix)) continue;
      const owner = ownPrefixes.get(prefix);
      if (owner !== undefined && owner !== component.name) continue;
      seen.add(prefix);
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
