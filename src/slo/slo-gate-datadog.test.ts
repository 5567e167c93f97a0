import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { datadogProvider } from './datadog-provider.js';
import type { Clock } from './metrics-provider.js';
import { runSloGate } from './run-slo-gate.js';
import { validateSloPolicy } from './slo-policy.js';
import { datadogQueries } from './slo-queries.js';

/**
 * No Datadog is reachable from tests, so this server plays its metrics query API as Datadog's
 * documentation describes it (GET /api/v1/query with from, to and query; DD-API-KEY and
 * DD-APPLICATION-KEY headers; a `series` array of `pointlist`s of [milliseconds, value|null]),
 * and refuses requests that do not fit.
 */
class DatadogApi {
  readonly requests: Array<{ query: string; from: number; to: number }> = [];
  readonly problems: string[] = [];
  failures = 0;
  private server!: Server;
  url = '';
  constructor(private readonly values: Record<string, number | null>) {}

  async start() {
    this.server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      const send = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (req.headers['dd-api-key'] !== 'api-key' || req.headers['dd-application-key'] !== 'app-key')
        return send(403, { errors: ['Forbidden'] });
      if (req.method !== 'GET' || url.pathname !== '/api/v1/query') {
        this.problems.push(`${req.method} ${url.pathname}`);
        return send(404, { errors: ['Not found'] });
      }
      const from = Number(url.searchParams.get('from'));
      const to = Number(url.searchParams.get('to'));
      const query = url.searchParams.get('query') ?? '';
      if (!Number.isInteger(from) || !Number.isInteger(to) || from >= to || !query) {
        this.problems.push(url.search);
        return send(400, { errors: ['Invalid query parameters'] });
      }
      if (this.failures > 0) {
        this.failures--;
        return send(503, { errors: ['Service Unavailable'] });
      }
      this.requests.push({ query, from, to });
      const value = this.values[query];
      const series =
        value === undefined || value === null
          ? []
          : [
              {
                aggr: 'sum',
                metric: query,
                display_name: query,
                expression: query,
                scope: '*',
                interval: 60,
                length: 2,
                start: from * 1000,
                end: to * 1000,
                query_index: 0,
                tag_set: [],
                unit: null,
                pointlist: [
                  [from * 1000, value / 2],
                  [to * 1000 - 60_000, value],
                  [to * 1000, null],
                ],
              },
            ];
      send(200, {
        status: 'ok',
        res_type: 'time_series',
        query,
        message: '',
        group_by: [],
        from_date: from * 1000,
        to_date: to * 1000,
        series,
      });
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }
  stop() {
    return new Promise<void>((r) => this.server.close(() => r()));
  }
}

const policy = validateSloPolicy(
  {
    provider: 'datadog',
    selector: { service: 'api' },
    baseline: { version: 'stable' },
    canary: { version: 'canary' },
    window: '30m',
    objectives: { maxErrorRateDelta: 0.01, maxP99LatencyDeltaMs: 100, minRequests: 100 },
  },
  'policy.yaml',
);
const queries = {
  baseline: datadogQueries(policy, 'baseline', 'p'),
  canary: datadogQueries(policy, 'canary', 'p'),
};
const at = new Date('2026-11-24T12:00:00Z');
const clock: Clock = { now: () => at, sleep: async () => {} };
const values = (canary: { requests: number | null; errorRate: number | null; p99: number | null }) => ({
  [queries.baseline.requests]: 5000,
  [queries.baseline.errorRate]: 0.01,
  [queries.baseline.p99LatencyMs]: 250,
  [queries.canary.requests]: canary.requests,
  [queries.canary.errorRate]: canary.errorRate,
  [queries.canary.p99LatencyMs]: canary.p99,
});

describe('the SLO gate against the Datadog metrics query API', () => {
  let api: DatadogApi;
  afterEach(() => api.stop());
  const run = (keys = { apiKey: 'api-key', applicationKey: 'app-key' }) =>
    runSloGate({ policy, provider: datadogProvider(api.url, keys), queries, at, clock });

  it('queries each number over the window with both keys, and passes a healthy canary', async () => {
    api = await new DatadogApi(values({ requests: 800, errorRate: 0.012, p99: 260 })).start();
    const report = await run();
    expect(report).toMatchObject({ verdict: 'pass', passed: true });
    expect(report.samples[0]?.canary).toEqual({ requests: 800, errorRate: 0.012, p99LatencyMs: 260 });
    expect(api.requests).toHaveLength(6);
    expect(api.requests[0]).toEqual({
      query: 'sum:trace.http.request.hits{service:api,version:stable}.as_count().rollup(sum, 1800)',
      from: at.getTime() / 1000 - 1800,
      to: at.getTime() / 1000,
    });
    expect(api.problems).toEqual([]);
  });

  it('fails a canary whose error rate is a point and a half worse', async () => {
    api = await new DatadogApi(values({ requests: 800, errorRate: 0.025, p99: 260 })).start();
    expect((await run()).verdict).toBe('fail');
  });

  it('calls an empty series inconclusive, and fails on it by default', async () => {
    api = await new DatadogApi(values({ requests: null, errorRate: null, p99: null })).start();
    expect(await run()).toMatchObject({ verdict: 'inconclusive', passed: false });
  });

  it('retries a 503, then answers', async () => {
    api = await new DatadogApi(values({ requests: 800, errorRate: 0.012, p99: 260 })).start();
    api.failures = 2;
    expect((await run()).verdict).toBe('pass');
  });

  it('refuses wrong keys with a clear error, without retrying', async () => {
    api = await new DatadogApi(values({ requests: 800, errorRate: 0.012, p99: 260 })).start();
    await expect(run({ apiKey: 'wrong', applicationKey: 'app-key' })).rejects.toMatchObject({
      kind: 'input',
      field: 'datadog-api-key',
    });
  });
});
