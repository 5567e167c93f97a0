import { escapeSummaryText } from '../release-plan/render-plan.js';
import type { PublishedList } from '../manifest/published-list.js';
import { renderError } from '../relx-error.js';
import type { PublishReleaseResult } from './publish-release.js';

const icon: Record<string, string> = {
  published: '✅',
  skipped: '⏭️',
  planned: '📝',
  failed: '❌',
  'not attempted': '⏸️',
};

/** The job summary: one row per component with its reference and pin, and what happened to it. */
export function renderPublishSummary(result: PublishReleaseResult, dryRun: boolean): string {
  const e = escapeSummaryText;
  const pins = new Map(result.list.items.map((i) => [i.component, i.digest ?? i.integrity ?? '']));
  const lines = [
    `## Publish${dryRun ? ' (dry run: nothing published)' : ''}`,
    '',
    result.failure
      ? `**Stopped part-way**: ${e(result.failure.message)} — a re-run publishes the rest and skips what is already there.`
      : result.outcomes.length === 0
        ? 'Nothing was released at this commit.'
        : `${result.outcomes.filter((o) => o.outcome === 'published').length} published, ${result.outcomes.filter((o) => o.outcome === 'skipped').length} already there.`,
    '',
  ];
  if (result.outcomes.length > 0) {
    lines.push(
      '| component | kind | version | reference | digest / integrity | |',
      '|---|---|---|---|---|---|',
    );
    for (const o of result.outcomes) {
      const pin = pins.get(o.component) ?? '';
      lines.push(
        `| \`${e(o.component)}\` | ${o.kind} | ${e(o.version)} | \`${e(o.reference)}\` | ${pin ? `\`${e(pin.slice(0, 23))}…\`` : ''} | ${icon[o.outcome] ?? ''} ${o.outcome}${o.error ? `: ${e(o.error)}` : ''} |`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

/** The error a failed run ends with: why, then what was and was not published. */
export function renderPublishFailure(result: PublishReleaseResult): string {
  const done = result.outcomes
    .filter((o) => o.outcome === 'published' || o.outcome === 'skipped')
    .map((o) => o.component);
  const left = result.outcomes
    .filter((o) => o.outcome === 'failed' || o.outcome === 'not attempted')
    .map((o) => o.component);
  return `${result.failure ? renderError(result.failure) : ''}\nPublished: ${done.join(', ') || 'nothing'}. Not published: ${left.join(', ')}. A re-run finishes the rest.`;
}

/**
 * `sha256sum`-style lines for what went to OCI registries (`<hex>  <repository>`), the subjects
 * format actions/attest-build-provenance reads.
 */
export function attestationSubjects(list: PublishedList): string[] {
  // Release assets are attested file by file (a CLI binary per platform), checksums.txt included.
  return list.items.flatMap((i) =>
    i.kind === 'release-assets'
      ? (i.assets ?? []).map((a) => `${a.digest.slice(7)}  ${a.name}`)
      : i.digest?.startsWith('sha256:')
        ? [`${i.digest.slice(7)}  ${i.reference.replace(/^oci:\/\//, '').replace(/:[^:/]+$/, '')}`]
        : [],
  );
}
