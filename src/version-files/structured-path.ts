import { configurationError } from '../relx-error.js';
import { locateJsonStrings, replaceJsonStrings, samePath } from './json-text.js';
import { parsePath, setYamlScalar } from './yaml-scalar.js';
import type { VersionFileChange } from './version-file-change.js';

/** A configured JSON or YAML path (`image.tag`, `spec.versions[0]`) in a .json, .yaml or .yml file. */
export function updateStructuredPath(
  content: string,
  change: VersionFileChange,
  file: string,
  format: 'json' | 'yaml' = file.endsWith('.json') ? 'json' : 'yaml',
): string {
  if (change.version === undefined) return content;
  if (!change.path) {
    throw configurationError('needs a path to the version value.', {
      file,
      field: 'path',
      fix: 'Set `path:` such as `image.tag`.',
    });
  }
  const path = parsePath(change.path);
  if (format === 'json') {
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

/** `json-path`: a configured path in a JSON file, whatever its name. */
export const updateJsonPath = (content: string, change: VersionFileChange, file: string): string =>
  updateStructuredPath(content, change, file, 'json');

/** `yaml-path`: a configured path in a YAML file, whatever its name. */
export const updateYamlPath = (content: string, change: VersionFileChange, file: string): string =>
  updateStructuredPath(content, change, file, 'yaml');
