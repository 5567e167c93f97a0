import type { ReleaseManifest } from './release-manifest.js';

/**
 * What changed between two releases: components whose version changed (or whose pin changed at
 * the same version — a re-published artifact deserves attention), components added and removed,
 * and, when a changelog source is given, the entries in between.
 */
export type ComponentCategory = 'package' | 'image' | 'infrastructure' | 'module' | 'assets';

export interface PinnedComponent {
  name: string;
  category: ComponentCategory;
  version: string;
  /** Digest for images and infrastructure, integrity for packages, h1: checksum for Go modules. */
  pin: string | null;
}

export interface ChangelogEntry {
  /** The release of the component the entry belongs to. */
  version: string;
  text: string;
}

export interface ComponentChange {
  name: string;
  category: ComponentCategory;
  from: string;
  to: string;
  /** `version`: another version; `pin`: the same version with another digest or integrity. */
  change: 'version' | 'pin';
  changelog: ChangelogEntry[];
}

export interface ManifestDiff {
  from: string;
  to: string;
  changed: ComponentChange[];
  added: PinnedComponent[];
  removed: PinnedComponent[];
  unchanged: number;
}

/** Where changelog entries come from (the git-reading implementation lives with the integrations). */
export interface ChangelogSource {
  /** Entries of `component` after version `from`, up to and including `to`, newest first. */
  entriesBetween(component: string, from: string, to: string): Promise<ChangelogEntry[]>;
}

export function pinnedComponents(manifest: ReleaseManifest): Map<string, PinnedComponent> {
  const all: PinnedComponent[] = [
    ...manifest.components.packages.map((p) => ({
      name: p.name,
      category: 'package' as const,
      version: p.version,
      pin: p.integrity ?? null,
    })),
    ...manifest.components.images.map((i) => ({
      name: i.name,
      category: 'image' as const,
      version: i.tag,
      pin: i.digest ?? null,
    })),
    ...manifest.components.infrastructure.map((i) => ({
      name: i.name,
      category: 'infrastructure' as const,
      version: i.version,
      pin: i.digest ?? null,
    })),
    ...(manifest.components.modules ?? []).map((m) => ({
      name: m.name,
      category: 'module' as const,
      version: m.version,
      pin: m.sum,
    })),
    ...(manifest.components.assets ?? []).map((a) => ({
      name: a.name,
      category: 'assets' as const,
      version: a.version,
      pin: a.checksums,
    })),
  ];
  return new Map(
    all.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)).map((c) => [c.name, c]),
  );
}

/** The difference from release `a` to release `b`, each list sorted by component name. */
export function diffManifests(a: ReleaseManifest, b: ReleaseManifest): ManifestDiff {
  const before = pinnedComponents(a);
  const after = pinnedComponents(b);
  const diff: ManifestDiff = {
    from: a.metadata.name,
    to: b.metadata.name,
    changed: [],
    added: [],
    removed: [],
    unchanged: 0,
  };
  for (const [name, next] of after) {
    const previous = before.get(name);
    if (previous === undefined) diff.added.push(next);
    else if (previous.version !== next.version || previous.pin !== next.pin) {
      diff.changed.push({
        name,
        category: next.category,
        from: previous.version,
        to: next.version,
        change: previous.version === next.version ? 'pin' : 'version',
        changelog: [],
      });
    } else diff.unchanged += 1;
  }
  for (const [name, previous] of before) if (!after.has(name)) diff.removed.push(previous);
  return diff;
}

/** The diff with each version change's changelog entries filled in from `source`. */
export async function addChangelogEntries(
  diff: ManifestDiff,
  source: ChangelogSource,
): Promise<ManifestDiff> {
  const changed = await Promise.all(
    diff.changed.map(async (c) =>
      c.change === 'version' ? { ...c, changelog: await source.entriesBetween(c.name, c.from, c.to) } : c,
    ),
  );
  return { ...diff, changed };
}

function table(rows: string[][]): string[] {
  const widths = rows.reduce<number[]>(
    (w, row) => row.map((cell, i) => Math.max(w[i] ?? 0, cell.length)),
    [],
  );
  return rows.map((row) => `  ${row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ')}`.trimEnd());
}

/** The diff for a terminal: one section per kind of change, entries indented under their component. */
export function renderManifestDiff(diff: ManifestDiff): string {
  const lines = [`${diff.from} → ${diff.to}`];
  if (diff.changed.length > 0) {
    lines.push('', `Changed (${diff.changed.length}):`);
    const rows = table(
      diff.changed.map((c) => [
        c.name,
        c.change === 'pin' ? `${c.to} (same version, new digest)` : `${c.from} → ${c.to}`,
        c.category,
      ]),
    );
    diff.changed.forEach((c, i) => {
      lines.push(rows[i] ?? '');
      for (const entry of c.changelog) lines.push(`      ${entry.version}: ${entry.text}`);
    });
  }
  if (diff.added.length > 0) {
    lines.push(
      '',
      `Added (${diff.added.length}):`,
      ...table(diff.added.map((c) => [c.name, c.version, c.category])),
    );
  }
  if (diff.removed.length > 0) {
    lines.push(
      '',
      `Removed (${diff.removed.length}):`,
      ...table(diff.removed.map((c) => [c.name, c.version, c.category])),
    );
  }
  if (diff.changed.length + diff.added.length + diff.removed.length === 0)
    lines.push('', 'No component changed.');
  lines.push('', `Unchanged: ${diff.unchanged}`);
  return `${lines.join('\n')}\n`;
}
