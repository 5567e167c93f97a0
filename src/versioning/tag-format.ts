/**
 * Release tags are rendered from a template such as `{name}@{version}`, `{name}-v{version}` or
 * `v{version}`. Parsing is the inverse: a tag belongs to a component when it matches the
 * component's template with a version in place of `{version}`.
 *
 * Placeholders: `{name}` the component's name, `{unscopedName}` its name without an npm scope
 * (`@opentelemetry/api` → `api`, as release-please tags node packages), `{dir}` the last segment of
 * its folder (`packages/babel-core` → `babel-core`), and `{version}`.
 */

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** What a tag template is filled from. A bare string is a name whose folder is unknown. */
export type TagSubject = string | { name: string; paths: readonly string[] };

export const unscopedName = (name: string): string => name.replace(/^@[^/]+\//, '');

/** The last segment of the component's (first) folder; the repository root has none, so its name stands in. */
export function folderName(subject: TagSubject): string {
  if (typeof subject === 'string') return unscopedName(subject);
  const path = subject.paths[0] ?? '';
  return path === '' ? unscopedName(subject.name) : (path.split('/').pop() ?? path);
}

export function renderTag(format: string, subject: TagSubject, version: string): string {
  const name = typeof subject === 'string' ? subject : subject.name;
  return format
    .replaceAll('{name}', name)
    .replaceAll('{unscopedName}', unscopedName(name))
    .replaceAll('{dir}', folderName(subject))
    .replaceAll('{version}', version);
}

/** A matcher for one component's tags; returns the version a tag carries, or null. */
/** The literal text every tag of this format starts with, before its version (`@acme/api@`, `v`). */
export function tagPrefix(format: string, subject: TagSubject): string {
  return renderTag(format, subject, '\u0000').split('\u0000')[0] ?? '';
}

export function tagMatcher(format: string, subject: TagSubject): (tag: string) => string | null {
  const [before, after] = renderTag(format, subject, '\u0000').split('\u0000') as [string, string];
  const pattern = new RegExp(`^${escapeRegExp(before)}([0-9][0-9A-Za-z.+-]*)${escapeRegExp(after)}$`);
  return (tag) => pattern.exec(tag)?.[1] ?? null;
}
