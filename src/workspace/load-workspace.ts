import { readFile, realpath, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { parse } from 'yaml';
import { configurationError, type RelxError } from '../relx-error.js';
import type { Component, DependencyEdge, VersioningScheme } from './component.js';
import { discoverWorkspaces, type WorkspaceDiscovery, type WorkspacePackage } from './discover-workspaces.js';
import { closest, readRelxConfig } from './read-relx-config.js';
import {
  declaredVersionFiles,
  defaultFileVersion,
  defaultVersionFile,
  goModuleOf,
} from './component-version-files.js';
import { goTagFormat } from '../versioning/go-tag-format.js';
import { renderTag } from '../versioning/tag-format.js';
import { parseJsonText } from './read-workspace-json.js';
import {
  componentNamePattern,
  defaultTagFormat,
  type ComponentConfig,
  type ComponentType,
  type RelxConfig,
} from './relx-config.js';

export interface Workspace {
  root: string;
  configFile: string | null;
  /** The config, its `lockstep` completed with the groups lerna.json or nx.json declare. */
  config: RelxConfig;
  /** Sorted by name. */
  components: Component[];
}

const normalizePath = (path: string) =>
  path === '.' || path === './' ? '' : path.replace(/^\.\//, '').replace(/\/+$/, '');

/** The version (and, for a package.json, privacy) in a component's version file. */
async function readVersionFile(
  root: string,
  file: string | null,
): Promise<{ version: string | null; private: boolean }> {
  const none = { version: null, private: false };
  if (!file) return none;
  let text: string;
  try {
    text = await readFile(join(root, file), 'utf8');
  } catch {
    return none;
  }
  let value: { version?: unknown; private?: unknown } | null;
  if (file.endsWith('.json')) value = parseJsonText(text, file) as typeof value;
  else {
    try {
      value = parse(text) as typeof value;
    } catch (error) {
      throw configurationError(`cannot read its version: ${(error as Error).message.split('\n')[0]}`, {
        file,
        fix: `Fix the syntax of ${file}.`,
      });
    }
  }
  return {
    version: typeof value?.version === 'string' ? value.version : null,
    private: value?.private === true,
  };
}

type ErrorAt = (field: string, message: string, fix: string) => RelxError;

const noDiscovery: WorkspaceDiscovery = {
  packages: [],
  source: null,
  excluded: [],
  lockstep: [],
  notReleased: new Map(),
};

/**
 * The components of a repository: discovered workspace packages, refined or extended by the
 * config. Everything that can be wrong with them is found here, before anything runs.
 */
export async function loadWorkspace(root: string, options: { configFile?: string } = {}): Promise<Workspace> {
  const { file, config } = await readRelxConfig(root, options.configFile);
  const at: ErrorAt = (field, message, fix) =>
    configurationError(message, { ...(file ? { file } : {}), field, fix });

  const discovery = config.discoverWorkspaces
    ? await discoverWorkspaces(root, { exclude: config.exclude })
    : noDiscovery;
  const byName = new Map(adoptedByDeclaredNames(discovery.packages, config).map((p) => [p.name, p]));
  const declared = new Map<string, { entry: ComponentConfig; index: number }>();
  config.components.forEach((entry, index) => {
    if (declared.has(entry.name)) {
      throw at(
        `components[${index}].name`,
        `Component ${entry.name} is declared twice.`,
        'Merge the two entries into one.',
      );
    }
    declared.set(entry.name, { entry, index });
  });

  const names = [...new Set([...byName.keys(), ...declared.keys()])].sort((a, b) => a.localeCompare(b, 'en'));
  if (names.length === 0)
    throw await nothingToRelease(root, config.discoverWorkspaces ? discovery : null, file);
  const components: Component[] = [];
  for (const name of names) {
    components.push(
      await componentOf(name, { root, config, names, at, discovery }, byName.get(name), declared.get(name)),
    );
  }

  const owners = new Map<string, string>();
  for (const c of components) {
    for (const path of c.paths) {
      const other = owners.get(path);
      if (other) {
        throw at(
          'components',
          `${other} and ${c.name} have the same folder "${path}".`,
          'Give each component its own folder, or group them with lockstep.',
        );
      }
      owners.set(path, c.name);
    }
  }
  const lockstep = lockstepGroups(config, discovery, components, at);
  return { root, configFile: file, config: { ...config, lockstep }, components };
}

/**
 * A Go module, crate or Python project the config declares under its own name at its folder
 * (`- { name: sdk, type: go-module, path: sdk/go }`) is that discovered component, renamed: its
 * module path or package name is no name to type. npm packages keep their package.json names.
 */
function adoptedByDeclaredNames(
  packages: readonly WorkspacePackage[],
  config: RelxConfig,
): WorkspacePackage[] {
  const names = new Set(packages.map((p) => p.name));
  const renamed = new Map<string, string>();
  for (const entry of config.components) {
    const folder = normalizePath(entry.paths?.[0] ?? entry.path ?? '\0');
    if (names.has(entry.name)) continue;
    const found = packages.find((p) => p.type !== undefined && p.path === folder && !renamed.has(p.name));
    if (found && (entry.type === undefined || entry.type === found.type)) renamed.set(found.name, entry.name);
  }
  if (renamed.size === 0) return [...packages];
  return packages.map((p) => ({
    ...p,
    name: renamed.get(p.name) ?? p.name,
    dependsOn: p.dependsOn.map((e) => ({ ...e, name: renamed.get(e.name) ?? e.name })),
  }));
}

interface ComponentContext {
  root: string;
  config: RelxConfig;
  names: readonly string[];
  at: ErrorAt;
  discovery: WorkspaceDiscovery;
}

/** One component from what discovery found and what the config says about it. */
async function componentOf(
  name: string,
  context: ComponentContext,
  found: WorkspacePackage | undefined,
  own: { entry: ComponentConfig; index: number } | undefined,
): Promise<Component> {
  const { root, config, names, at, discovery } = context;
  const entry = own?.entry;
  const field = own ? `components[${own.index}]` : name;
  const paths = await componentPaths(name, field, context, found, entry);
  // A declared folder with a package.json is an npm package, as the schema says.
  const hasPackageJson = await isFile(join(root, paths[0] ?? '', 'package.json'));
  const type: ComponentType =
    entry?.type ?? found?.type ?? (found || hasPackageJson ? 'npm-package' : 'files');
  const declaredFiles = entry?.versionFiles
    ? await declaredVersionFiles(root, entry.versionFiles, field, at)
    : null;
  const versionFiles =
    declaredFiles?.specs ??
    found?.versionFiles ??
    [defaultVersionFile(type, paths[0] ?? '')].filter((f) => f !== null);
  const versionFile = versionFiles[0]?.file ?? null;
  const goModule =
    type === 'go-module'
      ? {
          modulePath: await goModuleOf(root, paths[0] ?? '', name, field, at),
          majorVersionPath: entry?.majorVersionPath ?? 'refuse',
        }
      : undefined;
  assertTypeSettings(name, field, type, entry, paths, at);
  const versioning = entry?.versioning ?? config.versioning;
  const scheme: VersioningScheme =
    versioning === 'calver'
      ? { kind: 'calver', format: entry?.calverFormat ?? config.calverFormat }
      : { kind: 'semver' };
  const dependsOn: DependencyEdge[] = [
    ...(found?.dependsOn ?? []),
    ...declaredDependencies(name, entry?.dependsOn ?? [], { names, at, field }),
  ];
  const file =
    found && type === (found.type ?? 'npm-package') && !declaredFiles
      ? { version: found.version, private: found.private }
      : declaredFiles
        ? { version: declaredFiles.version, private: false }
        : type === 'npm-package' || type === 'helm-chart'
          ? await readVersionFile(root, versionFile)
          : { version: await defaultFileVersion(root, versionFiles[0] ?? null), private: false };
  const version = file.version ?? entry?.version ?? null;
  const tagFormat = goModule ? goTagFormat(paths[0] ?? '') : (entry?.tagFormat ?? config.tagFormat);
  const isPrivate = found?.private ?? file.private;
  const notReleased = notReleasedBecause(
    isPrivate,
    version,
    entry ? undefined : discovery.notReleased.get(name),
  );
  return {
    name,
    type,
    paths,
    version,
    versionFile,
    ...(entry?.versionFiles || versionFiles.length > 1 || found?.versionFiles ? { versionFiles } : {}),
    ...(goModule ? { goModule } : {}),
    ...(entry?.assets ? { assets: entry.assets } : {}),
    scheme,
    tagFormat: tagFormat ?? defaultTagFormat,
    ...(tagFormat ? {} : { tagFormatSource: 'default' as const }),
    ...buildMetadataOf(entry?.buildMetadata ?? config.buildMetadata, scheme),
    dependsOn,
    private: isPrivate,
    ...(notReleased ? { notReleased } : {}),
    ...(entry?.publish ? { publish: entry.publish } : {}),
  };
}

/** A component's name checked, and its folders: declared, else discovered; each inside the repository. */
async function componentPaths(
  name: string,
  field: string,
  { root, at }: ComponentContext,
  found: WorkspacePackage | undefined,
  entry: ComponentConfig | undefined,
): Promise<string[]> {
  if (!componentNamePattern.test(name)) {
    throw at(
      found ? `${found.path}/package.json name` : `${field}.name`,
      `The component name ${JSON.stringify(name)} has characters relx does not allow.`,
      'Use letters, digits, @, /, ., _ and - only: names end up in tags, file names and commands.',
    );
  }
  const paths = (entry?.paths ?? (entry?.path !== undefined ? [entry.path] : found ? [found.path] : [])).map(
    normalizePath,
  );
  if (paths.length === 0) {
    throw at(
      field,
      `Component ${name} has no path.`,
      `Add \`path:\` (its folder, relative to the repository root) to ${field}.`,
    );
  }
  for (const [i, path] of paths.entries()) {
    await assertFolderInRepository(
      root,
      path,
      entry?.paths ? `${field}.paths[${i}]` : `${field}.path`,
      name,
      at,
    );
  }
  return paths;
}

/** What a component type needs or refuses: release-assets lists assets; a go-module takes Go's tags. */
function assertTypeSettings(
  name: string,
  field: string,
  type: ComponentType,
  entry: ComponentConfig | undefined,
  paths: readonly string[],
  at: ErrorAt,
): void {
  if (type === 'release-assets' && !entry?.assets) {
    throw at(
      `${field}.assets`,
      `Component ${name} is release-assets but lists no assets.`,
      'Add `assets:` with globs of the files CI builds, e.g. ["dist/orion-*"].',
    );
  }
  if (type === 'go-module' && entry?.tagFormat) {
    throw at(
      `${field}.tagFormat`,
      `${name} is a go-module: its tags are Go's (${renderGoTag(paths[0] ?? '')}), the only ones the go command finds.`,
      `Remove tagFormat from ${field}.`,
    );
  }
}

/** The config's `dependsOn` of a component, each naming a component. */
function declaredDependencies(
  name: string,
  dependencies: readonly string[],
  { names, at, field }: { names: readonly string[]; at: ErrorAt; field: string },
): DependencyEdge[] {
  return dependencies.map((dependency, i) => {
    if (!names.includes(dependency)) {
      const near = closest(dependency, names);
      throw at(
        `${field}.dependsOn[${i}]`,
        `${name} depends on "${dependency}", which is not a component.`,
        near
          ? `Did you mean "${near}"? Use a component's name.`
          : `Declare "${dependency}" under components, or remove it. Components: ${names.join(', ')}.`,
      );
    }
    return { name: dependency, kind: 'dependsOn' };
  });
}

/**
 * Why a component is never released, if it is not: a private package without a version (npm
 * cannot version it, and nobody installs it), or one the repository's release tool leaves out.
 */
function notReleasedBecause(
  isPrivate: boolean,
  version: string | null,
  byReleaseTool: string | undefined,
): string | undefined {
  if (isPrivate && version === null) return 'private, no version in its package.json';
  return byReleaseTool;
}

const isFile = (path: string) =>
  stat(path).then(
    (s) => s.isFile(),
    () => false,
  );

/**
 * A component's folder exists and is inside the repository, also after following symbolic
 * links: relx reads, versions and publishes what is there.
 */
async function assertFolderInRepository(
  root: string,
  path: string,
  field: string,
  name: string,
  at: ErrorAt,
): Promise<void> {
  const exists = await stat(join(root, path)).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (!exists) {
    throw at(
      field,
      `Folder "${path}" of component ${name} does not exist.`,
      'Fix the path; it is relative to the repository root.',
    );
  }
  const [real, realRoot] = await Promise.all([realpath(join(root, path)), realpath(root)]);
  const inside = relative(realRoot, real);
  if (inside === '..' || inside.startsWith(`..${sep}`) || inside.startsWith(sep)) {
    throw at(
      field,
      `Folder "${path}" of component ${name} is a link to ${real}, outside the repository.`,
      'Point the component at a folder inside the repository (not a symbolic link that leaves it).',
    );
  }
}

/**
 * The configured lockstep groups, checked, and the groups lerna.json (fixed mode) or nx.json
 * (fixed release groups) declare — without components that are never released or that a
 * configured group already holds.
 */
function lockstepGroups(
  config: RelxConfig,
  discovery: WorkspaceDiscovery,
  components: readonly Component[],
  at: ErrorAt,
): RelxConfig['lockstep'] {
  const byName = new Map(components.map((c) => [c.name, c]));
  const names = [...byName.keys()];
  const configured = new Set<string>();
  config.lockstep.forEach((group, g) =>
    group.components.forEach((member, i) => {
      const component = byName.get(member);
      if (!component) {
        const near = closest(member, names);
        throw at(
          `lockstep[${g}].components[${i}]`,
          `Lockstep group ${group.name} names "${member}", which is not a component.`,
          near ? `Did you mean "${near}"?` : `Components: ${names.join(', ')}.`,
        );
      }
      if (component.notReleased) {
        throw at(
          `lockstep[${g}].components[${i}]`,
          `Lockstep group ${group.name} names ${member}, which is never released (${component.notReleased}).`,
          `Give ${member} a version, or remove it from the group.`,
        );
      }
      configured.add(member);
    }),
  );
  const inferred = discovery.lockstep
    .map((group) => ({
      name: group.name,
      components: group.components.filter(
        (m) => byName.has(m) && !byName.get(m)?.notReleased && !configured.has(m),
      ),
    }))
    .filter((group) => group.components.length >= 2);
  return [...config.lockstep, ...inferred];
}

/** Nothing to plan: say what was looked for and what was found instead, and fail. */
async function nothingToRelease(
  root: string,
  discovery: WorkspaceDiscovery | null,
  file: string | null,
): Promise<RelxError> {
  const others = [
    ['pom.xml', 'a Maven project'],
    ['build.gradle', 'a Gradle project'],
  ];
  const present: string[] = [];
  for (const [marker, what] of others) {
    if (await isFile(join(root, marker as string))) present.push(`${marker} (${what})`);
  }
  const lines = [
    discovery
      ? 'No components found. relx looked for components in relx.config.yaml, npm/yarn `workspaces` in package.json, pnpm-workspace.yaml, lerna.json, a named package.json at the root, Cargo.toml (a crate or `[workspace] members`), go.work and go.mod files, and pyproject.toml (a project or `[tool.uv.workspace] members`).'
      : 'No components found: `discoverWorkspaces` is false and relx.config.yaml declares no components.',
  ];
  if (discovery?.source) lines.push(`${discovery.source} matched no folder with a named package.json.`);
  if (discovery && discovery.excluded.length > 0) {
    lines.push(
      `\`exclude\` left out ${discovery.excluded.length} folder(s): ${discovery.excluded.slice(0, 5).join(', ')}.`,
    );
  }
  if (present.length > 0) lines.push(`Found ${present.join(', ')}, which relx does not discover.`);
  return configurationError(lines.join('\n'), {
    ...(file ? { file } : {}),
    field: 'components',
    fix: 'Declare what to release under `components:` in relx.config.yaml, each with name, type, path and (without a version file) version — e.g. `- { name: api, type: files, path: ., version: 1.0.0 }`.',
  });
}

const renderGoTag = (folder: string) => renderTag(goTagFormat(folder), folder, '1.2.3');

/** Build metadata is SemVer's; a CalVer component ignores it. */
function buildMetadataOf(template: string | undefined, scheme: VersioningScheme): { buildMetadata?: string } {
  return template && scheme.kind === 'semver' ? { buildMetadata: template } : {};
}
