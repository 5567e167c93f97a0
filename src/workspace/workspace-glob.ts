/**
 * A workspace glob as a regular expression: `*` within one folder name, `**` across folders
 * (none included, so `fixtures/**` matches fixtures itself, as in fast-glob).
 */
export function globToRegExp(glob: string): RegExp {
  const parts = glob.replace(/^\.\//, '').replace(/\/+$/, '').split('/');
  let source = '';
  parts.forEach((part, i) => {
    const first = i === 0;
    if (part === '**') {
      // `**` brings its own slashes: `a/**/b` is a/b, a/x/b …; `a/**` is a and all below it
      if (i === parts.length - 1) source += first ? '.*' : '(?:/.*)?';
      else source += first ? '(?:[^/]+/)*' : '/(?:[^/]+/)*';
      return;
    }
    const segment = part
      .split('*')
      .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('[^/]*');
    source += first || parts[i - 1] === '**' ? segment : `/${segment}`;
  });
  return new RegExp(`^${source}$`);
}

/**
 * Whether a folder is excluded: it, or a folder it is in, matches one of the globs — so
 * `playground` and `playground/**` both leave out everything below playground/.
 */
export function isExcludedFolder(folder: string, excluded: readonly RegExp[]): boolean {
  if (excluded.length === 0 || folder === '') return false;
  const parts = folder.split('/');
  for (let i = 1; i <= parts.length; i++) {
    const prefix = parts.slice(0, i).join('/');
    if (excluded.some((glob) => glob.test(prefix))) return true;
  }
  return false;
}
