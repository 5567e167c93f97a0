import { jest } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../cli/main.js';
import {
  endTime,
  expected,
  startPrometheus,
  type RunningPrometheus,
} from '../../test/prometheus/prometheus-fixture.js';
import {
  erroringCanary,
  healthyCanary,
  scenarios,
  slowCanary,
  stable,
} from '../../test/prometheus/slo-scenarios.js';
import type { Clock } from './metrics-provider.js';
import { prometheusProvider } from './prometheus-provider.js';
import { renderSloGateTexts } from './render-slo-report.js';
import { runSloGate } from './run-slo-gate.js';
import { validateSloPolicy, type SloPolicyInput } from './slo-policy.js';
import { prometheusQueries } from './slo-queries.js';

let prometheus: RunningPrometheus;
beforeAll(async () => {
  prometheus = await startPrometheus(scenarios);
}, 60_000);
afterAll(() => prometheus?.stop());

/** A clock that never waits: a bake's samples are taken at successive explicit times instead. */
const instant = (): Clock & { slept: number[] } => {
  const slept: number[] = [];
  return { slept, now: () => endTime, sleep: async (ms) => void slept.push(ms) };
};

const policyFor = (scenario: string, extra: Partial<SloPolicyInput> = {}) =>
  validateSloPolicy(
    {
      selector: { scenario },
      baseline: 'version="stable"',
      canary: 'version="canary"',
      window: '30m',
      objectives: { maxErrorRateDelta: 0.01, maxP99LatencyDeltaMs: 100, minRequests: 100 },
      ...extra,
    },
    'policy.yaml',
  );

async function gate(scenario: string, extra: Partial<SloPolicyInput> = {}, url = prometheus.url) {
  const policy = policyFor(scenario, extra);
  const clock = instant();
  const report = await runSloGate({
    policy,
    provider: prometheusProvider(url, null),
    queries: { baseline: prometheusQueries(policy, 'baseline'), canary: prometheusQueries(policy, 'canary') },
    at: endTime,
    clock,
  });
  return { report, clock };
}

/** Floating-point tolerance: the values go through rate(), sums and division in float64. */
const close = (actual: number | null | undefined, want: number) => {
  expect(actual).not.toBeNull();
  expect(Math.abs((actual as number) - want)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(want)));
};

