import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { closest } from './read-relx-config.js';
import type { ComponentConfig, ComponentType } from './relx-config.js';
import {
  checkVersionFile,
  readVersionFileVersion,
  type VersionFileSpec,
} from '../version-files/read-version-file.js';
import { goModulePath } from '../version-files/go-mod.js';
import {
  isVersionFileUpdater,
  updaterNameForFile,
  updatersWithPath,
  versionFileUpdaters,
} from '../version-files/version-file-updaters.js';
import type { RelxError } from '../relx-error.js';

type ErrorAt = (field: string, message: string, fix: string) => RelxError;

/** Where each component type keeps its version, when it has a file for it. */
export function defaultVersionFile(type: ComponentType, folder: string): VersionFileSpec | null {
  const file = {
    'npm-package': 'package.json',
    'helm-chart': 'Chart.yaml',
    'go-module': 'go.mod',
    'cargo-crate': 'Cargo.toml',
    'python-package': 'pyproject.toml',
  }[type as string];
  if (!file) return null;
  const path = folder ? `${folder}/${file}` : file;
  return { file: path, updater: updaterNameForFile(path) };
}

export const readText = (root: string, file: string) => readFile(join(root, file), 'utf8').catch(() => null);

/**
 * The version files a config entry declares, each checked now, before anything runs: a known
 * updater (else the list of them), a path where the updater needs one, the file present, and a
 * version where its updater looks. Returns them with the first one's version.
 */
export async function declaredVersionFiles(
  root: string,
  entries: NonNullable<ComponentConfig['versionFiles']>,
  field: string,
  at: ErrorAt,
): Promise<{ specs: VersionFileSpec[]; version: string | null }> {
  const specs: VersionFileSpec[] = [];
  let version: string | null = null;
  for (const [i, entry] of entries.entries()) {
    const here = `${field}.versionFiles[${i}]`;
    const updater = entry.updater ?? updaterNameForFile(entry.file);
    if (!isVersionFileUpdater(updater)) {
      const near = closest(updater, Object.keys(versionFileUpdaters));
      throw at(
        `${here}.updater`,
        `Unknown version file updater "${updater}" for ${entry.file}.`,
        `${near ? `Did you mean "${near}"? ` : ''}Use one of: ${Object.keys(versionFileUpdaters).join(', ')}.`,
      );
    }
    if (updatersWithPath.has(updater) && !entry.path) {
      throw at(
        `${here}.path`,
        `The ${updater} updater for ${entry.file} needs a path.`,
        'Add `path:` such as `image.tag` or `spec.versions[0]`.',
      );
    }
    const spec: VersionFileSpec = {
      file: entry.file.replace(/^\.\//, ''),
      updater,
      ...(entry.path ? { path: entry.path } : {}),
    };
    const found = checkVersionFile(await readText(root, spec.file), spec, here);
    if (i === 0) version = found;
    specs.push(spec);
  }
  return { specs, version };
}

/** The version in a type's own version file, leniently: a missing file has none (it is refused when a release would bump it). */
export async function defaultFileVersion(root: string, spec: VersionFileSpec | null): Promise<string | null> {
  if (!spec || spec.updater === 'package-json' || spec.updater === 'chart-yaml') return null;
  const content = await readText(root, spec.file);
  return content === null ? null : readVersionFileVersion(content, spec);
}

/** A go-module's module path, from its go.mod, which it must have. */
export async function goModuleOf(
  root: string,
  folder: string,
  name: string,
  field: string,
  at: ErrorAt,
): Promise<string> {
  const file = folder ? `${folder}/go.mod` : 'go.mod';
  const content = await readText(root, file);
  const modulePath = content === null ? null : goModulePath(content);
  if (modulePath === null) {
    throw at(
      `${field}.type`,
      `Component ${name} is a go-module, but ${file} ${content === null ? 'does not exist' : 'has no `module` line'}.`,
      `Run \`go mod init <module path>\` in ${folder || 'the repository root'}, or give ${name} another type.`,
    );
  }
  return modulePath;
}
