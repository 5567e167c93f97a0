import type { DeliveryMetrics, DurationSummary } from './delivery-metrics.js';

/** 93784 → `1d 2h`, 3725 → `1h 2m`, 125 → `2m 5s`: two units are enough to read a trend. */
export function renderDuration(seconds: number | null): string {
  if (seconds === null) return '-';
  const sign = seconds < 0 ? '-' : '';
  const s = Math.round(Math.abs(seconds));
  const units: Array<[string, number]> = [
    ['d', 86_400],
    ['h', 3_600],
    ['m', 60],
    ['s', 1],
  ];
  const at = units.findIndex(([, size]) => s >= size);
  const [name, size] = units[at < 0 ? 3 : at] as [string, number];
  const next = units[(at < 0 ? 3 : at) + 1];
  const minor = next ? Math.floor((s % size) / next[1]) : 0;
  return `${sign}${Math.floor(s / size)}${name}${next && minor > 0 ? ` ${minor}${next[0]}` : ''}`;
}

const percent = (r: number | null) => (r === null ? '-' : `${(r * 100).toFixed(1)}%`);
const spread = (d: DurationSummary) =>
  d.count === 0 ? '-' : `median ${renderDuration(d.median)}, p90 ${renderDuration(d.p90)} (${d.count})`;

function rows(m: DeliveryMetrics): Array<[string, string]> {
  const f = m.changeFailure;
  const out: Array<[string, string]> = [
    [
      'deployments',
      `${m.deployments} of ${m.promotions} promotions, ${m.rollbacks} rollbacks — ${m.deploymentFrequency.perDay.toFixed(2)}/day, ${m.deploymentFrequency.perWeek.toFixed(2)}/week`,
    ],
    [
      'lead time for changes',
      `${spread(m.leadTime)}${m.leadTime.unmeasured > 0 ? `; ${m.leadTime.unmeasured} deployments not measured (source commit not in the source repository)` : ''}`,
    ],
  ];
  for (const [name, d] of Object.entries(m.leadTime.byComponent)) out.push([`  ${name}`, spread(d)]);
  out.push(
    ['build to deploy', spread(m.buildToDeploy)],
    [
      'change failure rate',
      `${percent(f.rate)} (${f.failed} of ${f.of}: ${f.byCause.rollback} rolled back, ${f.byCause.abort} canaries aborted, ${f.byCause.hotfix} hotfixed)`,
    ],
    [
      'time to restore',
      `${spread(m.timeToRestore)}${m.timeToRestore.unrestored > 0 ? `; ${m.timeToRestore.unrestored} not restored yet` : ''}`,
    ],
    ['through a canary', `${percent(m.canary.share)} (${m.canary.through} of ${m.canary.of})`],
    [
      'audit complete',
      `${percent(m.audit.share)} (${m.audit.complete} of ${m.audit.commits} commits: ${m.audit.withApprover} with approver, ${m.audit.withRun} with run, ${m.audit.validManifest} with a valid manifest)`,
    ],
  );
  return out;
}

const title = (m: DeliveryMetrics) =>
  `${m.environment}${m.component ? ` (${m.component})` : ''}, ${m.period.since} → ${m.period.until} (${m.period.days} days)`;

export function renderMetricsTable(m: DeliveryMetrics): string {
  const table = rows(m);
  const width = Math.max(...table.map(([k]) => k.length));
  return `${title(m)}\n${table.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n')}\n`;
}

/** The job summary: the table and a Mermaid chart of the weekly median lead time, in hours. */
export function renderMetricsMarkdown(m: DeliveryMetrics): string {
  const cell = (v: string) => v.replaceAll('|', '\\|');
  const lines = [
    `### Delivery metrics: ${title(m)}`,
    '',
    '| figure | value |',
    '|---|---|',
    ...rows(m).map(([k, v]) => `| ${cell(k.trim())} | ${cell(v)} |`),
  ];
  if (m.weeks.length > 0) {
    const hours = m.weeks.map((w) =>
      w.leadTimeMedian === null ? 0 : Math.round(w.leadTimeMedian / 36) / 100,
    );
    lines.push(
      '',
      '```mermaid',
      'xychart-beta',
      '  title "Median lead time per week (hours; 0: no deployment)"',
      `  x-axis [${m.weeks.map((w) => `"${w.start.slice(5, 10)}"`).join(', ')}]`,
      '  y-axis "hours"',
      `  bar [${hours.join(', ')}]`,
      '```',
    );
  }
  return `${lines.join('\n')}\n`;
}

const escapeLabel = (v: string) => v.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n');

/** Prometheus/OpenMetrics text (`promtool check metrics` accepts it): gauges, one family each. */
export function renderOpenMetrics(m: DeliveryMetrics): string {
  const base = `environment="${escapeLabel(m.environment)}",window_days="${m.period.days}"${m.component ? `,component="${escapeLabel(m.component)}"` : ''}`;
  const out: string[] = [];
  const family = (name: string, help: string, samples: Array<[string, number | null]>) => {
    const present = samples.filter((s): s is [string, number] => s[1] !== null);
    if (present.length === 0) return;
    out.push(`# HELP relx_delivery_${name} ${help}`, `# TYPE relx_delivery_${name} gauge`);
    for (const [labels, value] of present) out.push(`relx_delivery_${name}{${base}${labels}} ${value}`);
  };
  const byComponent = (pick: (d: DurationSummary) => number | null): Array<[string, number | null]> =>
    Object.entries(m.leadTime.byComponent).map(([c, d]) => [
      `,changed_component="${escapeLabel(c)}"`,
      pick(d),
    ]);
  family('deployments', 'Deployments (promotions that took all traffic) in the window.', [
    ['', m.deployments],
  ]);
  family('promotions', 'Promotions started in the window, rollbacks apart.', [['', m.promotions]]);
  family('rollbacks', 'Rollbacks in the window.', [['', m.rollbacks]]);
  family('deployments_per_day', 'Deployment frequency over the window.', [
    ['', m.deploymentFrequency.perDay],
  ]);
  family('lead_time_median_seconds', 'Median lead time for changes, first commit to deployment.', [
    ['', m.leadTime.median],
    ...byComponent((d) => d.median),
  ]);
  family('lead_time_p90_seconds', '90th percentile lead time for changes.', [
    ['', m.leadTime.p90],
    ...byComponent((d) => d.p90),
  ]);
  family('build_to_deploy_median_seconds', 'Median time from manifest created to deployed.', [
    ['', m.buildToDeploy.median],
  ]);
  family('build_to_deploy_p90_seconds', '90th percentile time from manifest created to deployed.', [
    ['', m.buildToDeploy.p90],
  ]);
  family('change_failure_ratio', 'Promotions followed by a rollback, a canary abort or a hotfix.', [
    ['', m.changeFailure.rate],
  ]);
  family('failed_promotions', 'Failed promotions by cause.', [
    [',cause="rollback"', m.changeFailure.byCause.rollback],
    [',cause="abort"', m.changeFailure.byCause.abort],
    [',cause="hotfix"', m.changeFailure.byCause.hotfix],
  ]);
  family('time_to_restore_median_seconds', 'Median time from a failed promotion to the next good state.', [
    ['', m.timeToRestore.median],
  ]);
  family('time_to_restore_p90_seconds', '90th percentile time to restore.', [['', m.timeToRestore.p90]]);
  family('canary_ratio', 'Share of promotions that went through a canary.', [['', m.canary.share]]);
  family('audit_complete_ratio', 'Share of promotion commits with approver, run link and a valid manifest.', [
    ['', m.audit.share],
  ]);
  return `${out.join('\n')}\n# EOF\n`;
}
