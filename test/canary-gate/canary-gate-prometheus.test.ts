import { aManifest, digestOf } from '../../src/manifest/manifest-builders.js';
import type { ReleaseManifest } from '../../src/manifest/release-manifest.js';
import type { Clock } from '../../src/slo/metrics-provider.js';
import { prometheusProvider } from '../../src/slo/prometheus-provider.js';
import { runSloGate } from '../../src/slo/run-slo-gate.js';
import { validateSloPolicy, type SloPolicyInput } from '../../src/slo/slo-policy.js';
import { prometheusQueries } from '../../src/slo/slo-queries.js';
import { fillVersionPlaceholders, resolveGateTarget } from '../../src/slo/version-placeholders.js';
import {
  endTime,
  expected,
  startPrometheus,
  type RunningPrometheus,
} from '../prometheus/prometheus-fixture.js';
import {
  badCanaryAt5,
  canaryScenarios,
  canaryVersion,
  goodCanaryAt5,
  stableAt95,
  stableVersion,
} from '../prometheus/slo-scenarios.js';

/**
 * The gate measuring a canary at 5 % in a real Prometheus, its series labelled with the versions
 * the releases carry: the policy names {canaryVersion} and {stableVersion}, the gate fills them
 * from the environment's two manifests, and a bake is measured from the step's commit time.
 */
let prometheus: RunningPrometheus;
beforeAll(async () => {
  prometheus = await startPrometheus(canaryScenarios);
}, 60_000);
afterAll(() => prometheus?.stop());

const never: Clock = {
  now: () => endTime,
  sleep: async () => {
    throw new Error('a bake across runs never waits');
  },
};
const release = (name: string, tag: string): ReleaseManifest => {
  const m = aManifest();
  return {
    ...m,
    metadata: { ...m.metadata, name },
    components: {
      ...m.components,
      images: [{ name: 'api', repository: 'ghcr.io/acme/api', tag, digest: digestOf(tag.slice(-1)) }],
    },
  };
};
const releases = {
  stable: release('2026.11.1', stableVersion),
  canary: { release: '2026.12.1', manifest: release('2026.12.1', canaryVersion) },
};

async function gate(scenario: string, stepAgeMinutes: number | null, extra: Partial<SloPolicyInput> = {}) {
  const parsed = validateSloPolicy(
    {
      selector: { scenario },
      baseline: 'version="{stableVersion}"',
      canary: 'version="{canaryVersion}"',
      window: '10m',
      objectives: { maxErrorRateDelta: 0.02, maxP99LatencyDeltaMs: 100, minRequests: 100 },
      ...extra,
    },
    'slo/prod.yaml',
  );
  const target = resolveGateTarget(parsed, releases, 'prod', 'slo/prod.yaml');
  const policy = fillVersionPlaceholders(parsed, target);
  return runSloGate({
    policy,
    provider: prometheusProvider(prometheus.url, null),
    queries: { baseline: prometheusQueries(policy, 'baseline'), canary: prometheusQueries(policy, 'canary') },
    at: endTime,
    clock: never,
    target,
    step:
      stepAgeMinutes === null
        ? null
        : {
            stepStartedAt: new Date(endTime.getTime() - stepAgeMinutes * 60_000).toISOString(),
            bakeMs: 30 * 60_000,
          },
  });
}

const close = (actual: number | null | undefined, want: number) =>
  expect(Math.abs((actual ?? Number.NaN) - want)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(want)));

describe('the gate measures the canary the environment runs', () => {
  it('fails a bad canary at 5 %, with its numbers and the versions it compared', async () => {
    const report = await gate('canary-bad', 45);
    expect(report).toMatchObject({
      verdict: 'fail',
      passed: false,
      target: {
        component: 'api',
        canaryVersion: '1.5.0',
        stableVersion: '1.4.2',
        canaryRelease: '2026.12.1',
      },
      bakeProgress: { bakedSeconds: 1800, bakeSeconds: 1800, complete: true },
    });
    expect(report.queries.canary.errorRate).toContain('version="1.5.0"');
    expect(report.queries.baseline.errorRate).toContain('version="1.4.2"');
    const [first] = report.samples;
    const objective = first?.objectives.find((o) => o.objective === 'maxErrorRateDelta');
    expect(objective).toMatchObject({ outcome: 'fail', threshold: 0.02 });
    close(objective?.canary, expected.errorRate(badCanaryAt5));
    close(objective?.baseline, expected.errorRate(stableAt95));
    close(objective?.delta, 0.12 - 10 / 950);
    close(first?.canary.requests, expected.requests(badCanaryAt5, 600));
    // the first sample failed: the rest of the bake cannot pass it, so it stopped there
    expect(report.samples).toHaveLength(1);
  });

  it('passes a good canary at 5 % once the step has baked, on the samples at fixed times after its commit and one at now', async () => {
    const report = await gate('canary-good', 45);
    expect(report).toMatchObject({ verdict: 'pass', passed: true, error: null });
    const start = endTime.getTime() - 45 * 60_000;
    // the bake's samples, and one at now: a canary that went bad after its bake would fail here
    expect(report.samples.map((s) => s.at)).toEqual([
      ...[10, 20, 30].map((m) => new Date(start + m * 60_000).toISOString()),
      endTime.toISOString(),
    ]);
    for (const sample of report.samples) {
      close(sample.canary.errorRate, expected.errorRate(goodCanaryAt5));
      close(sample.canary.p99LatencyMs, expected.p99LatencyMs(goodCanaryAt5));
      close(sample.baseline.p99LatencyMs, expected.p99LatencyMs(stableAt95));
    }
  });

  it('reports baking while the step is young, without waiting, and fails a bad canary at once', async () => {
    const young = await gate('canary-good', 12);
    expect(young).toMatchObject({
      verdict: 'baking',
      passed: false,
      bakeProgress: { bakedSeconds: 720, bakeSeconds: 1800, complete: false },
    });
    expect(young.samples.map((s) => s.outcome)).toEqual(['pass', 'pass']);
    expect(young.reason).toMatch(
      /^baking: 720 s of 1800 s .* 2 sample\(s\) so far, 2 met every objective, none failed$/,
    );

    const bad = await gate('canary-bad', 3);
    expect(bad).toMatchObject({ verdict: 'fail', bakeProgress: { bakedSeconds: 180, complete: false } });
    expect(bad.samples).toHaveLength(1);
  });

  it('takes the policy bake over the environment canary bake', async () => {
    const report = await gate('canary-good', 12, { bake: '10m' });
    expect(report).toMatchObject({ verdict: 'pass', bakeProgress: { bakeSeconds: 600, complete: true } });
  });
});
