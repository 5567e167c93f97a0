import { resolve } from 'node:path';
import type { Command } from 'commander';
import {
  computeDeliveryMetrics,
  planMetricsSourceRevisions,
  type Clock,
} from '../metrics/delivery-metrics.js';
import { readGitOpsPromotions, readSourceHistory } from '../metrics/read-delivery-history.js';
import { renderMetricsMarkdown, renderMetricsTable, renderOpenMetrics } from '../metrics/render-metrics.js';
import { inputError } from '../relx-error.js';
import { gitopsOption, gitopsRemote } from './gitops-remote.js';

interface MetricsOptions {
  env: string;
  since: string;
  component?: string;
  gitops?: string;
  source?: string;
  json?: boolean;
  openmetrics?: boolean;
  markdown?: boolean;
  now?: string;
}

/** `90d`, `12w` → days. */
export function parseSinceDays(value: string): number {
  const match = /^(\d+)([dw])$/.exec(value.trim());
  const days = match ? Number(match[1]) * (match[2] === 'w' ? 7 : 1) : 0;
  if (!match || days < 1 || days > 3660) {
    throw inputError(`--since ${value} is not a period relx can measure.`, {
      field: '--since',
      fix: 'Give days or weeks back from now, e.g. 90d or 12w (at most 10 years).',
    });
  }
  return days;
}

/** The clock metrics read "now" from: --now, else RELX_NOW (ISO 8601), else the system clock. */
function metricsClock(option: string | undefined): Clock {
  const pinned = option ?? process.env.RELX_NOW;
  if (!pinned) return { now: () => new Date() };
  const at = new Date(pinned);
  if (Number.isNaN(at.getTime())) {
    throw inputError(`${option ? '--now' : 'RELX_NOW'} "${pinned}" is not a date.`, {
      field: option ? '--now' : 'RELX_NOW',
      fix: 'Use ISO 8601, e.g. 2026-12-01T00:00:00Z.',
    });
  }
  return { now: () => at };
}

/** `relx metrics`: DORA figures and more from the GitOps history and the source repository. Reads only. */
export function registerMetricsCommand(program: Command): void {
  program
    .command('metrics')
    .description(
      'Delivery metrics of an environment from git alone: deployment frequency, lead time, build-to-deploy, change failure rate, time to restore, canary share, audit completeness.',
    )
    .requiredOption('--env <env>', 'the environment, e.g. prod')
    .option('--since <period>', 'how far back: days or weeks, e.g. 90d, 12w', '90d')
    .option('--component <name>', 'only promotions that changed this component')
    .option(...gitopsOption)
    .option('--source <path>', 'the source repository, for commit times (default: the current directory)')
    .option('--now <iso-date>', 'the end of the period (default: now, or RELX_NOW)')
    .option('--json', 'print JSON')
    .option('--openmetrics', 'print Prometheus/OpenMetrics text (for a textfile collector or a push gateway)')
    .option('--markdown', 'print a Markdown report with a Mermaid chart (for a job summary)')
    .action(async (options: MetricsOptions) => {
      const days = parseSinceDays(options.since);
      const clock = metricsClock(options.now);
      const promotions = await readGitOpsPromotions(await gitopsRemote(options.gitops), options.env);
      const period = { environment: options.env, days, component: options.component ?? null };
      const revisions = planMetricsSourceRevisions(promotions, period, clock);
      const source = await readSourceHistory(resolve(options.source ?? '.'), revisions);
      const metrics = computeDeliveryMetrics(promotions, source, period, clock);
      if (options.json) process.stdout.write(`${JSON.stringify(metrics, null, 2)}\n`);
      else if (options.openmetrics) process.stdout.write(renderOpenMetrics(metrics));
      else if (options.markdown) process.stdout.write(renderMetricsMarkdown(metrics));
      else process.stdout.write(renderMetricsTable(metrics));
    });
}
