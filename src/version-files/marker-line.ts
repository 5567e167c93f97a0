import { configurationError } from '../relx-error.js';
import type { VersionFileChange } from './version-file-change.js';

export const versionMarker = 'x-relx-version';
const versionToken = /\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?/;

/** Any file: on each line holding the marker `x-relx-version`, the version on that line. */
export function updateMarkerLines(content: string, change: VersionFileChange, file: string): string {
  if (change.version === undefined) return content;
  let found = false;
  const out = content
    .split('\n')
    .map((line) => {
      if (!line.includes(versionMarker)) return line;
      found = true;
      return line.replace(versionToken, change.version as string);
    })
    .join('\n');
  if (!found) {
    throw configurationError(`has no line marked \`${versionMarker}\`.`, {
      file,
      fix: `Add the comment \`${versionMarker}\` on the line that holds the version, e.g. VERSION = "1.2.3" # ${versionMarker}`,
    });
  }
  return out;
}
