import { escapeSummaryText } from '../release-plan/render-plan.js';
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
