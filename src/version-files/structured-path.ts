import { configurationError } from '../relx-error.js';
import { locateJsonStrings, replaceJsonStrings, samePath } from './json-text.js';
import { parsePath, setYamlScalar } from './yaml-scalar.js';
import type { VersionFileChange } from './version-file-change.js';

/** A configured JSON or YAML path (`image.tag`, `spec.versions[0]`) in a .json, .yaml or .yml file. */
export function updateStructuredPath(content: string, change: VersionFileChange, file: string): string {
  if (change.version === undefined) return content;
  if (!change.path) {
    throw configurationError('needs a path to the version value.', {
      file,
      field: 'path',
      fix: 'Set `path:` such as `image.tag`.',
    });
  }
  const path = parsePath(change.path);
  if (file.endsWith('.json')) {
    const span = locateJsonStrings(content).find((s) => samePath(s.path, path));
    if (!span) {
      throw configurationError(`has no string value at \`${change.path}\`.`, {
        file,
        field: change.path,
        fix: 'Correct the configured path.',
      });
    }
    return span.value === change.version
      ? content
      : replaceJsonStrings(content, [{ span, value: change.version }]);
  }
  return setYamlScalar(content, path, change.version, file);
}
