import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { freePort } from '../free-port.js';
import { startServerProcess } from '../server-process.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A real Prometheus over generated history: OpenMetrics text → `promtool tsdb
 * create-blocks-from openmetrics` → `prometheus` on a free loopback port, no scraping. Every
 * series is a counter that grows by a fixed amount per 15 s step (or a histogram whose buckets
 * do), so the numbers a query should return can be computed independently — see `expected`.
 */

export const stepSeconds = 15;
/** The last sample; queries are evaluated here. Fixed, so every run sees the same data. */
export const endTime = new Date('2025-06-01T12:00:00Z');
export const historySeconds = 2 * 3600;
export const bucketBounds = [0.05, 0.1, 0.25, 0.5, 1, 2.5, Infinity];

/** Per-step traffic of one version: ok and error requests, and observations per latency bucket. */
export interface Traffic {
  ok: number;
  errors: number;
  /** Non-cumulative observations per bucket of `bucketBounds`. */
  latency: number[];
}

/** Per-step traffic as a function of the step's end time (seconds before `endTime`, ≥ 0). */
export type TrafficAt = (secondsBeforeEnd: number) => Traffic;

export type Scenario = Record<string, TrafficAt | null>;

export const constant =
  (traffic: Traffic): TrafficAt =>
  () =>
    traffic;

function series(scenario: string, version: string, at: TrafficAt, end: Date) {
  const steps = historySeconds / stepSeconds;
  const start = Math.floor(end.getTime() / 1000 / stepSeconds) * stepSeconds - historySeconds;
  const rows: Array<{ t: number; ok: number; errors: number; buckets: number[] }> = [];
  let ok = 0;
  let errors = 0;
  const cumulative = bucketBounds.map(() => 0);
  for (let i = 0; i <= steps; i++) {
    const t = start + i * stepSeconds;
    if (i > 0) {
      const traffic = at(start + historySeconds - t);
      ok += traffic.ok;
      errors += traffic.errors;
      let running = 0;
      traffic.latency.forEach((n, b) => {
        running += n;
        cumulative[b] = (cumulative[b] ?? 0) + running;
      });
    }
    rows.push({ t, ok, errors, buckets: [...cumulative] });
  }
  return { scenario, version, rows };
}

export function openMetrics(scenarios: Record<string, Scenario>, end: Date = endTime): string {
  const all = Object.entries(scenarios).flatMap(([name, versions]) =>
    Object.entries(versions).flatMap(([version, at]) => (at ? [series(name, version, at, end)] : [])),
  );
  const lines: string[] = ['# TYPE http_requests counter'];
  for (const s of all) {
    for (const [status, key] of [
      ['200', 'ok'],
      ['500', 'errors'],
    ] as const) {
      for (const r of s.rows)
        lines.push(
          `http_requests_total{scenario="${s.scenario}",version="${s.version}",status="${status}"} ${r[key]} ${r.t}`,
        );
    }
  }
  lines.push('# TYPE http_request_duration_seconds histogram');
  for (const s of all) {
    bucketBounds.forEach((bound, b) => {
      const le = bound === Infinity ? '+Inf' : String(bound);
      for (const r of s.rows)
        lines.push(
          `http_request_duration_seconds_bucket{scenario="${s.scenario}",version="${s.version}",le="${le}"} ${r.buckets[b]} ${r.t}`,
        );
    });
    for (const r of s.rows)
      lines.push(
        `http_request_duration_seconds_count{scenario="${s.scenario}",version="${s.version}"} ${r.buckets[bucketBounds.length - 1]} ${r.t}`,
      );
    for (const r of s.rows)
      lines.push(
        `http_request_duration_seconds_sum{scenario="${s.scenario}",version="${s.version}"} 0 ${r.t}`,
      );
  }
  lines.push('# EOF');
  return `${lines.join('\n')}\n`;
}

/**
 * What the gate should report for traffic that is constant over the window, computed from the
 * generated increments alone (no Prometheus): the requests served in the window, the error ratio,
 * and the p99 by linear interpolation inside the bucket that holds the 99th percentile — the
 * arithmetic `histogram_quantile` documents.
 */
export const expected = {
  requests: (traffic: Traffic, windowSeconds: number) =>
    ((traffic.ok + traffic.errors) * windowSeconds) / stepSeconds,
  errorRate: (traffic: Traffic) => traffic.errors / (traffic.ok + traffic.errors),
  p99LatencyMs(traffic: Traffic): number {
    const total = traffic.latency.reduce((a, b) => a + b, 0);
    const rank = 0.99 * total;
    let below = 0;
    for (let b = 0; b < bucketBounds.length; b++) {
      const inBucket = traffic.latency[b] ?? 0;
      if (below + inBucket >= rank) {
        const lower = b === 0 ? 0 : (bucketBounds[b - 1] as number);
        const upper = bucketBounds[b] as number;
        if (upper === Infinity) return lower * 1000;
        return (lower + ((upper - lower) * (rank - below)) / inBucket) * 1000;
      }
      below += inBucket;
    }
    return Number.NaN;
  },
};

export interface RunningPrometheus {
  url: string;
  stop(): Promise<void>;
}

/** `end`: the time of the last sample (default the fixed `endTime`; a gate that asks "now" needs now). */
export async function startPrometheus(
  scenarios: Record<string, Scenario>,
  end: Date = endTime,
): Promise<RunningPrometheus> {
  const dir = mkdtempSync(join(tmpdir(), 'relx-prometheus-'));
  const data = join(dir, 'data.om');
  writeFileSync(data, openMetrics(scenarios, end));
  execFileSync('promtool', ['tsdb', 'create-blocks-from', 'openmetrics', data, join(dir, 'tsdb')], {
    stdio: 'pipe',
  });
  writeFileSync(join(dir, 'prometheus.yml'), 'global: {}\nscrape_configs: []\n');
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const server = await startServerProcess(
    'prometheus',
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'tsdb')}`,
      '--storage.tsdb.retention.time=36500d',
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=error',
    ],
    `${url}/-/ready`,
    dir,
  );
  return { url, stop: server.stop };
}
