import { RelxError } from '../relx-error.js';
import {
  bakeIsDecided,
  decideVerdict,
  evaluateSample,
  type SampleResult,
  type SideSample,
  type SloVerdict,
} from './evaluate-slo.js';
import { queryWithRetry, systemClock, type Clock, type MetricsProvider } from './metrics-provider.js';
import { durationMs, type SloPolicy } from './slo-policy.js';
import type { SideQueries } from './slo-queries.js';

export interface SloGateReport extends SloVerdict {
  schemaVersion: 1;
  kind: 'SloGateReport';
  provider: string;
  window: string;
  queries: { baseline: SideQueries; canary: SideQueries };
  objectives: SloPolicy['objectives'];
  bake: SloPolicy['bake'] | null;
  onInconclusive: SloPolicy['onInconclusive'];
  /** Set when the backend could not answer: the gate failed closed. */
  error: string | null;
}

export interface RunSloGateOptions {
  policy: SloPolicy;
  provider: MetricsProvider;
  queries: { baseline: SideQueries; canary: SideQueries };
  /** The evaluation time of the first sample (default: now). Later bake samples follow the clock. */
  at?: Date;
  clock?: Clock;
  onSample?: (sample: SampleResult, index: number, of: number) => void;
}

/**
 * Samples baseline and canary (once, or `bake.samples` times at `bake.interval`), evaluates each
 * sample and decides. A backend that does not answer after the retries fails the gate closed;
 * the report says why.
 */
export async function runSloGate(options: RunSloGateOptions): Promise<SloGateReport> {
  const { policy, provider, queries } = options;
  const clock = options.clock ?? systemClock;
  const windowMs = durationMs(policy.window);
  const count = policy.bake?.samples ?? 1;
  const interval = policy.bake ? durationMs(policy.bake.interval) : 0;
  const samples: SampleResult[] = [];
  const base: Omit<SloGateReport, keyof SloVerdict> = {
    schemaVersion: 1,
    kind: 'SloGateReport',
    provider: provider.name,
    window: policy.window,
    queries,
    objectives: policy.objectives,
    bake: policy.bake ?? null,
    onInconclusive: policy.onInconclusive,
    error: null,
  };
  let at = options.at ?? clock.now();
  try {
    for (let i = 0; i < count; i++) {
      if (i > 0) {
        await clock.sleep(interval);
        at = new Date(at.getTime() + interval);
      }
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
      options.onSample?.(sample, i, count);
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
  return { ...base, ...decideVerdict(samples, policy) };
}
