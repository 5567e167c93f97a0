import { decideVerdict, evaluateSample, type Outcome, type Sample, type SideSample } from './evaluate-slo.js';
import { parseSloPolicy, type SloPolicy } from './slo-policy.js';

// The gate's pure deciders, without Prometheus: one sample against the objectives, then the
// samples so far against the failure limit. The real-Prometheus tests (slo-gate-prometheus) show
// the same decisions on measured data.

const aSide = (side: Partial<SideSample> = {}): SideSample => ({
  requests: 1000,
  errorRate: 0.01,
  p99LatencyMs: 200,
  ...side,
});

const aSample = (canary: Partial<SideSample> = {}, baseline: Partial<SideSample> = {}): Sample => ({
  at: '2026-12-02T12:00:00Z',
  baseline: aSide(baseline),
  canary: aSide(canary),
});

function aPolicy(objectives: string, extra = ''): SloPolicy {
  return parseSloPolicy(
    `selector: {service: api}\nbaseline: 'version="stable"'\ncanary: 'version="canary"'\nwindow: 5m\nobjectives: {${objectives}}\n${extra}`,
    'policy.yaml',
  );
}

const deltas = aPolicy('minRequests: 100, maxErrorRateDelta: 0.01, maxP99LatencyDeltaMs: 50');
const ceilings = aPolicy('minRequests: 100, maxErrorRate: 0.05, maxP99LatencyMs: 300');

describe('evaluateSample: one sample against every objective the policy sets', () => {
  it.each<[string, SloPolicy, Sample, Outcome]>([
    ['the canary as good as the baseline', deltas, aSample(), 'pass'],
    ['errors up by exactly the allowed delta', deltas, aSample({ errorRate: 0.02 }), 'pass'],
    ['errors up by more than the delta', deltas, aSample({ errorRate: 0.03 }), 'fail'],
    ['latency up by more than the delta', deltas, aSample({ p99LatencyMs: 260 }), 'fail'],
    ['a canary better than the baseline', deltas, aSample({ errorRate: 0 }, { errorRate: 0.2 }), 'pass'],
    ['too little canary traffic', deltas, aSample({ requests: 99, errorRate: 0.5 }), 'inconclusive'],
    ['too little baseline traffic', deltas, aSample({}, { requests: 10 }), 'inconclusive'],
    ['no canary data at all', deltas, aSample({ requests: null }), 'inconclusive'],
    ['no error data for the canary', deltas, aSample({ errorRate: null }), 'inconclusive'],
    ['an error ratio above 1 (impossible)', deltas, aSample({ errorRate: 1.5 }), 'inconclusive'],
    ['a negative latency (impossible)', deltas, aSample({ p99LatencyMs: -1 }), 'inconclusive'],
    ['0/0 errors (NaN)', deltas, aSample({ errorRate: Number.NaN }), 'inconclusive'],
    ['under both ceilings', ceilings, aSample({ errorRate: 0.05, p99LatencyMs: 300 }), 'pass'],
    ['over the error ceiling', ceilings, aSample({ errorRate: 0.06 }), 'fail'],
    ['over the latency ceiling', ceilings, aSample({ p99LatencyMs: 301 }), 'fail'],
    ['a fail outweighs a missing number', ceilings, aSample({ errorRate: 0.5, p99LatencyMs: null }), 'fail'],
  ])('%s → %s', (_, policy, sample, outcome) => {
    expect(evaluateSample(sample, policy).outcome).toBe(outcome);
  });

  it('checks traffic first, then each objective the policy sets, and says why', () => {
    const result = evaluateSample(aSample({ errorRate: 0.03 }), deltas);
    expect(result.objectives.map((o) => [o.objective, o.outcome])).toEqual([
      ['minRequests', 'pass'],
      ['maxErrorRateDelta', 'fail'],
      ['maxP99LatencyDeltaMs', 'pass'],
    ]);
    expect(result.objectives[1]?.delta).toBeCloseTo(0.02);
    expect(result.objectives[1]?.reason).toBe('canary 0.03 − baseline 0.01 = 0.02 > 0.01');
  });

  it('names an impossible number as impossible', () => {
    const result = evaluateSample(aSample({ errorRate: 1.5 }), deltas);
    expect(result.objectives[1]?.reason).toContain('1.5 (impossible: an error ratio is between 0 and 1)');
  });
});

describe('decideVerdict: the samples so far against the failure limit', () => {
  const judged = (policy: SloPolicy, ...canaries: Array<Partial<SideSample>>) =>
    canaries.map((c) => evaluateSample(aSample(c), policy));
  const bad = { errorRate: 0.5 };
  const thin = { requests: 1 };
  const tolerant = aPolicy(
    'minRequests: 100, maxErrorRateDelta: 0.01',
    'bake: {duration: 10m, interval: 1m, failureLimit: 2}\n',
  );
  const lenient = aPolicy('minRequests: 100, maxErrorRateDelta: 0.01', 'onInconclusive: pass\n');

  it.each<[string, SloPolicy, Array<Partial<SideSample>>, Outcome, boolean]>([
    ['every sample passed', deltas, [{}, {}, {}], 'pass', true],
    ['no sample yet (fails closed)', deltas, [], 'inconclusive', false],
    ['one failed sample at the default limit of 1', deltas, [{}, bad, {}], 'fail', false],
    ['one failed sample under a limit of 2', tolerant, [{}, bad, {}], 'pass', true],
    ['two failed samples at a limit of 2', tolerant, [bad, {}, bad], 'fail', false],
    ['one sample without enough traffic', deltas, [{}, thin], 'inconclusive', false],
    ['inconclusive, and the policy lets it through', lenient, [{}, thin], 'inconclusive', true],
    ['a fail is not let through by onInconclusive: pass', lenient, [bad, thin], 'fail', false],
  ])('%s → %s', (_, policy, canaries, verdict, passed) => {
    const result = decideVerdict(judged(policy, ...canaries), policy);
    expect({ verdict: result.verdict, passed: result.passed }).toEqual({ verdict, passed });
  });

  it('explains a pass with failures under the limit', () => {
    expect(decideVerdict(judged(tolerant, {}, bad), tolerant).reason).toBe(
      'all 2 sample(s) met every objective but 1 (under the limit of 2)',
    );
  });
});
