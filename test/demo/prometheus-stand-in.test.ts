import { prometheusProvider } from '../../src/slo/prometheus-provider.js';
import { prometheusQueries } from '../../src/slo/slo-queries.js';
import { parseSloPolicy } from '../../src/slo/slo-policy.js';
import {
  seriesFromOpenMetrics,
  startPrometheusStandIn,
  type RunningPrometheusStandIn,
  type Series,
} from '../../scripts/demo/prometheus-stand-in.js';
import { sloPolicy } from '../../scripts/demo/gitops-promotion.js';
import { sampleTraffic } from '../../scripts/demo/stand-ins.js';
import { expected, openMetrics } from '../prometheus/prometheus-fixture.js';
import { erroringCanary, stable } from '../prometheus/slo-scenarios.js';

// The demo's stand-in must answer exactly what slo-gate asks, with the numbers Prometheus would
// give, and refuse the rest as Prometheus does — or the demo's gate would tell a story of its own.
const end = 1_800_000_000;
const counter = (labels: Record<string, string>, perScrape: number): Series => ({
  labels: { __name__: 'http_requests_total', ...labels },
  samples: Array.from({ length: 241 }, (_, i) => [end - (240 - i) * 15, perScrape * i]),
});
const series = [
  counter({ service: 'api', version: 'stable', status: '200' }, 990),
  counter({ service: 'api', version: 'stable', status: '500' }, 10),
  counter({ service: 'api', version: 'canary', status: '200' }, 188),
  counter({ service: 'api', version: 'canary', status: '503' }, 12),
];
const policy = parseSloPolicy(
  'selector: {service: api}\nbaseline: \'version="stable"\'\ncanary: \'version="canary"\'\nwindow: 30m\nobjectives: {maxErrorRateDelta: 0.01}\n',
  'policy.yaml',
);

let standIn: RunningPrometheusStandIn;
beforeAll(async () => {
  standIn = await startPrometheusStandIn(series);
});
afterAll(() => standIn.stop());

describe("the demo's Prometheus stand-in", () => {
  it("answers slo-gate's own queries for both sides with Prometheus's numbers", async () => {
    const provider = prometheusProvider(standIn.url, null);
    const at = new Date(end * 1000);
    const baseline = prometheusQueries(policy, 'baseline');
    const canary = prometheusQueries(policy, 'canary');
    // 30 minutes = 120 scrapes of 1,000 requests
    expect(await provider.query(baseline.requests, at, 1_800_000)).toBeCloseTo(120_000, 6);
    expect(await provider.query(baseline.errorRate, at, 1_800_000)).toBeCloseTo(0.01, 9);
    expect(await provider.query(canary.errorRate, at, 1_800_000)).toBeCloseTo(0.06, 9);
    // no such series: no data, never a number
    expect(await provider.query(baseline.requests.replace('stable', 'none'), at, 1_800_000)).toBeNull();
    expect(await provider.query('vector(0)', at, 1_800_000)).toBe(0);
  });

  it('answers a range query with a matrix', async () => {
    const query = 'sum(rate(http_requests_total{service="api",status=~"5.."}[5m]))';
    const params = new URLSearchParams({ query, start: String(end - 60), end: String(end), step: '30' });
    const body = (await (await fetch(`${standIn.url}/api/v1/query_range?${params}`)).json()) as {
      status: string;
      data: { resultType: string; result: Array<{ values: Array<[number, string]> }> };
    };
    expect(body.status).toBe('success');
    expect(body.data.resultType).toBe('matrix');
    expect(body.data.result[0]?.values.map(([t, v]) => [t, Number(v).toFixed(3)])).toEqual([
      [end - 60, '1.467'],
      [end - 30, '1.467'],
      [end, '1.467'],
    ]);
  });

  it("reads the demo's sample from the OpenMetrics text a real Prometheus loads, with the same numbers", async () => {
    const fromText = await startPrometheusStandIn(
      seriesFromOpenMetrics(openMetrics(sampleTraffic, new Date(end * 1000))),
    );
    try {
      const provider = prometheusProvider(fromText.url, null);
      const demoPolicy = parseSloPolicy(sloPolicy('canary-2'), 'slo-canary-2.yaml');
      const at = new Date(end * 1000);
      const baseline = prometheusQueries(demoPolicy, 'baseline');
      const canary = prometheusQueries(demoPolicy, 'canary');
      expect(await provider.query(baseline.requests, at, 1_800_000)).toBeCloseTo(
        expected.requests(stable, 1800),
        6,
      );
      expect(await provider.query(baseline.errorRate, at, 1_800_000)).toBeCloseTo(
        expected.errorRate(stable),
        9,
      );
      expect(await provider.query(canary.errorRate, at, 1_800_000)).toBeCloseTo(
        expected.errorRate(erroringCanary),
        9,
      );
    } finally {
      await fromText.stop();
    }
  });

  it('refuses PromQL it cannot evaluate, as Prometheus refuses bad queries', async () => {
    const provider = prometheusProvider(standIn.url, null);
    await expect(
      provider.query('histogram_quantile(0.99, sum by (le) (rate(x_bucket[5m])))', new Date(end * 1000), 1),
    ).rejects.toMatchObject({ kind: 'input', message: expect.stringMatching(/stand-in cannot evaluate/) });
  });
});
