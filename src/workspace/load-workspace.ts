import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { configurationError } from '../relx-error.js';
import type { Component, DependencyEdge, VersioningScheme } from './component.js';
import { assertAcyclic } from './component-graph.js';
import { discoverWorkspaces, type WorkspacePackage } from './discover-workspaces.js';
import { closest, readRelxConfig } from './read-relx-config.js';
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
  config: RelxConfig;
  /** Sorted by name. */
  components: Component[];
}

const normalizePath = (path: string) =>
  path === '.' || path === './' ? '' : path.replace(/^\.\//, '').replace(/\/+$/, '');

/** Where each component type keeps its version, when it has a file for it. */
function versionFileOf(type: ComponentType, path: string): string | null {
  const prefix = path ? `${path}/` : '';
  if (type === 'npm-package') return `${prefix}package.json`;
  if (type === 'helm-chart') return `${prefix}Chart.yaml`;
  return null;
}

async function readVersion(root: string, file: string | null): Promise<string | null> {
  if (!file) return null;
  let text: string;
  try {
    text = await readFile(join(root, file), 'utf8');
  } catch {
    return null;
  }
  let value: { version?: unknown } | null;
  try {
    value = (file.endsWith('.json') ? JSON.parse(text) : parse(text)) as { version?: unknown } | null;
  } catch (error) {
    throw configurationError(`cannot read its version: ${(error as Error).message.split('\n')[0]}`, {
      file,
      fix: `Fix the syntax of ${file}.`,
    });
  }
  return typeof value?.version === 'string' ? value.version : null;
}

/**
 * The components of a repository: discovered workspace packages, refined or extended by the
 * config. Everything that can be wrong with them is found here, before anything runs.
 */
export async function loadWorkspace(root: string, options: { configFile?: string } = {}): Promise<Workspace> {
  const { file, config } = await readRelxConfig(root, options.configFile);
  const at = (field: string, message: string, fix: string) =>
    configurationError(message, { ...(file ? { file } : {}), field, fix });

  const discovered: WorkspacePackage[] = config.discoverWorkspaces ? await discoverWorkspaces(root) : [];
  const byName = new Map(discovered.map((p) => [p.name, p]));
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
  const components: Component[] = [];
  for (const name of names) {
    const found = byName.get(name);
    const own = declared.get(name);
    const entry = own?.entry;
    const field = own ? `components[${own.index}]` : name;
    if (!componentNamePattern.test(name)) {
      throw at(
        found ? `${found.path}/package.json name` : `${field}.name`,
        `The component name ${JSON.stringify(name)} has characters relx does not allow.`,
        'Use letters, digits, @, /, ., _ and - only: names end up in tags, file names and commands.',
      );
    }
    const paths = (
      entry?.paths ?? (entry?.path !== undefined ? [entry.path] : found ? [found.path] : [])
    ).map(normalizePath);
    if (paths.length === 0) {
      throw at(
        field,
        `Component ${name} has no path.`,
        `Add \`path:\` (its folder, relative to the repository root) to ${field}.`,
      );
    }
    for (const [i, path] of paths.entries()) {
      const exists = await stat(join(root, path)).then(
        (s) => s.isDirectory(),
        () => false,
      );
      if (!exists) {
        throw at(
          entry?.paths ? `${field}.paths[${i}]` : `${field}.path`,
          `Folder "${path}" of component ${name} does not exist.`,
          'Fix the path; it is relative to the repository root.',
        );
      }
    }
    const type: ComponentType = entry?.type ?? (found ? 'npm-package' : 'files');
    const versionFile = versionFileOf(type, paths[0] ?? '');
    const versioning = entry?.versioning ?? config.versioning;
    const scheme: VersioningScheme =
      versioning === 'calver'
        ? { kind: 'calver', format: entry?.calverFormat ?? config.calverFormat }
        : { kind: 'semver' };
    const dependsOn: DependencyEdge[] = [...(found?.dependsOn ?? [])];
    (entry?.dependsOn ?? []).forEach((dependency, i) => {
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
      dependsOn.push({ name: dependency, kind: 'dependsOn' });
    });
    components.push({
      name,
      type,
      paths,
      version:
        (found && type === 'npm-package' ? found.version : await readVersion(root, versionFile)) ??
        entry?.version ??
        null,
      versionFile,
      scheme,
      tagFormat: entry?.tagFormat ?? config.tagFormat ?? defaultTagFormat,
      ...((entry?.tagFormat ?? config.tagFormat) ? {} : { tagFormatSource: 'default' as const }),
      ...buildMetadataOf(entry?.buildMetadata ?? config.buildMetadata, scheme),
      dependsOn,
      private: found?.private ?? false,
      ...(entry?.publish ? { publish: entry.publish } : {}),
    });
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
  config.lockstep.forEach((group, g) =>
    group.components.forEach((member, i) => {
      if (!names.includes(member)) {
        const near = closest(member, names);
        throw at(
          `lockstep[${g}].components[${i}]`,
          `Lockstep group ${group.name} names "${member}", which is not a component.`,
          near ? `Did you mean "${near}"?` : `Components: ${names.join(', ')}.`,
        );
      }
    }),
  );
  assertAcyclic(components, config.propagation.through, file);
  return { root, configFile: file, config, components };
}

/** Build metadata is SemVer's; a CalVer component ignores it. */
function buildMetadataOf(template: string | undefined, scheme: VersioningScheme): { buildMetadata?: string } {
  return template && scheme.kind === 'semver' ? { buildMetadata: template } : {};
}
