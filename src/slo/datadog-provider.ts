import { inputError } from '../relx-error.js';
import { QueryUnavailable, type MetricsProvider } from './metrics-provider.js';

interface DatadogSeries {
  pointlist: Array<[number, number | null]>;
}
interface DatadogQueryResponse {
  status?: string;
  error?: string;
  series?: DatadogSeries[];
}

/**
 * Datadog's metrics query API (`GET /api/v1/query?from=&to=&query=`), with the API and
 * application keys in headers. The last non-null point of the series is the value; no series is
 * no data.
 */
export function datadogProvider(
  site: string,
  keys: { apiKey: string; applicationKey: string },
  fetchImpl: typeof fetch = fetch,
): MetricsProvider {
  const base = (/^https?:\/\//.test(site) ? site : `https://api.${site}`).replace(/\/+$/, '');
  return {
    name: `Datadog at ${base}`,
    async query(query, at, windowMs) {
      const to = Math.floor(at.getTime() / 1000);
      const params = new URLSearchParams({
        from: String(to - Math.ceil(windowMs / 1000)),
        to: String(to),
        query,
      });
      let response: Response;
      try {
        response = await fetchImpl(`${base}/api/v1/query?${params.toString()}`, {
          headers: {
            accept: 'application/json',
            'DD-API-KEY': keys.apiKey,
            'DD-APPLICATION-KEY': keys.applicationKey,
          },
          signal: AbortSignal.timeout(30_000),
        });
      } catch (error) {
        throw new QueryUnavailable(
          `cannot reach it (${error instanceof Error ? error.message : String(error)})`,
        );
      }
      if (response.status >= 500 || response.status === 429)
        throw new QueryUnavailable(`HTTP ${response.status}`);
      if (response.status === 401 || response.status === 403) {
        throw inputError(`Datadog refused the keys (HTTP ${response.status}).`, {
          field: 'datadog-api-key',
          fix: 'Give an API key and an application key with the timeseries_query scope.',
        });
      }
      const body = (await response.json().catch(() => null)) as DatadogQueryResponse | null;
      if (!response.ok || !body || body.status === 'error') {
        throw inputError(`Datadog refused the query ${query}: ${body?.error ?? `HTTP ${response.status}`}`, {
          field: 'queries',
          fix: 'Check the metric query.',
        });
      }
      const series = body.series ?? [];
      if (series.length === 0) return null;
      const points = (series[0]?.pointlist ?? []).filter((p) => p[1] !== null);
      const last = points[points.length - 1];
      return last ? Number(last[1]) : null;
    },
  };
}
