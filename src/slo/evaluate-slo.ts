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

/** Both sides served `minRequests`: too little traffic makes every other number noise. */
function checkTraffic(sample: Sample, minRequests: number): ObjectiveResult {
  const baseline = sample.baseline.requests;
  const canary = sample.canary.requests;
  const enough = [baseline, canary].every((n) => possible(n, 'requests') && n >= minRequests);
  return {
    objective: 'minRequests',
    baseline,
    canary,
    delta: null,
    threshold: minRequests,
    outcome: enough ? 'pass' : 'inconclusive',
    reason: enough
      ? `both sides served at least ${minRequests} requests`
      : `baseline ${explain(baseline, 'requests')} and canary ${explain(canary, 'requests')} requests: each side needs ${minRequests}`,
  };
}

/** canary − baseline of a metric against its largest allowed increase. */
function checkDelta(
  sample: Sample,
  objective: 'maxErrorRateDelta' | 'maxP99LatencyDeltaMs',
  metric: 'errorRate' | 'p99LatencyMs',
  threshold: number,
  unit: string,
): ObjectiveResult {
  const b = sample.baseline[metric];
  const c = sample.canary[metric];
  if (!possible(b, metric) || !possible(c, metric)) {
    return {
      objective,
      baseline: b,
      canary: c,
      delta: null,
      threshold,
      outcome: 'inconclusive',
      reason: `baseline ${explain(b, metric, unit)}, canary ${explain(c, metric, unit)}: nothing to compare`,
    };
  }
  const d = c - b;
  const pass = d <= threshold;
  return {
    objective,
    baseline: b,
    canary: c,
    delta: d,
    threshold,
    outcome: pass ? 'pass' : 'fail',
    reason: `canary ${show(c, unit)} − baseline ${show(b, unit)} = ${show(d, unit)} ${pass ? '≤' : '>'} ${show(threshold, unit)}`,
  };
}

/** The canary's metric against its absolute ceiling. */
function checkCeiling(
  sample: Sample,
  objective: 'maxErrorRate' | 'maxP99LatencyMs',
  metric: 'errorRate' | 'p99LatencyMs',
  threshold: number,
  unit: string,
): ObjectiveResult {
  const c = sample.canary[metric];
  const baseline = sample.baseline[metric];
  if (!possible(c, metric)) {
    return {
      objective,
      baseline,
      canary: c,
      delta: null,
      threshold,
      outcome: 'inconclusive',
      reason: `canary ${explain(c, metric, unit)}`,
    };
  }
  const pass = c <= threshold;
  return {
    objective,
    baseline,
    canary: c,
    delta: null,
    threshold,
    outcome: pass ? 'pass' : 'fail',
    reason: `canary ${show(c, unit)} ${pass ? '≤' : '>'} ${show(threshold, unit)}`,
  };
}

/** One sample against the objectives: one check per objective the policy sets. Pure. */
export function evaluateSample(sample: Sample, policy: SloPolicy): SampleResult {
  const o = policy.objectives;
  const traffic = checkTraffic(sample, o.minRequests);
  const results: ObjectiveResult[] = [traffic];
  if (o.maxErrorRateDelta !== undefined)
    results.push(checkDelta(sample, 'maxErrorRateDelta', 'errorRate', o.maxErrorRateDelta, ''));
  if (o.maxP99LatencyDeltaMs !== undefined)
    results.push(checkDelta(sample, 'maxP99LatencyDeltaMs', 'p99LatencyMs', o.maxP99LatencyDeltaMs, ' ms'));
  if (o.maxErrorRate !== undefined)
    results.push(checkCeiling(sample, 'maxErrorRate', 'errorRate', o.maxErrorRate, ''));
  if (o.maxP99LatencyMs !== undefined)
    results.push(checkCeiling(sample, 'maxP99LatencyMs', 'p99LatencyMs', o.maxP99LatencyMs, ' ms'));

  // Too little traffic makes every number noise: that sample decides nothing.
  const outcome: Outcome =
    traffic.outcome !== 'pass'
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
