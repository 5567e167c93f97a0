import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { configurationError } from '../relx-error.js';
import type { DependencyEdge } from './component.js';
import type { ComponentType } from './relx-config.js';
import type { VersionFileSpec } from '../version-files/read-version-file.js';
import { readJsonFile } from './read-workspace-json.js';
import {
  matchNxProjects,
  readReleaseToolSettings,
  type ReleaseToolSettings,
} from './release-tool-settings.js';
import { globToRegExp, isExcludedFolder } from './workspace-glob.js';
import {
  discoverCargo,
  discoverGo,
  discoverPython,
  type EcosystemDiscovery,
} from './discover-other-ecosystems.js';

/** A package of an npm, yarn or pnpm workspace, before it becomes a component. */
export interface WorkspacePackage {
  name: string;
  /** Folder relative to the root, POSIX, no trailing slash; '' for the root package. */
  path: string;
  version: string | null;
  private: boolean;
  /** Edges to other packages of the workspace only. */
  dependsOn: DependencyEdge[];
  /** Absent: an npm package. */
  type?: ComponentType;
  /** Absent: its type's own version file. */
  versionFiles?: VersionFileSpec[];
}

const dependencyFields = [
  'dependencies',
  'devDependencies',
  'peerDependencies',
  'optionalDependencies',
] as const;

interface PackageJson {
  name?: string;
  version?: string;
  private?: boolean;
  workspaces?: string[] | { packages?: string[] };
  nx?: { name?: string; tags?: string[] };
  [field: string]: unknown;
}

/** What discovery found, and what the repository's release tools say about it. */
export interface WorkspaceDiscovery {
  /** Sorted by folder. */
  packages: WorkspacePackage[];
  /** Where the package folders came from (`pnpm-workspace.yaml packages`), null for none. */
  source: string | null;
  /** The folders `exclude` left out (the topmost of each), not walked. */
  excluded: string[];
  /** Packages versioned together by lerna's fixed mode or Nx's fixed release groups. */
  lockstep: Array<{ name: string; components: string[] }>;
  /** Packages the repository's release tool does not release, with why. */
  notReleased: Map<string, string>;
}

const readPackageJson = async (root: string, file: string) =>
  (await readJsonFile(root, file)) as PackageJson | undefined;

/** The package folder globs and where they come from; lerna.json `packages` win, as in lerna. */
async function workspaceGlobs(
  root: string,
  rootPackage: PackageJson | undefined,
  tools: ReleaseToolSettings,
): Promise<{ globs: string[]; source: string } | null> {
  if (tools.lerna?.packages) return { globs: tools.lerna.packages, source: 'lerna.json packages' };
  let pnpm: string | null = null;
  try {
    pnpm = await readFile(join(root, 'pnpm-workspace.yaml'), 'utf8');
  } catch {
    // not a pnpm workspace
  }
  if (pnpm !== null) {
    const parsed = (parse(pnpm.replace(/^\uFEFF/, '')) ?? {}) as { packages?: unknown };
    const globs = Array.isArray(parsed.packages) ? parsed.packages.map(String) : [];
    return { globs, source: 'pnpm-workspace.yaml packages' };
  }
  const declared = rootPackage?.workspaces;
  if (Array.isArray(declared)) return { globs: declared, source: 'package.json workspaces' };
  if (declared && Array.isArray(declared.packages)) {
    return { globs: declared.packages, source: 'package.json workspaces.packages' };
  }
  // lerna without workspaces or `packages` reads packages/*
  if (tools.lerna) return { globs: ['packages/*'], source: 'lerna.json (default packages/*)' };
  return null;
}

/**
 * Folders (relative, POSIX) under `root` holding a package.json, skipping node_modules, dot
 * folders and excluded folders (which are not walked at all: fixtures can be large).
 */
