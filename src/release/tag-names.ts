/**
 * Why `name` cannot be a tag (`refs/tags/<name>`), by the rules of `git check-ref-format`, or
 * null when it can. Pure, so a tagFormat is checked before anything is written.
 */
export function invalidRefNameReason(name: string): string | null {
  if (name === '') return 'it is empty';
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x20\x7f]/.test(name)) return 'it contains a space or a control character';
  const bad = /[~^:?*[\\]/.exec(name);
  if (bad) return `it contains "${bad[0]}"`;
  if (name.includes('..')) return 'it contains ".."';
  if (name.includes('@{')) return 'it contains "@{"';
  if (name.startsWith('/') || name.endsWith('/') || name.includes('//'))
    return 'it has an empty path component';
  if (name.endsWith('.')) return 'it ends with "."';
  for (const part of name.split('/')) {
    if (part.startsWith('.')) return `its component "${part}" starts with "."`;
    if (part.endsWith('.lock')) return `its component "${part}" ends with ".lock"`;
  }
  return null;
}
