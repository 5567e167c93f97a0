import { readdir, readFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { runGit } from '../git/run-git.js';
import { configurationError } from '../relx-error.js';
import { goModulePath } from '../version-files/go-mod.js';
import { normalizePythonName } from '../version-files/toml-version.js';
import type { DependencyEdge } from './component.js';
import type { DependencyKind } from './relx-config.js';
import type { WorkspacePackage } from './discover-workspaces.js';
import { globToRegExp, isExcludedFolder } from './workspace-glob.js';

type Table = Record<string, unknown>;
const asTable = (value: unknown): Table =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Table) : {};
const asStrings = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : []);
const asString = (value: unknown) => (typeof value === 'string' ? value : null);
const inFolder = (folder: string, file: string) => (folder ? `${folder}/${file}` : file);
const readText = (root: string, file: string) => readFile(join(root, file), 'utf8').catch(() => null);

async function readToml(root: string, file: string): Promise<Table | null> {
  const text = await readText(root, file);
  if (text === null) return null;
  try {
    return parseToml(text) as Table;
  } catch (error) {
    throw configurationError(`not valid TOML: ${(error as Error).message.split('\n')[0]}`, {
      file,
      fix: `Fix the TOML syntax of ${file}.`,
    });
  }
}

/** Every folder (relative, POSIX) holding `fileName`, skipping dot folders, node_modules, vendor, testdata and excluded folders. */
async function foldersWith(root: string, fileName: string, excluded: readonly RegExp[]): Promise<string[]> {
  const found: string[] = [];
  const skip = new Set(['node_modules', 'vendor', 'testdata', 'target']);
  const walk = async (dir: string, depth: number) => {
    if (depth > 8) return;
    for (const entry of await readdir(join(root, dir), { withFileTypes: true }).catch(() => [])) {
      if (entry.isFile() && entry.name === fileName) found.push(dir);
      if (entry.isDirectory() && !entry.name.startsWith('.') && !skip.has(entry.name)) {
        const folder = dir ? `${dir}/${entry.name}` : entry.name;
        if (!isExcludedFolder(folder, excluded)) await walk(folder, depth + 1);
      }
    }
  };
  await walk('', 0);
  return found.sort();
}

/** Member folders from globs (`crates/*`, `packages/**`), less `exclude` globs, each holding `fileName`. */
async function members(
  root: string,
  globs: string[],
  leftOut: string[],
  fileName: string,
  excluded: readonly RegExp[],
) {
  const include = globs.map((g) => globToRegExp(posix.normalize(g)));
  const exclude = leftOut.map((g) => globToRegExp(posix.normalize(g)));
  const folders = await foldersWith(root, fileName, excluded);
  return folders.filter((f) => f !== '' && include.some((r) => r.test(f)) && !exclude.some((r) => r.test(f)));
}

export interface EcosystemDiscovery {
  packages: WorkspacePackage[];
  /** Members sharing one version (Cargo's `version.workspace = true`). */
  lockstep: Array<{ name: string; components: string[] }>;
}

/**
 * A Cargo workspace: the root's [package] and the crates `[workspace] members` name (less
 * `exclude`), each with its version (or the workspace's, `version.workspace = true`, kept in the
 * root Cargo.toml) and path dependencies on each other as edges.
 */
export async function discoverCargo(root: string, excluded: readonly RegExp[]): Promise<EcosystemDiscovery> {
  const manifest = await readToml(root, 'Cargo.toml');
  if (!manifest) return { packages: [], lockstep: [] };
  const workspace = asTable(manifest.workspace);
  const folders = [
    ...(manifest.package ? [''] : []),
    ...(await members(
      root,
      asStrings(workspace.members),
      asStrings(workspace.exclude),
      'Cargo.toml',
      excluded,
    )),
  ];
  const crates: Array<{ folder: string; toml: Table; name: string }> = [];
  for (const folder of folders) {
    const toml = folder === '' ? manifest : await readToml(root, inFolder(folder, 'Cargo.toml'));
    const name = asString(asTable(toml?.package).name);
    if (toml && name) crates.push({ folder, toml, name });
  }
  const names = new Set(crates.map((c) => c.name));
  const workspaceDependencies = asTable(workspace.dependencies);
  const sharedVersion = asString(asTable(workspace.package).version);
  const shared: string[] = [];
  const packages = crates.map(({ folder, toml, name }): WorkspacePackage => {
    const own = asTable(toml.package);
    const inherits = asTable(own.version).workspace === true;
    if (inherits) shared.push(name);
    return {
      name,
      path: folder,
      version: inherits ? sharedVersion : asString(own.version),
      private: own.publish === false,
      dependsOn: cargoEdges(toml, names, workspaceDependencies).filter((e) => e.name !== name),
      type: 'cargo-crate',
      versionFiles: [
        { file: inherits ? 'Cargo.toml' : inFolder(folder, 'Cargo.toml'), updater: 'cargo-toml' },
      ],
    };
  });
  return {
    packages,
    lockstep: shared.length >= 2 ? [{ name: 'Cargo.toml workspace.package', components: shared }] : [],
  };
}

