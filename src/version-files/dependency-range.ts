import semver from 'semver';

/**
 * The range a dependent should declare for a dependency's new version, keeping its style:
 * `^1.2.0` → `^1.3.0`, `~`, exact, `>=`; `workspace:*|^|~` resolve at publish and stay;
 * `workspace:^1.2.0` → `workspace:^1.3.0`. Other ranges stay when they still admit the new
 * version, and become `^<version>` when they do not.
 */
export function updateDependencyRange(range: string, withMetadata: string): string {
  // Ranges ignore build metadata; writing it would only look like a pin it is not.
  const version = withMetadata.split('+')[0] ?? withMetadata;
  if (range.startsWith('workspace:')) {
    const inner = range.slice('workspace:'.length);
    return ['*', '^', '~', ''].includes(inner) ? range : `workspace:${updateDependencyRange(inner, version)}`;
  }
  const simple = /^(\^|~|>=|=)?v?(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?)$/.exec(
    range.trim(),
  );
  if (simple) return `${simple[1] ?? ''}${version}`;
  if (range === '*' || range === 'latest' || range === '') return range;
  if (semver.validRange(range) && semver.satisfies(version, range, { includePrerelease: true })) return range;
  return `^${version}`;
}
