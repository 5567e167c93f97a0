import { escapeSummaryText } from '../release-plan/render-plan.js';
import { diffManifests } from './diff-manifests.js';
import type { ManifestStepResult } from './manifest-step.js';

/** What the step did with git, for the log: the commit made (or found) and the push. */
export function renderManifestRecorded(result: ManifestStepResult): string[] {
  const { written, recorded } = result;
  if (!written || !recorded) return [];
  const files = `${written.relativePath} and ${written.relativeBomPath}`;
  return [
    recorded.commit ? `Committed ${files} as ${recorded.commit}.` : `${files} are committed already.`,
    ...(recorded.pushed ? [`Pushed ${recorded.pushed.branch} to ${recorded.pushed.remote}.`] : []),
  ];
}

/** write-manifest's step summary: every component pinned, and what changed since the previous release. */
export function renderManifestSummary(result: ManifestStepResult): string {
  const e = escapeSummaryText;
  const { manifest, previous: previousRead, written } = result;
  const status = !written
    ? 'dry run: nothing written'
    : written.written
      ? `written to \`${e(written.relativePath)}\``
      : 'already written';
  const previous = previousRead && 'manifest' in previousRead ? previousRead.manifest : null;
  const changes = previous ? diffManifests(previous, manifest) : null;
  const changed = new Map(changes?.changed.map((c) => [c.name, `${e(c.from)} → ${e(c.to)}`]) ?? []);
  const added = new Set(changes?.added.map((c) => c.name) ?? []);
  const rows = [
    ...manifest.components.packages.map((p) => [p.name, 'package', p.version, p.integrity ?? '']),
    ...manifest.components.images.map((i) => [i.name, 'image', i.tag, i.digest ?? '']),
    ...manifest.components.infrastructure.map((i) => [i.name, i.kind, i.version, i.digest ?? '']),
  ];
  const lines = [
    `## Release manifest ${e(manifest.metadata.name)} (${status})`,
    '',
    previous
      ? `Follows ${e(previous.metadata.name)}.`
      : previousRead && 'unreadable' in previousRead
        ? `Follows ${e(manifest.metadata.previous ?? '')}, whose manifest could not be read (${e(previousRead.unreadable)}): changes not shown.`
        : 'The first release.',
    '',
    '| component | kind | version | pin | change |',
    '|---|---|---|---|---|',
    ...rows.map(([name = '', kind = '', version = '', pin = '']) => {
      const change = changed.get(name) ?? (added.has(name) ? 'added' : previousRead ? 'carried over' : 'new');
      return `| \`${e(name)}\` | ${e(kind)} | ${e(version)} | \`${e(pin.slice(0, 19))}…\` | ${change} |`;
    }),
  ];
  if (changes && changes.removed.length > 0) {
    lines.push('', `Removed: ${changes.removed.map((c) => `\`${e(c.name)}\``).join(', ')}`);
  }
  return `${lines.join('\n')}\n`;
}
