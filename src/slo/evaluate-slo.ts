import type { SloPolicy } from './slo-policy.js';

/** What was measured for one side at one time; null is "no data" (an empty result), NaN is 0/0. */
export interface SideSample {
  requests: number | null;
  errorRate: number | null;
  p99LatencyMs: number | null;
}

export interface Sample {
  at: string;
  baseline: SideSample;
  canary: SideSample;
}

export type Outcome = 'pass' | 'fail' | 'inconclusive';

export interface ObjectiveResult {
  objective:
    'minRequests' | 'maxErrorRateDelta' | 'maxP99LatencyDeltaMs' | 'maxErrorRate' | 'maxP99LatencyMs';
  baseline: number | null;
  canary: number | null;
  /** canary − baseline, for the delta objectives. */
  delta: number | null;
  threshold: number;
  outcome: Outcome;
  reason: string;
}

export interface SampleResult extends Sample {
  outcome: Outcome;
  objectives: ObjectiveResult[];
}

export interface SloVerdict {
  verdict: Outcome;
  /** What the gate decides: a pass, or an inconclusive result the policy lets through. */
  passed: boolean;
  failedSamples: number;
  samples: SampleResult[];
  reason: string;
}

type Metric = 'requests' | 'errorRate' | 'p99LatencyMs';

/**
 * A number the gate may judge by: measured, finite, and possible — no count or latency below 0,
 * no error ratio outside 0…1. A backend that answers the impossible has not measured anything,
 * so such a number is inconclusive, never a pass.
 */
const possible = (n: number | null, metric: Metric): n is number =>
  n !== null && Number.isFinite(n) && n >= 0 && (metric !== 'errorRate' || n <= 1);
const show = (n: number | null, unit = '') =>
  n === null ? 'no data' : Number.isNaN(n) ? 'NaN' : `${Number(n.toPrecision(6))}${unit}`;
const explain = (n: number | null, metric: Metric, unit = '') =>
  n !== null && Number.isFinite(n) && !possible(n, metric)
    ? `${show(n, unit)} (impossible: ${metric === 'errorRate' ? 'an error ratio is between 0 and 1' : 'it cannot be negative'})`
    : show(n, unit);

/** One sample against the objectives. Pure. */
export function evaluateSample(sample: Sample, policy: SloPolicy): SampleResult {
  const o = policy.objectives;
  const results: ObjectiveResult[] = [];
  const traffic = (['baseline', 'canary'] as const).map((side) => sample[side].requests);
  const enoughTraffic = traffic.every((n) => possible(n, 'requests') && n >= o.minRequests);
  results.push({
    objective: 'minRequests',
    baseline: traffic[0] ?? null,
    canary: traffic[1] ?? null,
    delta: null,
    threshold: o.minRequests,
    outcome: enoughTraffic ? 'pass' : 'inconclusive',
    reason: enoughTraffic
      ? `both sides served at least ${o.minRequests} requests`
      : `baseline ${explain(traffic[0] ?? null, 'requests')} and canary ${explain(traffic[1] ?? null, 'requests')} requests: each side needs ${o.minRequests}`,
  });

  const delta = (
    objective: 'maxErrorRateDelta' | 'maxP99LatencyDeltaMs',
    metric: 'errorRate' | 'p99LatencyMs',
    threshold: number | undefined,
    unit: string,
  ) => {
    if (threshold === undefined) return;
    const b = sample.baseline[metric];
    const c = sample.canary[metric];
    if (!possible(b, metric) || !possible(c, metric)) {
      results.push({
        objective,
        baseline: b,
        canary: c,
        delta: null,
        threshold,
        outcome: 'inconclusive',
        reason: `baseline ${explain(b, metric, unit)}, canary ${explain(c, metric, unit)}: nothing to compare`,
      });
      return;
    }
    const d = c - b;
    const pass = d <= threshold;
    results.push({
      objective,
      baseline: b,
      canary: c,
      delta: d,
      threshold,
      outcome: pass ? 'pass' : 'fail',
      reason: `canary ${show(c, unit)} − baseline ${show(b, unit)} = ${show(d, unit)} ${pass ? '≤' : '>'} ${show(threshold, unit)}`,
    });
  };
  const ceiling = (
    objective: 'maxErrorRate' | 'maxP99LatencyMs',
    metric: 'errorRate' | 'p99LatencyMs',
    threshold: number | undefined,
    unit: string,
  ) => {
    if (threshold === undefined) return;
    const c = sample.canary[metric];
    if (!possible(c, metric)) {
      results.push({
        objective,
        baseline: sample.baseline[metric],
        canary: c,
        delta: null,
        threshold,
        outcome: 'inconclusive',
        reason: `canary ${explain(c, metric, unit)}`,
      });
      return;
    }
    const pass = c <= threshold;
    results.push({
      objective,
      baseline: sample.baseline[metric],
      canary: c,
      delta: null,
      threshold,
      outcome: pass ? 'pass' : 'fail',
      reason: `canary ${show(c, unit)} ${pass ? '≤' : '>'} ${show(threshold, unit)}`,
    });
  };
  delta('maxErrorRateDelta', 'errorRate', o.maxErrorRateDelta, '');
  delta('maxP99LatencyDeltaMs', 'p99LatencyMs', o.maxP99LatencyDeltaMs, ' ms');
  ceiling('maxErrorRate', 'errorRate', o.maxErrorRate, '');
  ceiling('maxP99LatencyMs', 'p99LatencyMs', o.maxP99LatencyMs, ' ms');

  // Too little traffic makes every number noise: that sample decides nothing.
  const outcome: Outcome = !enoughTraffic
    ? 'inconclusive'
    : results.some((r) => r.outcome === 'fail')
      ? 'fail'
      : results.some((r) => r.outcome === 'inconclusive')
        ? 'inconclusive'
        : 'pass';
  return { ...sample, outcome, objectives: results };
}

/** Samples taken so far → the verdict. The gate fails once `failureLimit` samples have failed. Pure. */
export function decideVerdict(samples: readonly SampleResult[], policy: SloPolicy): SloVerdict {
  const limit = policy.bake?.failureLimit ?? 1;
  const failed = samples.filter((s) => s.outcome === 'fail').length;
  const inconclusive = samples.filter((s) => s.outcome === 'inconclusive').length;
  const verdict: Outcome =
    failed >= limit ? 'fail' : inconclusive > 0 || samples.length === 0 ? 'inconclusive' : 'pass';
  const passed = verdict === 'pass' || (verdict === 'inconclusive' && policy.onInconclusive === 'pass');
  const reason =
    verdict === 'fail'
      ? `${failed} of ${samples.length} sample(s) failed (the limit is ${limit})`
      : verdict === 'inconclusive'
        ? `${inconclusive} of ${samples.length} sample(s) could not be judged (too little data, or numbers that cannot be true); on-inconclusive: ${policy.onInconclusive}`
        : `all ${samples.length} sample(s) met every objective${failed > 0 ? ` but ${failed} (under the limit of ${limit})` : ''}`;
  return { verdict, passed, failedSamples: failed, samples: [...samples], reason };
}

/** A bake stops early once the failure limit is reached: waiting longer cannot pass it. */
export function bakeIsDecided(samples: readonly SampleResult[], policy: SloPolicy): boolean {
  const limit = policy.bake?.failureLimit ?? 1;
  return samples.filter((s) => s.outcome === 'fail').length >= limit;
}
