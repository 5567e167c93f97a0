import { configurationError } from '../relx-error.js';
import type { VersionFileChange } from './version-file-change.js';

/** Go versions carry no build metadata (`+incompatible` aside), and always a leading `v`. */
export const goVersion = (version: string) => `v${version.split('+')[0] ?? version}`;

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The `module` path of a go.mod, or null when it declares none. */
export function goModulePath(content: string): string | null {
  const match = /^\s*module\s+("?)([^\s"]+)\1\s*(\/\/.*)?\r?$/m.exec(content);
  return match?.[2] ?? null;
}

/**
 * go.mod: the module path (`change.modulePath`, for a major version's `/vN`) and the required
 * versions of the repository's own modules (`change.dependencies`, by module path). A go.mod
 * holds no version of its own — the module's version is its tag — so `change.version` is not
 * written; the file must still declare its module.
 */
export function updateGoMod(content: string, change: VersionFileChange, file: string): string {
  const current = goModulePath(content);
  if (current === null) {
    throw configurationError('has no `module` line.', {
      file,
      field: 'module',
      fix: 'Start the go.mod with `module <module path>` (go mod init <module path>).',
    });
  }
  let out = content;
  if (change.modulePath !== undefined && change.modulePath !== current) {
    out = out.replace(
      new RegExp(`^(\\s*module\\s+"?)${escapeRegExp(current)}("?)`, 'm'),
      (_, before: string, after: string) => `${before}${change.modulePath}${after}`,
    );
  }
  for (const [path, version] of Object.entries(change.dependencies ?? {})) {
    // `require path v1.2.3` on one line, or `path v1.2.3` inside a `require (…)` block.
    const line = new RegExp(`^(\\s*(?:require\\s+)?"?${escapeRegExp(path)}"?\\s+)(v[^\\s/]+)`, 'gm');
    out = out.replace(line, (whole, before: string, old: string) =>
      /^v\d/.test(old) ? `${before}${goVersion(version)}` : whole,
    );
  }
  return out;
}
