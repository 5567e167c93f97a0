import { readJsonFile } from './read-workspace-json.js';
import { globToRegExp } from './workspace-glob.js';

/**
 * What the release tools a monorepo already uses say about its packages: lerna.json (its package
 * globs and fixed or independent versioning) and nx.json `release` (which projects are released,
 * and whether they share one version). Read so that zero config plans as the maintainers release.
 */
export interface ReleaseToolSettings {
  /**
   * lerna.json, when present: its `packages` replace the package manager's workspaces for lerna,
   * and a version other than "independent" is fixed mode (one version for all).
   */
  lerna: { packages: string[] | null; fixed: boolean } | null;
  /** nx.json `release`, when the repository releases with Nx. */
  nx: NxRelease | null;
}

export interface NxRelease {
  /** Release groups: the top-level `projects` is one group named `nx.json`. */
  groups: Array<{ name: string; patterns: string[]; fixed: boolean }>;
}

/** A package as Nx sees it: its project name (package.json `nx.name`, else the package name) and tags. */
export interface NxProject {
  name: string;
  projectName: string;
  path: string;
  tags: string[];
}

const asPatterns = (value: unknown): string[] | null =>
  typeof value === 'string' ? [value] : Array.isArray(value) ? value.map(String) : null;

export async function readReleaseToolSettings(root: string): Promise<ReleaseToolSettings> {
  const lerna = (await readJsonFile(root, 'lerna.json')) as
    { packages?: unknown; version?: unknown } | undefined;
  const nx = (await readJsonFile(root, 'nx.json')) as { release?: Record<string, unknown> } | undefined;
  return {
    lerna: lerna
      ? {
          packages: asPatterns(lerna.packages),
          fixed: typeof lerna.version === 'string' && lerna.version !== 'independent',
        }
      : null,
    nx: nx?.release && typeof nx.release === 'object' ? parseNxRelease(nx.release) : null,
  };
}

function parseNxRelease(release: Record<string, unknown>): NxRelease {
  // Nx's default relationship is fixed: one version for every released project.
  const fixedOf = (value: unknown) => value !== 'independent';
  const groups = release.groups;
  if (groups && typeof groups === 'object') {
    return {
      groups: Object.entries(groups as Record<string, Record<string, unknown>>).map(([name, group]) => ({
        name: `nx.json/${name}`,
        patterns: asPatterns(group.projects) ?? [],
        fixed: fixedOf(group.projectsRelationship),
      })),
    };
  }
  return {
    groups: [
      {
        name: 'nx.json',
        patterns: asPatterns(release.projects) ?? ['*'],
        fixed: fixedOf(release.projectsRelationship),
      },
    ],
  };
}

/**
 * The projects Nx's `projects` patterns select: project names, globs of names or folders,
 * `tag:<tag>`, and `!` exclusions; only exclusions start from every project.
 */
export function matchNxProjects(patterns: readonly string[], projects: readonly NxProject[]): NxProject[] {
  const matches = (pattern: string, project: NxProject) => {
    if (pattern.startsWith('tag:')) return project.tags.includes(pattern.slice(4));
    if (pattern === project.projectName || pattern === project.name || pattern === project.path) return true;
    const glob = globToRegExp(pattern);
    return glob.test(project.projectName) || glob.test(project.name) || glob.test(project.path);
  };
  const include = patterns.filter((p) => !p.startsWith('!'));
  const exclude = patterns.filter((p) => p.startsWith('!')).map((p) => p.slice(1));
  return projects.filter(
    (project) =>
      (include.length === 0 || include.some((p) => matches(p, project))) &&
      !exclude.some((p) => matches(p, project)),
  );
}
