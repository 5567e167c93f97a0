import { configurationError } from '../relx-error.js';
import { updateChartYaml } from './chart-yaml.js';
import { updateMarkerLines } from './marker-line.js';
import { updatePackageJson, updatePackageLock } from './package-json.js';
import { updateStructuredPath } from './structured-path.js';
import { updateCargoToml, updatePyprojectToml } from './toml-version.js';
import type { VersionFileUpdater } from './version-file-change.js';

/** Updaters by name: a config names one, a file name implies one. */
export const versionFileUpdaters: Readonly<Record<string, VersionFileUpdater>> = {
  'package-json': updatePackageJson,
  'package-lock': updatePackageLock,
  'chart-yaml': updateChartYaml,
  'pyproject-toml': updatePyprojectToml,
  'cargo-toml': updateCargoToml,
  'marker-line': updateMarkerLines,
  'structured-path': updateStructuredPath,
};

export function versionFileUpdater(name: string): VersionFileUpdater {
  const updater = versionFileUpdaters[name];
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
  };
  return byName[base] ?? 'marker-line';
}