/** A crate's dependencies on crates of the workspace: by path, or `workspace = true` to a path in [workspace.dependencies]. */
function cargoEdges(toml: Table, names: ReadonlySet<string>, workspaceDependencies: Table): DependencyEdge[] {
  const tables: Array<[DependencyKind, Table]> = [
    ['dependencies', asTable(toml.dependencies)],
    ['devDependencies', asTable(toml['dev-dependencies'])],
    ['dependencies', asTable(toml['build-dependencies'])],
    ...Object.values(asTable(toml.target)).flatMap((t): Array<[DependencyKind, Table]> => [
      ['dependencies', asTable(asTable(t).dependencies)],
      ['devDependencies', asTable(asTable(t)['dev-dependencies'])],
    ]),
  ];
  const edges: DependencyEdge[] = [];
  for (const [kind, table] of tables) {
    for (const [key, value] of Object.entries(table)) {
      const spec = asTable(value);
      const resolved = spec.workspace === true ? { ...asTable(workspaceDependencies[key]), ...spec } : spec;
      const crate = asString(resolved.package) ?? key;
      if (!names.has(crate) || asString(resolved.path) === null) continue;
      const range = asString(resolved.version);
      if (!edges.some((e) => e.name === crate && e.kind === kind))
        edges.push({ name: crate, kind, ...(range ? { range } : {}) });
    }
  }
  return edges;
}

/**
 * Folders with a committed go.mod: from git's index when the folder is a repository (a walk of
 * a large repository's fixtures costs a second; a module not committed is not released), else
 * by walking it. Vendored, testdata and dot folders
 * hold no modules of the repository.
 */
async function goModFolders(root: string, excluded: readonly RegExp[]): Promise<string[]> {
  const listed = await runGit(root, ['ls-files', '-z', '--cached', '--', ':(glob)**/go.mod']).catch(
    () => null,
  );
  if (listed === null) return foldersWith(root, 'go.mod', excluded);
  const skipped = (folder: string) =>
    folder
      .split('/')
      .some((part) => part.startsWith('.') || ['node_modules', 'vendor', 'testdata'].includes(part));
  return listed
    .split('\0')
    .filter((file) => file === 'go.mod' || file.endsWith('/go.mod'))
    .map((file) => file.slice(0, -'go.mod'.length).replace(/\/$/, ''))
    .filter((folder) => !skipped(folder) && !isExcludedFolder(folder, excluded))
    .sort();
}

