import { escapeSummaryText } from '../release-plan/render-plan.js';
import type { PromotionResult } from './promote-environment.js';

function heading(environment: string, result: PromotionResult): string {
  const e = escapeSummaryText;
  if (result.canary)
    return `## ${e(environment)}: canary ${e(result.manifest)} ${result.status === 'planned' ? 'planned (dry run)' : e(result.canary.status)}`;
  const what =
    result.status === 'unchanged'
      ? `already runs ${e(result.manifest)}`
      : result.status === 'planned'
        ? `would run ${e(result.manifest)} (dry run)`
        : `now runs ${e(result.manifest)}`;
  return `## ${e(environment)}: ${what}`;
}

/** promote-env's job summary: what the environment runs now, and the audit record of the promotion. */
export function renderPromotionSummary(environment: string, result: PromotionResult): string {
  const e = escapeSummaryText;
  const record = result.record;
  return (
    [
      heading(environment, result),
      '',
      `| | |`,
      `|---|---|`,
      `| release | ${e(result.manifest)} |`,
      `| previous | ${e(result.previous ?? '—')} |`,
      `| GitOps commit | ${e(result.commit ?? '—')} |`,
      `| approved by | ${e(record?.approvedBy ?? '—')} |`,
      `| hotfix | ${record?.hotfix ? 'yes (environment order skipped)' : 'no'} |`,
      result.canary
        ? `| canary | ${e(result.canary.status)}${result.canary.weight !== null ? ` — ${result.canary.weight} % of traffic` : ''} |`
        : '',
      record?.abortReason ? `| abort reason | ${e(record.abortReason)} |` : '',
      record?.gateReport ? `| gate report | ${e(record.gateReport)} |` : '',
      record?.rollbackOf
        ? `| rollback of | ${e(record.rollbackOf)}${record.component ? ` (${e(record.component)} only)` : ''} |`
        : '',
      `| files | ${result.files.map((f) => `\`${e(f)}\``).join(', ') || '—'} |`,
      '',
    ]
      .filter((l) => l !== '')
      .join('\n') + '\n'
  );
}
