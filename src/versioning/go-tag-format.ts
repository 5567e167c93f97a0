/**
 * Go's tag for a module version: `v1.2.3` for a module at the repository root, `<folder>/v1.2.3`
 * for one in a folder (`sdk/go/v2.1.0`). The go command finds a module's versions only under
 * these tags, so a go-module has no other tag format. Braces in a folder cannot be placeholders.
 */
export function goTagFormat(folder: string): string {
  return folder === '' ? 'v{version}' : `${folder}/v{version}`;
}

/** The major version a module path must end in for `version` (`/v2` for 2.x), or null below 2. */
export function goMajorSuffix(version: string): string | null {
  const major = Number(/^(\d+)\./.exec(version)?.[1] ?? '0');
  return major >= 2 ? `/v${major}` : null;
}

/** The module path for `version`: its `/vN` replaced or added (2+), or removed (below 2). */
export function goModulePathFor(modulePath: string, version: string): string {
  const base = modulePath.replace(/\/v[2-9]\d*$|\/v[1-9]\d+$/, '');
  return `${base}${goMajorSuffix(version) ?? ''}`;
}
