import type { GatedEnvironment } from './gate-environment.js';
import type { GateVerdict, SloGateReport } from './run-slo-gate.js';

/**
 * The `relx-rollback-requested` dispatch's `client_payload`: what failed the gate and what to undo.
 * A receiver aborts the canary when `canary` is true (`relx promote --env E --abort --reason …
 * --gate-report <gate_report>`), and rolls the environment back from `release` otherwise; null
 * `release`/`canary` mean the gate did not read the environment's state (no gitops-repository),
 * so the receiver must look. Treat it as untrusted input: pass it through `env:`, never `${{ }}`
 * in a script. Nine keys (GitHub allows ten).
 */
export interface RollbackRequest {
  environment: string;
  /** The release to undo: the canary's while one is in progress, else the environment's. */
  release: string | null;
  /** True: the release is a canary in progress — abort it, the stable release keeps running. */
  canary: boolean | null;
  /** The component whose versions the gate compared, when it named one. */
  component: string | null;
  verdict: GateVerdict;
  /** One line: why the gate did not pass, with the numbers of the first objective that failed. */
  reason: string;
  /** The gate's report: the run whose job summary holds every number. */
  gate_report: string;
  run_url: string;
  /** A failed objective's numbers, e.g. `maxErrorRateDelta: canary 0.12 − baseline 0.0105 = 0.1095 > 0.02`. */
  numbers: string | null;
}

/** A rollback is requested only for a verdict: not while baking, and never for a pass. Pure. */
export function planRollbackRequest(
  report: SloGateReport,
  gated: Pick<GatedEnvironment, 'subject' | 'target'>,
  where: { environment: string; reportUrl: string; runUrl: string },
): RollbackRequest | null {
  if (report.passed || report.verdict === 'baking') return null;
  const failed = report.samples
    .flatMap((s) => s.objectives)
    .find((o) => o.outcome === 'fail' || o.outcome === 'inconclusive');
  return {
    environment: where.environment,
    release: gated.subject?.release ?? null,
    canary: gated.subject?.canary ?? null,
    component: gated.target?.component ?? null,
    verdict: report.verdict,
    reason: firstLine(`${report.reason}${failed ? ` — ${failed.objective}: ${failed.reason}` : ''}`),
    gate_report: where.reportUrl,
    run_url: where.runUrl,
    numbers: failed ? firstLine(`${failed.objective}: ${failed.reason}`) : null,
  };
}

const firstLine = (text: string) => text.split('\n')[0]?.slice(0, 500) ?? '';
