import { configurationError } from '../relx-error.js';
import type { VersionFileChange, VersionFileUpdater } from './version-file-change.js';

/**
 * `version = "…"` inside the first of `tables` the file has, edited on its line: TOML files are
 * hand-written and full of comments, so nothing else is touched.
 */
function tomlVersionUpdater(kind: string, tables: readonly string[]): VersionFileUpdater {
  return (content: string, change: VersionFileChange, file: string) => {
    if (change.version === undefined) return content;
    const lines = content.split('\n');
    for (const table of tables) {
      let inside = false;
      for (let i = 0; i < lines.length; i++) {
        const line = lines[i] ?? '';
        const header = /^\s*\[([^\]]+)\]\s*(#.*)?\r?$/.exec(line);
        if (header) {
          inside = header[1]?.trim() === table;
          continue;
        }
        const match = inside ? /^(\s*version\s*=\s*)(["'])([^"']*)\2([\s\S]*)$/.exec(line) : null;
        if (match) {
          lines[i] = `${match[1]}${match[2]}${change.version}${match[2]}${match[4]}`;
          return lines.join('\n');
        }
      }
    }
    throw configurationError(`has no \`version\` in [${tables.join('] or [')}].`, {
      file,
      field: `${tables[0]}.version`,
      fix: `Add \`version = "0.1.0"\` under [${tables[0]}] of this ${kind}.`,
    });
  };
}

export const updatePyprojectToml = tomlVersionUpdater('pyproject.toml', ['project', 'tool.poetry']);
export const updateCargoToml = tomlVersionUpdater('Cargo.toml', ['package', 'workspace.package']);
