import { configurationError } from '../relx-error.js';
import { updateChartYaml } from './chart-yaml.js';
import { updateGoMod } from './go-mod.js';
import { updateMarkerLines } from './marker-line.js';
import { updatePackageJson, updatePackageLock } from './package-json.js';
import { updateJsonPath, updateStructuredPath, updateYamlPath } from './structured-path.js';
import { updateCargoToml, updatePyprojectToml } from './toml-version.js';
import type { VersionFileUpdater } from './version-file-change.js';

/** Updaters by name: a config names one (`versionFiles[].updater`), a file name implies one. */
export const versionFileUpdaters: Readonly<Record<string, VersionFileUpdater>> = {
  'package-json': updatePackageJson,
  'package-lock': updatePackageLock,
  'chart-yaml': updateChartYaml,
  'pyproject-toml': updatePyprojectToml,
  'cargo-toml': updateCargoToml,
  'go-mod': updateGoMod,
  'marker-line': updateMarkerLines,
  'json-path': updateJsonPath,
  'yaml-path': updateYamlPath,
  'structured-path': updateStructuredPath,
};

/** Updaters that need `path:` (where in the file the version is). */
export const updatersWithPath: ReadonlySet<string> = new Set(['json-path', 'yaml-path', 'structured-path']);

export const isVersionFileUpdater = (name: string) => Object.hasOwn(versionFileUpdaters, name);

export function versionFileUpdater(name: string): VersionFileUpdater {
  const updater = isVersionFileUpdater(name) ? versionFileUpdaters[name] : undefined;
  if (!updater) {
    throw configurationError(`Unknown version file updater "${name}".`, {
      field: 'updater',
      fix: `Use one of: ${Object.keys(versionFileUpdaters).join(', ')}.`,
    });
  }
  return updater;
}

/** The updater a file's name implies, when it is a well-known version file. */
export function updaterNameForFile(file: string): string {
  const base = file.slice(file.lastIndexOf('/') + 1);
  const byName: Record<string, string> = {
    'package.json': 'package-json',
    'package-lock.json': 'package-lock',
    'Chart.yaml': 'chart-yaml',
    'pyproject.toml': 'pyproject-toml',
    'Cargo.toml': 'cargo-toml',
    'go.mod': 'go-mod',
  };
  return byName[base] ?? 'marker-line';
}
