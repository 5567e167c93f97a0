import { configurationError } from '../relx-error.js';
import { updateDependencyRange } from './dependency-range.js';
import { locateJsonStrings, replaceJsonStrings, samePath, type JsonStringSpan } from './json-text.js';
import type { VersionFileChange } from './version-file-change.js';

const dependencyFields = ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'];

/** Valid JSON as npm reads it: a leading UTF-8 byte order mark is allowed (and kept by the edits). */
function parsed(content: string, file: string): void {
  try {
    JSON.parse(content.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw configurationError(`not valid JSON: ${(error as Error).message}`, {
      file,
      fix: 'Fix the JSON syntax.',
    });
  }
}

/** `version`, and the ranges of internal dependencies, edited in place. */
export function updatePackageJson(content: string, change: VersionFileChange, file: string): string {
  parsed(content, file);
  const spans = locateJsonStrings(content);
  const edits: Array<{ span: JsonStringSpan; value: string }> = [];
  if (change.version !== undefined) {
    const span = spans.find((s) => samePath(s.path, ['version']));
    if (!span) {
      throw configurationError('has no "version" field.', {
        file,
        field: 'version',
        fix: 'Add a "version" field (the version before the first release, e.g. "0.1.0").',
      });
    }
    if (span.value !== change.version) edits.push({ span, value: change.version });
  }
  for (const [name, version] of Object.entries(change.dependencies ?? {})) {
    for (const field of dependencyFields) {
      const span = spans.find((s) => samePath(s.path, [field, name]));
      if (!span) continue;
      const range = updateDependencyRange(span.value, version);
      if (range !== span.value) edits.push({ span, value: range });
    }
  }
  return replaceJsonStrings(content, edits);
}

/** `package-lock.json` (lockfileVersion 2 and 3): the workspace packages' entries and their ranges. */
export function updatePackageLock(content: string, change: VersionFileChange, file: string): string {
  parsed(content, file);
  const spans = locateJsonStrings(content);
  const edits: Array<{ span: JsonStringSpan; value: string }> = [];
  for (const [folder, version] of Object.entries(change.workspaceVersions ?? {})) {
    for (const path of [['packages', folder, 'version'], ...(folder === '' ? [['version']] : [])]) {
      const span = spans.find((s) => samePath(s.path, path));
      if (span && span.value !== version) edits.push({ span, value: version });
    }
  }
  for (const [folder, dependencies] of Object.entries(change.workspaceDependencies ?? {})) {
    for (const [name, version] of Object.entries(dependencies)) {
      for (const field of dependencyFields) {
        const span = spans.find((s) => samePath(s.path, ['packages', folder, field, name]));
        if (!span) continue;
        const range = updateDependencyRange(span.value, version);
        if (range !== span.value) edits.push({ span, value: range });
      }
    }
  }
  return replaceJsonStrings(content, edits);
}
