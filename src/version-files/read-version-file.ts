import { parse as parseToml } from 'smol-toml';
import { parse as parseYaml } from 'yaml';
import { configurationError } from '../relx-error.js';
import { versionMarker } from './marker-line.js';
import { updaterNameForFile, versionFileUpdater } from './version-file-updaters.js';
import { parsePath } from './yaml-scalar.js';

/** One file a component bumps, and how (relx.config.yaml `versionFiles`, or its type's default). */
export interface VersionFileSpec {
  /** Repository-relative, POSIX. */
  file: string;
  /** A name from versionFileUpdaters. */
  updater: string;
  /** json-path / yaml-path: where the version is (`image.tag`). */
  path?: string;
}

type Tree = Record<string, unknown>;
const at = (value: unknown, path: ReadonlyArray<string | number>): unknown =>
  path.reduce<unknown>((node, key) => (node as Tree | null | undefined)?.[key as string], value);
const asVersion = (value: unknown) => (typeof value === 'string' && value !== '' ? value : null);

/** The file's content as data, for the formats that have one; a syntax error names the file. */
export function parseVersionFileData(content: string, spec: VersionFileSpec): unknown {
  try {
    if (spec.updater === 'pyproject-toml' || spec.updater === 'cargo-toml') return parseToml(content);
    if (spec.updater === 'package-json' || (spec.updater !== 'yaml-path' && spec.file.endsWith('.json')))
      return JSON.parse(content.replace(/^\uFEFF/, ''));
    return parseYaml(content);
  } catch (error) {
    throw configurationError(`cannot be read: ${(error as Error).message.split('\n')[0]}`, {
      file: spec.file,
      fix: `Fix the syntax of ${spec.file}.`,
    });
  }
}

/**
 * The version a version file holds where its updater writes it; null when the updater holds none
 * (go.mod: a Go module's version is its tag).
 */
export function readVersionFileVersion(content: string, spec: VersionFileSpec): string | null {
  switch (spec.updater) {
    case 'go-mod':
      return null;
    case 'marker-line': {
      const line = content.split('\n').find((l) => l.includes(versionMarker));
      return line ? (/\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?/.exec(line)?.[0] ?? null) : null;
    }
    case 'pyproject-toml': {
      const data = parseVersionFileData(content, spec);
      return (
        asVersion(at(data, ['project', 'version'])) ?? asVersion(at(data, ['tool', 'poetry', 'version']))
      );
    }
    case 'cargo-toml': {
      const data = parseVersionFileData(content, spec);
      return (
        asVersion(at(data, ['package', 'version'])) ??
        asVersion(at(data, ['workspace', 'package', 'version']))
      );
    }
    case 'json-path':
    case 'yaml-path':
    case 'structured-path':
      return asVersion(at(parseVersionFileData(content, spec), parsePath(spec.path ?? '')));
    default:
      return asVersion(at(parseVersionFileData(content, spec), ['version']));
  }
}

/**
 * A declared version file, checked before anything is written: it exists, and its updater finds
 * a version where it looks (a trial edit on the text; nothing is written). Returns its version.
 */
export function checkVersionFile(
  content: string | null,
  spec: VersionFileSpec,
  field: string,
): string | null {
  if (content === null) {
    throw configurationError(`The version file ${spec.file} does not exist.`, {
      file: spec.file,
      field,
      fix: `Create ${spec.file}, or correct or remove this entry of versionFiles (paths are relative to the repository root).`,
    });
  }
  versionFileUpdater(spec.updater)(
    content,
    { version: '0.0.0-relx.check', ...(spec.path ? { path: spec.path } : {}) },
    spec.file,
  );
  return readVersionFileVersion(content, spec);
}

/** A component's version files: those it declares, else its one version file with the updater its name implies. */
export function componentVersionFiles(component: {
  versionFile: string | null;
  versionFiles?: readonly VersionFileSpec[];
}): readonly VersionFileSpec[] {
  if (component.versionFiles) return component.versionFiles;
  const file = component.versionFile;
  return file ? [{ file, updater: updaterNameForFile(file) }] : [];
}

/** A version file a release bumps must be there: one that is gone is an error, never skipped. */
export function checkedContent(content: string | null, file: string): string {
  if (content !== null) return content;
  throw configurationError(
    `The version file ${file} does not exist at the planned commit, so it cannot be bumped.`,
    {
      file,
      fix: `Restore ${file}, or declare the file that holds the version under the component's versionFiles in relx.config.yaml.`,
    },
  );
}
