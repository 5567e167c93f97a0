import { RelxError } from '../relx-error.js';
import {
  bakeIsDecided,
  decideVerdict,
  evaluateSample,
  type SampleResult,
  type SideSample,
  type SloVerdict,
} from './evaluate-slo.js';
import { systemClock } from '../clock.js';
import { queryWithRetry, type Clock, type MetricsProvider } from './metrics-provider.js';
import { planBake, type BakeProgress, type CanaryStep } from './bake-schedule.js';
import { durationMs, type SloPolicy } from './slo-policy.js';
import type { SideQueries } from './slo-queries.js';
import type { GateTarget } from './version-placeholders.js';

/** The gate's verdict: a bake across runs that is not complete yet, and has not failed, is `baking`. */
export type GateVerdict = SloVerdict['verdict'] | 'baking';

export interface SloGateReport extends Omit<SloVerdict, 'verdict'> {
  schemaVersion: 1;
  kind: 'SloGateReport';
  verdict: GateVerdict;
  provider: string;
  window: string;
  queries: { baseline: SideQueries; canary: SideQueries };
  objectives: SloPolicy['objectives'];
  bake: SloPolicy['bake'] | null;
  /** For a bake across runs: how long the canary step has baked, of how long. */
  bakeProgress: BakeProgress | null;
  /** The environment's releases the gate compared, when it read them from the GitOps repository. */
  target: GateTarget | null;
  onInconclusive: SloPolicy['onInconclusive'];
  /** Set when the backend could not answer: the gate failed closed. */
  error: string | null;
}

export interface RunSloGateOptions {
  policy: SloPolicy;
  provider: MetricsProvider;
  queries: { baseline: SideQueries; canary: SideQueries };
  /** The evaluation time (default: now). A bake in one run samples from it at its interval. */
  at?: Date;
  clock?: Clock;
  /** The canary step in progress: a bake is then measured from its commit, across runs. */
  step?: CanaryStep | null;
  target?: GateTarget | null;
  onSample?: (sample: SampleResult, index: number, of: number) => void;
}

/**
 * Samples baseline and canary at the times `planBake` gives, evaluates each sample and decides.
 * A backend that does not answer after the retries fails the gate closed; the report says why.
 */
export async function runSloGate(options: RunSloGateOptions): Promise<SloGateReport> {
  const { policy, provider, queries } = options;
  const clock = options.clock ?? systemClock;
  const windowMs = durationMs(policy.window);
  const plan = planBake(policy, options.at ?? clock.now(), options.step ?? null);
  const samples: SampleResult[] = [];
  const base: Omit<SloGateReport, keyof SloVerdict> = {
    schemaVersion: 1,
    kind: 'SloGateReport',
    provider: provider.name,
    window: policy.window,
    queries,
    objectives: policy.objectives,
    bake: policy.bake ?? null,
    bakeProgress: plan.progress,
    target: options.target ?? null,
    onInconclusive: policy.onInconclusive,
    error: null,
  };
  try {
    for (const [i, at] of plan.times.entries()) {
      if (i > 0 && plan.mode === 'hold') await clock.sleep(plan.intervalMs);
      const side = async (q: SideQueries): Promise<SideSample> => ({
        requests: await queryWithRetry(provider, q.requests, at, windowMs, policy.retries, clock),
        errorRate: await queryWithRetry(provider, q.errorRate, at, windowMs, policy.retries, clock),
        p99LatencyMs: await queryWithRetry(provider, q.p99LatencyMs, at, windowMs, policy.retries, clock),
      });
      const sample = evaluateSample(
        { at: at.toISOString(), baseline: await side(queries.baseline), canary: await side(queries.canary) },
        policy,
      );
      samples.push(sample);
      options.onSample?.(sample, i, plan.times.length);
      if (bakeIsDecided(samples, policy)) break;
    }
  } catch (error) {
    if (!(error instanceof RelxError) || error.kind === 'transient') {
      const message = error instanceof Error ? error.message : String(error);
      return {
        ...base,
        ...decideVerdict(samples, policy),
        verdict: 'fail',
        passed: false,
        reason: `failed closed: ${message}`,
        error: message,
      };
    }
    throw error;
  }
  return { ...base, ...decideBake(decideVerdict(samples, policy), plan.progress) };
}

/** An incomplete bake that has not failed is `baking`: it does not pass yet. Pure. */
export function decideBake(
  verdict: SloVerdict,
  progress: BakeProgress | null,
): Omit<SloVerdict, 'verdict'> & { verdict: GateVerdict } {
  if (!progress || progress.complete || verdict.verdict === 'fail') return verdict;
  const judged = verdict.samples.filter((s) => s.outcome === 'pass').length;
  return {
    ...verdict,
    verdict: 'baking',
    passed: false,
    reason: `baking: ${progress.bakedSeconds} s of ${progress.bakeSeconds} s since the step began at ${progress.stepStartedAt}; ${verdict.samples.length} sample(s) so far, ${judged} met every objective, none failed`,
  };
}