describe('the SLO gate against a real Prometheus', () => {
  it('passes a healthy canary, reporting the numbers the generated data implies', async () => {
    const { report } = await gate('healthy');
    expect(report).toMatchObject({ verdict: 'pass', passed: true, error: null });
    const [sample] = report.samples;
    close(sample?.baseline.requests, expected.requests(stable, 1800));
    close(sample?.canary.requests, expected.requests(healthyCanary, 1800));
    close(sample?.baseline.errorRate, expected.errorRate(stable));
    close(sample?.canary.errorRate, expected.errorRate(healthyCanary));
    close(sample?.baseline.p99LatencyMs, expected.p99LatencyMs(stable));
    close(sample?.canary.p99LatencyMs, expected.p99LatencyMs(healthyCanary));
  });

  it('fails an error spike, with the delta and threshold it used', async () => {
    const { report } = await gate('errors');
    expect(report).toMatchObject({ verdict: 'fail', passed: false });
    const objective = report.samples[0]?.objectives.find((o) => o.objective === 'maxErrorRateDelta');
    expect(objective).toMatchObject({ outcome: 'fail', threshold: 0.01 });
    close(objective?.delta, expected.errorRate(erroringCanary) - expected.errorRate(stable));
  });

  it('fails a latency regression', async () => {
    const { report } = await gate('latency');
    expect(report.verdict).toBe('fail');
    const objective = report.samples[0]?.objectives.find((o) => o.objective === 'maxP99LatencyDeltaMs');
    expect(objective?.outcome).toBe('fail');
    close(objective?.canary ?? null, expected.p99LatencyMs(slowCanary));
    close(objective?.delta ?? null, expected.p99LatencyMs(slowCanary) - expected.p99LatencyMs(stable));
  });

  it('calls no canary traffic inconclusive, which fails by default and passes only when the policy says so', async () => {
    const absent = await gate('no-traffic');
    expect(absent.report).toMatchObject({ verdict: 'inconclusive', passed: false });
    expect(absent.report.samples[0]?.canary).toEqual({ requests: null, errorRate: null, p99LatencyMs: null });
    const idle = await gate('idle');
    expect(idle.report).toMatchObject({ verdict: 'inconclusive', passed: false });
    expect(idle.report.samples[0]?.canary.requests).toBe(0);
    expect(idle.report.samples[0]?.canary.errorRate).toBeNaN();
    expect((await gate('no-traffic', { onInconclusive: 'pass' })).report).toMatchObject({
      verdict: 'inconclusive',
      passed: true,
    });
  });

  it('fails closed when Prometheus is down, after retrying, and says why', async () => {
    const { report, clock } = await gate('healthy', { retries: 2 }, 'http://127.0.0.1:9');
    expect(report).toMatchObject({ verdict: 'fail', passed: false });
    expect(report.error).toMatch(
      /Prometheus at http:\/\/127\.0\.0\.1:9 could not answer after 3 attempt\(s\): cannot reach it/,
    );
    expect(report.reason).toMatch(/^failed closed/);
    expect(clock.slept).toEqual([1000, 2000]);
  });

  it('fails a bake once its failure limit is reached, and stops sampling there', async () => {
    const bake = { samples: 6, interval: '5m', failureLimit: 2 };
    const policy = policyFor('bake', { window: '5m', bake });
    const clock = instant();
    const report = await runSloGate({
      policy,
      provider: prometheusProvider(prometheus.url, null),
      queries: {
        baseline: prometheusQueries(policy, 'baseline'),
        canary: prometheusQueries(policy, 'canary'),
      },
      at: new Date(endTime.getTime() - 25 * 60_000),
      clock,
    });
    expect(report.samples.map((s) => s.outcome)).toEqual(['pass', 'pass', 'pass', 'fail', 'fail']);
    expect(report).toMatchObject({ verdict: 'fail', failedSamples: 2 });
    expect(clock.slept).toEqual([300_000, 300_000, 300_000, 300_000]);
    close(report.samples[3]?.canary.errorRate ?? null, expected.errorRate(erroringCanary));

    const tolerant = await runSloGate({
      policy: policyFor('bake', { window: '5m', bake: { ...bake, failureLimit: 4 } }),
      provider: prometheusProvider(prometheus.url, null),
      queries: {
        baseline: prometheusQueries(policy, 'baseline'),
        canary: prometheusQueries(policy, 'canary'),
      },
      at: new Date(endTime.getTime() - 25 * 60_000),
      clock: instant(),
    });
    expect(tolerant.samples).toHaveLength(6);
    expect(tolerant).toMatchObject({ verdict: 'pass', failedSamples: 3 });
  });

  it('calls an impossible number (a negative error ratio or p99) inconclusive, never a pass', async () => {
    // The errors scenario fails as measured; negated, its canary would look better than the baseline.
    const negated = {
      errorRate:
        '-1 * (sum(rate(http_requests_total{{selector}, status=~"5.."}[{window}])) or vector(0)) / sum(rate(http_requests_total{{selector}}[{window}]))',
      p99LatencyMs:
        '-1000 * histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{{selector}}[{window}])))',
    };
    for (const scenario of ['errors', 'latency']) {
      const { report } = await gate(scenario, { queries: negated });
      expect(report).toMatchObject({ verdict: 'inconclusive', passed: false });
      const objectives = report.samples[0]?.objectives ?? [];
      expect(objectives.find((o) => o.objective === 'maxErrorRateDelta')).toMatchObject({
        outcome: 'inconclusive',
        reason: expect.stringContaining('impossible: an error ratio is between 0 and 1'),
      });
      expect(objectives.find((o) => o.objective === 'maxP99LatencyDeltaMs')).toMatchObject({
        outcome: 'inconclusive',
        reason: expect.stringContaining('impossible: it cannot be negative'),
      });
    }
    const ceiling = await gate('healthy', { queries: { errorRate: 'vector(1.5)' } });
    expect(ceiling.report.verdict).toBe('inconclusive');
  });

  it('says a response that is not Prometheus JSON is malformed, not a refused query, and fails closed', async () => {
    const bodies = ['<html><body>502 Bad Gateway</body></html>', '{"status":"success","data":{"resu', '{}'];
    for (const body of bodies) {
      const server = createServer((_, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(body);
      });
      await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
      try {
        const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
        const { report } = await gate('healthy', { retries: 1 }, url);
        expect(report).toMatchObject({ verdict: 'fail', passed: false });
        expect(report.error).toContain('malformed response (HTTP 200)');
        expect(report.error).not.toContain('refused');
      } finally {
        await new Promise((done) => server.close(done));
      }
    }
  });

  it('scrubs the credentials from every text it writes, when a proxy echoes them back', async () => {
    const token = 'prom-token-0123456789abcdef';
    const server = createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(`${req.headers.authorization ?? ''} is not allowed here`);
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    try {
      const port = (server.address() as AddressInfo).port;
      const policy = policyFor('healthy', { retries: 0 });
      const report = await runSloGate({
        policy,
        provider: prometheusProvider(`http://127.0.0.1:${port}`, { bearer: token }),
        queries: {
          baseline: prometheusQueries(policy, 'baseline'),
          canary: prometheusQueries(policy, 'canary'),
        },
        at: endTime,
        clock: instant(),
      });
      expect(report.error).toContain(token); // what came back
      const texts = renderSloGateTexts(report, { environment: 'staging', secrets: [token] });
      for (const text of [texts.json, texts.summary, texts.failure ?? '']) expect(text).not.toContain(token);
      expect(texts.summary).toContain('malformed response');
      expect(texts.json).toContain('Bearer ***');
    } finally {
      await new Promise((done) => server.close(done));
    }
  });

  it('keeps a crafted selector a quoted value: it matches nothing instead of changing the query', async () => {
    const policy = policyFor('healthy', { canary: { version: '"} or vector(1) #' } });
    const queries = prometheusQueries(policy, 'canary');
    expect(queries.requests).toBe(
      'sum(increase(http_requests_total{scenario="healthy", version="\\"} or vector(1) #"}[30m]))',
    );
    const { report } = await gate('healthy', { canary: { version: '"} or vector(1) #' } });
    expect(report.samples[0]?.canary.requests).toBeNull();
    expect(report.verdict).toBe('inconclusive');
  });
});

describe('relx slo-gate', () => {
  afterEach(() => {
    jest.restoreAllMocks();
    process.exitCode = undefined;
  });

  it('prints the report and exits 0 on pass, 1 on fail', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'relx-slo-cli-'));
    const policy = (scenario: string) => {
      const file = join(dir, `${scenario}.yaml`);
      writeFileSync(
        file,
        `selector: {scenario: ${scenario}}\nbaseline: {version: stable}\ncanary: {version: canary}\nobjectives: {maxErrorRateDelta: 0.01, minRequests: 100}\n`,
      );
      return file;
    };
    let out = '';
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((out += String(chunk)), true));
    jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const args = (scenario: string) => [
      'slo-gate',
      '--policy',
      policy(scenario),
      '--prometheus-url',
      prometheus.url,
      '--time',
      endTime.toISOString(),
    ];
    expect(await runCli([...args('healthy'), '--json'])).toBe(0);
    expect(JSON.parse(out)).toMatchObject({ kind: 'SloGateReport', verdict: 'pass' });
    process.exitCode = undefined;
    out = '';
    expect(await runCli(args('errors'))).toBe(1);
    expect(out).toContain('## SLO gate: ❌ fail');
  });
});
