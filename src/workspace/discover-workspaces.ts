import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { configurationError } from '../relx-error.js';
import type { DependencyEdge } from './component.js';

/** A package of an npm, yarn or pnpm workspace, before it becomes a component. */
export interface WorkspacePackage {
  name: string;
  /** Folder relative to the root, POSIX, no trailing slash; '' for the root package. */
  path: string;
  version: string | null;
  private: boolean;
  /** Edges to other packages of the workspace only. */
  dependsOn: DependencyEdge[];
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
  [field: string]: unknown;
}

async function readJson(root: string, file: string): Promise<PackageJson | null> {
  let text: string;
  try {
    text = await readFile(join(root, file), 'utf8');
  } catch {
    return null;
  }
  try {
    return JSON.parse(text) as PackageJson;
  } catch (error) {
    throw configurationError(`not valid JSON: ${(error as Error).message}`, {
      file,
      fix: 'Fix the JSON syntax.',
    });
  }
}

/** The workspace globs: package.json `workspaces` (npm, yarn) and pnpm-workspace.yaml `packages`. */
async function workspaceGlobs(root: string, rootPackage: PackageJson | null): Promise<string[] | null> {
  let pnpm: string | null = null;
  try {
    pnpm = await readFile(join(root, 'pnpm-workspace.yaml'), 'utf8');
  } catch {
    // not a pnpm workspace
  }
  if (pnpm !== null) {
    const parsed = (parse(pnpm) ?? {}) as { packages?: unknown };
    return Array.isArray(parsed.packages) ? parsed.packages.map(String) : [];
  }
  const declared = rootPackage?.workspaces;
  if (Array.isArray(declared)) return declared;
  if (declared && Array.isArray(declared.packages)) return declared.packages;
  return null;
}

/** A workspace glob as a regular expression: `*` within one folder name, `**` across folders. */
function globToRegExp(glob: string): RegExp {
  const parts = glob.replace(/^\.\//, '').replace(/\/+$/, '').split('/');
  const source = parts
    .map((part, i) => {
      const last = i === parts.length - 1;
      if (part === '**') return last ? '.*' : '(?:[^/]+/)*';
      const segment = part
        .split('*')
        .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
        .join('[^/]*');
      return last ? segment : `${segment}/`;
    })
    .join('');
  return new RegExp(`^${source}$`);
}

/** Folders (relative, POSIX) under `root` holding a package.json, skipping node_modules and dot folders. */
async function packageFolders(root: string, maxDepth: number): Promise<string[]> {
  const found: string[] = [];
  const walk = async (relativeDir: string, depth: number) => {
    if (depth > maxDepth) return;
    const entries = await readdir(join(root, relativeDir), { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      if (entry.isFile() && entry.name === 'package.json' && relativeDir) found.push(relativeDir);
      if (entry.isDirectory() && entry.name !== 'node_modules' && !entry.name.startsWith('.')) {
        await walk(relativeDir ? `${relativeDir}/${entry.name}` : entry.name, depth + 1);
      }
    }
  };
  await walk('', 0);
  return found.sort();
}

/**
 * Zero-config discovery: the packages of an npm, yarn or pnpm workspace with their internal
 * dependency edges, or the root package alone when the repository is not a workspace.
 */
export async function discoverWorkspaces(root: string): Promise<WorkspacePackage[]> {
  const rootPackage = await readJson(root, 'package.json');
  const globs = await workspaceGlobs(root, rootPackage);
  const manifests: Array<{ path: string; json: PackageJson }> = [];
  if (globs === null) {
    if (rootPackage?.name) manifests.push({ path: '', json: rootPackage });
  } else {
    const include = globs.filter((g) => !g.startsWith('!')).map(globToRegExp);
    const exclude = globs.filter((g) => g.startsWith('!')).map((g) => globToRegExp(g.slice(1)));
    const depth = Math.max(
      1,
      ...globs.map((g) => (g.includes('**') ? 8 : g.split('/').filter(Boolean).length)),
    );
    for (const folder of await packageFolders(root, depth)) {
      if (!include.some((r) => r.test(folder)) || exclude.some((r) => r.test(folder))) continue;
      const json = await readJson(root, `${folder}/package.json`);
      if (json?.name) manifests.push({ path: folder, json });
    }
  }
  const names = new Set<string>();
  for (const { path, json } of manifests) {
    const name = json.name as string;
    if (names.has(name)) {
      const first = manifests.find((m) => m.json.name === name)?.path;
      throw configurationError(`Two workspace packages are named ${name}: "${first}" and "${path}".`, {
        file: `${path}/package.json`,
        field: 'name',
        fix: 'Give each workspace package its own name, or exclude one with a `!` pattern.',
      });
    }
    names.add(name);
  }
  return manifests.map(({ path, json }) => ({
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
}