/** go.work's `use` folders, single (`use ./sdk`) or in a block. */
function goWorkUses(text: string): string[] {
  const uses: string[] = [];
  const withoutComments = text.replace(/\/\/.*$/gm, '');
  for (const block of withoutComments.matchAll(/^\s*use\s*\(([^)]*)\)/gm)) {
    uses.push(
      ...(block[1] ?? '')
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean),
    );
  }
  for (const single of withoutComments.matchAll(/^\s*use\s+([^\s(][^\s]*)\s*$/gm)) uses.push(single[1] ?? '');
  return uses.map((u) =>
    posix.normalize(u.replace(/^"|"$/g, '')).replace(/^\.$/, '').replace(/^\.\//, '').replace(/\/$/, ''),
  );
}

/**
 * Go modules: the folders go.work uses, or else every go.mod of the repository (nested modules
 * included); edges are the `require`s of each other's module paths.
 */
export async function discoverGo(root: string, excluded: readonly RegExp[]): Promise<EcosystemDiscovery> {
  const work = await readText(root, 'go.work');
  const folders = work !== null ? goWorkUses(work) : await goModFolders(root, excluded);
  const modules: Array<{ folder: string; path: string; text: string }> = [];
  for (const folder of folders.filter((f) => !isExcludedFolder(f, excluded))) {
    const text = await readText(root, inFolder(folder, 'go.mod'));
    const path = text === null ? null : goModulePath(text);
    if (text !== null && path !== null) modules.push({ folder, path, text });
  }
  const paths = new Set(modules.map((m) => m.path));
  const packages = modules.map(({ folder, path, text }): WorkspacePackage => ({
    name: path,
    path: folder,
    version: null,
    private: false,
    dependsOn: goRequires(text)
      .filter((r) => paths.has(r.module) && r.module !== path)
      .map((r) => ({ name: r.module, kind: 'dependencies' as const, range: r.version })),
    type: 'go-module',
    versionFiles: [{ file: inFolder(folder, 'go.mod'), updater: 'go-mod' }],
  }));
  return { packages, lockstep: [] };
}

/** go.mod `require`s, single-line and in blocks. */
function goRequires(text: string): Array<{ module: string; version: string }> {
  const lines: string[] = [];
  const withoutComments = text.replace(/\/\/.*$/gm, '');
  for (const block of withoutComments.matchAll(/^\s*require\s*\(([^)]*)\)/gm))
    lines.push(...(block[1] ?? '').split('\n'));
  for (const single of withoutComments.matchAll(/^\s*require\s+([^\s(].*)$/gm)) lines.push(single[1] ?? '');
  return lines
    .map((l) => l.trim().split(/\s+/))
    .filter((parts) => parts.length >= 2)
    .map(([module = '', version = '']) => ({ module: module.replace(/^"|"$/g, ''), version }));
}

/**
 * Python projects: the members of a uv workspace (`[tool.uv.workspace] members`, less `exclude`)
 * and the root project, each from its pyproject.toml [project] (or [tool.poetry]); edges are
 * requirements naming another member.
 */
export async function discoverPython(root: string, excluded: readonly RegExp[]): Promise<EcosystemDiscovery> {
  const rootToml = await readToml(root, 'pyproject.toml');
  if (!rootToml) return { packages: [], lockstep: [] };
  const uv = asTable(asTable(asTable(rootToml.tool).uv).workspace);
  const folders = [
    '',
    ...(await members(root, asStrings(uv.members), asStrings(uv.exclude), 'pyproject.toml', excluded)),
  ];
  const projects: Array<{ folder: string; toml: Table; name: string; version: string | null }> = [];
  for (const folder of folders) {
    const toml = folder === '' ? rootToml : await readToml(root, inFolder(folder, 'pyproject.toml'));
    const project = asTable(toml?.project);
    const poetry = asTable(asTable(toml?.tool).poetry);
    const name = asString(project.name) ?? asString(poetry.name);
    if (toml && name)
      projects.push({ folder, toml, name, version: asString(project.version) ?? asString(poetry.version) });
  }
  const byNormalized = new Map(projects.map((p) => [normalizePythonName(p.name), p.name]));
  const packages = projects.map(({ folder, toml, name, version }): WorkspacePackage => ({
    name,
    path: folder,
    version,
    private: false,
    dependsOn: pythonEdges(toml, byNormalized).filter((e) => e.name !== name),
    type: 'python-package',
    versionFiles: [{ file: inFolder(folder, 'pyproject.toml'), updater: 'pyproject-toml' }],
  }));
  return { packages, lockstep: [] };
}

/** Requirements (PEP 508 strings) on other members: [project] dependencies, optional-dependencies, dependency-groups. */
function pythonEdges(toml: Table, members: ReadonlyMap<string, string>): DependencyEdge[] {
  const project = asTable(toml.project);
  const lists: Array<[DependencyKind, string[]]> = [
    ['dependencies', asStrings(project.dependencies)],
    ...Object.values(asTable(project['optional-dependencies'])).map((l): [DependencyKind, string[]] => [
      'optionalDependencies',
      asStrings(l),
    ]),
    ...Object.values(asTable(toml['dependency-groups'])).map((l): [DependencyKind, string[]] => [
      'devDependencies',
      asStrings(l),
    ]),
  ];
  const edges: DependencyEdge[] = [];
  for (const [kind, requirements] of lists) {
    for (const requirement of requirements) {
      const match = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*([^;]*)/.exec(requirement);
      const name = match ? members.get(normalizePythonName(match[1] ?? '')) : undefined;
      const range = match?.[2]?.trim();
      if (name && !edges.some((e) => e.name === name && e.kind === kind))
        edges.push({ name, kind, ...(range ? { range } : {}) });
    }
  }
  return edges;
}