async function packageFolders(
  root: string,
  maxDepth: number,
  excluded: readonly RegExp[],
): Promise<{ folders: string[]; excluded: string[] }> {
  const found: string[] = [];
  const left: string[] = [];
  const walk = async (relativeDir: string, depth: number) => {
    if (depth > maxDepth) return;
    const entries = await readdir(join(root, relativeDir), { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      if (entry.isFile() && entry.name === 'package.json' && relativeDir) found.push(relativeDir);
      if (entry.isDirectory() && entry.name !== 'node_modules' && !entry.name.startsWith('.')) {
        const folder = relativeDir ? `${relativeDir}/${entry.name}` : entry.name;
        if (isExcludedFolder(folder, excluded)) left.push(folder);
        else await walk(folder, depth + 1);
      }
    }
  };
  await walk('', 0);
  return { folders: found.sort(), excluded: left.sort() };
}

/**
 * Zero-config discovery: the packages of an npm, yarn, pnpm or lerna workspace with their
 * internal dependency edges, or the root package alone when the repository is not a workspace;
 * with lerna's and Nx's release settings. Folders matching `exclude` are left out.
 */
export async function discoverWorkspaces(
  root: string,
  options: { exclude?: readonly string[] } = {},
): Promise<WorkspaceDiscovery> {
  const rootPackage = await readPackageJson(root, 'package.json');
  const tools = await readReleaseToolSettings(root);
  const workspace = await workspaceGlobs(root, rootPackage, tools);
  const manifests: Array<{ path: string; json: PackageJson }> = [];
  let excludedFolders: string[] = [];
  if (workspace === null) {
    if (rootPackage?.name) manifests.push({ path: '', json: rootPackage });
  } else {
    const { globs } = workspace;
    const include = globs.filter((g) => !g.startsWith('!')).map(globToRegExp);
    const negated = globs.filter((g) => g.startsWith('!')).map((g) => globToRegExp(g.slice(1)));
    const depth = Math.max(
      1,
      ...globs.map((g) => (g.includes('**') ? 8 : g.split('/').filter(Boolean).length)),
    );
    const walked = await packageFolders(root, depth, (options.exclude ?? []).map(globToRegExp));
    excludedFolders = walked.excluded;
    for (const folder of walked.folders) {
      if (!include.some((r) => r.test(folder)) || negated.some((r) => r.test(folder))) continue;
      const json = await readPackageJson(root, `${folder}/package.json`);
      if (json?.name) manifests.push({ path: folder, json });
    }
  }
  assertUniqueNames(manifests);
  const names = new Set(manifests.map((m) => m.json.name as string));
  const packages = manifests.map(({ path, json }) => ({
    name: json.name as string,
    path,
    version: typeof json.version === 'string' ? json.version : null,
    private: json.private === true,
    dependsOn: dependencyFields.flatMap((kind) =>
      Object.entries((json[kind] as Record<string, string> | undefined) ?? {})
        .filter(([dependency]) => names.has(dependency) && dependency !== json.name)
        .map(([dependency, range]) => ({ name: dependency, kind, range })),
    ),
  }));
  const npmGroups = releaseToolGroups(tools, manifests);
  const others = await discoverOtherEcosystems(root, options.exclude ?? [], packages);
  return {
    packages: [...packages, ...others.packages],
    source: workspace?.source ?? (manifests.length > 0 ? 'package.json at the root' : null),
    excluded: excludedFolders,
    lockstep: [...npmGroups.lockstep, ...others.lockstep],
    notReleased: npmGroups.notReleased,
  };
}

/**
 * Cargo crates, Go modules and Python projects beside the npm packages, each with its own
 * version file; a name found twice (in two ecosystems) is refused, naming both files.
 */
async function discoverOtherEcosystems(
  root: string,
  exclude: readonly string[],
  npmPackages: readonly WorkspacePackage[],
): Promise<EcosystemDiscovery> {
  const excluded = exclude.map(globToRegExp);
  const found = await Promise.all([
    discoverCargo(root, excluded),
    discoverGo(root, excluded),
    discoverPython(root, excluded),
  ]);
  // One component per folder: where an npm package is, it stays the component (as before
  // other ecosystems were discovered); the config can declare the other one elsewhere.
  const npmFolders = new Set(npmPackages.map((p) => p.path));
  const packages = found.flatMap((f) => f.packages).filter((p) => !npmFolders.has(p.path));
  const fileOf = (p: WorkspacePackage) =>
    p.versionFiles?.[0]?.file ?? (p.path ? `${p.path}/package.json` : 'package.json');
  const seen = new Map(npmPackages.map((p) => [p.name, p]));
  for (const p of packages) {
    const other = seen.get(p.name);
    if (other) {
      throw configurationError(
        `Two components are named ${p.name}: in ${fileOf(other)} and in ${fileOf(p)}.`,
        {
          file: fileOf(p),
          field: 'name',
          fix: `Rename one, or leave one folder out with \`exclude\` in relx.config.yaml, e.g. exclude: [${JSON.stringify(p.path || fileOf(p))}].`,
        },
      );
    }
    seen.set(p.name, p);
  }
  return { packages, lockstep: found.flatMap((f) => f.lockstep) };
}

/** Every name used twice, with both folders, and the `exclude` that leaves the copies out. */
function assertUniqueNames(manifests: ReadonlyArray<{ path: string; json: PackageJson }>): void {
  const folders = new Map<string, string[]>();
  for (const { path, json } of manifests) {
    const name = json.name as string;
    folders.set(name, [...(folders.get(name) ?? []), path]);
  }
  const twice = [...folders].filter(([, paths]) => paths.length > 1);
  const [first] = twice;
  if (!first) return;
  // Suggest leaving out the deeper folder of each pair: fixtures sit below what they test.
  const depth = (path: string) => path.split('/').length;
  const copies = twice.flatMap(([, paths]) =>
    [...paths].sort((a, b) => depth(a) - depth(b) || a.localeCompare(b)).slice(1),
  );
  const listed = twice
    .slice(0, 10)
    .map(([name, paths]) => `${name}: ${paths.map((p) => `"${p}"`).join(' and ')}`);
  if (twice.length > 10) listed.push(`… and ${twice.length - 10} more`);
  const message =
    twice.length === 1
      ? `${first[1].length === 2 ? 'Two' : first[1].length} workspace packages are named ${first[0]}: ${first[1].map((p) => `"${p}"`).join(' and ')}.`
      : `${twice.length} package names are used by more than one workspace package:\n  ${listed.join('\n  ')}`;
  throw configurationError(message, {
    file: `${(first[1] as string[])[1]}/package.json`,
    field: 'name',
    fix: `Leave out the folders that are not released (test fixtures, playgrounds, examples) with \`exclude\` in relx.config.yaml, e.g. exclude: [${copies
      .slice(0, 10)
      .map((p) => JSON.stringify(p))
      .join(', ')}] (globs such as "playground/**" work), or give each package its own name.`,
  });
}

/** Lockstep groups and unreleased packages, as lerna.json and nx.json `release` declare them. */
function releaseToolGroups(
  tools: ReleaseToolSettings,
  manifests: ReadonlyArray<{ path: string; json: PackageJson }>,
): Pick<WorkspaceDiscovery, 'lockstep' | 'notReleased'> {
  const lockstep: WorkspaceDiscovery['lockstep'] = [];
  const notReleased = new Map<string, string>();
  const all = manifests.map((m) => m.json.name as string);
  if (tools.lerna?.fixed) lockstep.push({ name: 'lerna.json', components: all });
  if (tools.nx) {
    const projects = manifests.map(({ path, json }) => ({
      name: json.name as string,
      projectName: json.nx?.name ?? (json.name as string),
      path,
      tags: Array.isArray(json.nx?.tags) ? json.nx.tags.map(String) : [],
    }));
    const grouped = new Set<string>();
    for (const group of tools.nx.groups) {
      const members = matchNxProjects(group.patterns, projects).map((p) => p.name);
      for (const m of members) grouped.add(m);
      if (group.fixed) lockstep.push({ name: group.name, components: members });
    }
    const field = tools.nx.groups.some((g) => g.name !== 'nx.json') ? 'groups' : 'projects';
    for (const name of all) {
      if (!grouped.has(name)) notReleased.set(name, `not in nx.json release.${field}`);
    }
  }
  return { lockstep, notReleased };
}
