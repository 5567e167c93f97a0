import { formatSeconds } from '../http/retry-policy.js';
import { escapeSummaryText } from '../release-plan/render-plan.js';
import { scrubSecrets } from '../secret-scrubber.js';
import type { WaitStepResult } from './wait-step.js';

/** One line: what was waited on, how it ended and after how long. */
export function renderWaitLine(result: WaitStepResult): string {
  return `${result.what}: ${result.outcome} — ${result.reason} (after ${formatSeconds(result.elapsedMs)})`;
}

/** The wait's job summary: its line (scrubbed before it is escaped), bold, ✅ when applied. */
export function renderWaitSummary(result: WaitStepResult): string {
  return `**${result.outcome === 'applied' ? '✅' : '❌'} ${escapeSummaryText(scrubSecrets(renderWaitLine(result)))}**\n`;
}
