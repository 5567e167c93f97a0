import { escapeSummaryText } from '../release-plan/render-plan.js';
import { scrubSecrets } from '../secret-scrubber.js';
import type { ObjectiveResult } from './evaluate-slo.js';
import type { SloGateReport } from './run-slo-gate.js';

const icon = { pass: '✅', fail: '❌', inconclusive: '❔', baking: '⏳' } as const;
const number = (n: number | null, objective: ObjectiveResult['objective']) => {
  if (n === null) return 'no data';
  if (Number.isNaN(n)) return 'NaN';
  if (objective === 'maxErrorRateDelta' || objective === 'maxErrorRate') return `${(n * 100).toFixed(3)}%`;
  if (objective === 'minRequests') return String(Math.round(n));
  return `${n.toFixed(1)} ms`;
};

/** The job summary: the verdict and why, a table per sample, the queries, and a chart of the samples. */
export function renderSloSummary(report: SloGateReport): string {
  const e = escapeSummaryText;
  const lines = [
    `## SLO gate: ${icon[report.verdict]} ${report.verdict}${report.verdict === 'inconclusive' ? (report.passed ? ' (passes: on-inconclusive is pass)' : ' (fails: on-inconclusive is fail)') : ''}`,
    '',
    e(report.reason),
    '',
    `${e(report.provider)}, window ${e(report.window)}${renderBake(report)}.`,
  ];
  const target = report.target;
  if (target) {
    lines.push(
      '',
      `Compared in \`${e(target.environment)}\`: ${e(target.component)} ${e(target.canaryVersion ?? '—')} (canary, release ${e(target.canaryRelease ?? '—')}) against ${e(target.stableVersion ?? '—')} (stable, release ${e(target.stableRelease ?? '—')}).`,
    );
  }
  for (const sample of report.samples) {
    lines.push(
      '',
      `### ${icon[sample.outcome]} sample at ${e(sample.at)}`,
      '',
      '| objective | baseline | canary | delta | threshold | result |',
      '|---|---|---|---|---|---|',
      ...sample.objectives.map(
        (o) =>
          `| \`${o.objective}\` | ${number(o.baseline, o.objective)} | ${number(o.canary, o.objective)} | ${o.delta === null ? '' : number(o.delta, o.objective)} | ${number(o.threshold, o.objective)} | ${icon[o.outcome]} ${e(o.reason)} |`,
      ),
    );
  }
  if (report.samples.length > 0) lines.push('', ...renderSampleChart(report));
  lines.push('', '<details><summary>Queries</summary>', '');
  for (const side of ['baseline', 'canary'] as const) {
    for (const [name, query] of Object.entries(report.queries[side]))
      lines.push(`- ${side} ${name}: \`${e(query)}\``);
  }
  lines.push('', '</details>');
  return `${lines.join('\n')}\n`;
}

function renderBake(report: SloGateReport): string {
  const bake = report.bake;
  const progress = report.bakeProgress;
  const limit = bake && bake.failureLimit > 1 ? `, fails at ${bake.failureLimit} failed samples` : '';
  if (progress) {
    return `, bake ${progress.bakedSeconds} s of ${progress.bakeSeconds} s since ${escapeSummaryText(progress.stepStartedAt)}${progress.complete ? ' (complete)' : ''}${limit}`;
  }
  if (!bake) return '';
  return `, bake ${bake.samples ?? '—'} × ${escapeSummaryText(bake.interval ?? report.window)}${limit}`;
}

/** A Mermaid xychart of the error rate (%) of both sides across the samples. */
export function renderSampleChart(report: SloGateReport): string[] {
  const percent = (n: number | null) =>
    n === null || !Number.isFinite(n) ? 0 : Number((n * 100).toFixed(4));
  const labels = report.samples.map((_, i) => `"${i + 1}"`).join(', ');
  const rates = (side: 'baseline' | 'canary') =>
    report.samples.map((s) => percent(s[side].errorRate)).join(', ');
  const p99 = (side: 'baseline' | 'canary') =>
    report.samples
      .map((s) =>
        Number(
          (Number.isFinite(s[side].p99LatencyMs ?? NaN) ? (s[side].p99LatencyMs as number) : 0).toFixed(1),
        ),
      )
      .join(', ');
  return [
    'Error rate (%) per sample — baseline, then canary:',
    '',
    '```mermaid',
    'xychart-beta',
    '  title "Error rate (%)"',
    `  x-axis [${labels}]`,
    '  y-axis "%"',
    `  line [${rates('baseline')}]`,
    `  line [${rates('canary')}]`,
    '```',
    '',
    'p99 latency (ms) per sample — baseline, then canary:',
    '',
    '```mermaid',
    'xychart-beta',
    '  title "p99 latency (ms)"',
    `  x-axis [${labels}]`,
    '  y-axis "ms"',
    `  line [${p99('baseline')}]`,
    `  line [${p99('canary')}]`,
    '```',
  ];
}

/**
 * Everything the gate writes — the JSON report (output and file), the job summary, the failure
 * message — with the credentials it was given scrubbed out: a backend or proxy that echoes a
 * token back in an error must not put it in a summary or an output.
 */
export function renderSloGateTexts(
  report: SloGateReport,
  options: { environment?: string; secrets: ReadonlyArray<string | null | undefined> },
): { json: string; summary: string; failure: string | null } {
  const scrub = (text: string) => scrubSecrets(text, options.secrets);
  const environment = options.environment
    ? `Environment: \`${options.environment.replace(/[`<>&]/g, '')}\`\n\n`
    : '';
  return {
    json: scrub(JSON.stringify(report, null, 2)),
    summary: scrub(`${environment}${renderSloSummary(report)}`),
    failure: report.passed ? null : scrub(`SLO gate ${report.verdict}: ${report.reason}`),
  };
}
