/**
 * Release tags are rendered from a template such as `{name}@{version}`, `{name}-v{version}` or
 * `v{version}`. Parsing is the inverse: a tag belongs to a component when it matches the
 * component's template with a version in place of `{version}`.
 */

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function renderTag(format: string, name: string, version: string): string {
  return format.replaceAll('{name}', name).replaceAll('{version}', version);
}

/** A matcher for one component's tags; returns the version a tag carries, or null. */
export function tagMatcher(format: string, name: string): (tag: string) => string | null {
  const [before, after] = renderTag(format, name, '\u0000').split('\u0000') as [string, string];
  const pattern = new RegExp(`^${escapeRegExp(before)}([0-9][0-9A-Za-z.+-]*)${escapeRegExp(after)}$`);
  return (tag) => pattern.exec(tag)?.[1] ?? null;
}
