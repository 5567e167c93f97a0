import { inputError } from '../relx-error.js';
import { QueryUnavailable, type MetricsProvider } from './metrics-provider.js';

export type PrometheusAuth = { bearer: string } | { username: string; password: string } | null;

interface PrometheusResponse {
  status: 'success' | 'error';
  errorType?: string;
  error?: string;
  data?: { resultType: 'vector' | 'scalar' | 'matrix' | 'string'; result: unknown };
}

/** Instant queries at an explicit time (`/api/v1/query?time=`), so every number is reproducible. */
export function prometheusProvider(
  url: string,
  auth: PrometheusAuth,
  fetchImpl: typeof fetch = fetch,
): MetricsProvider {
  const base = url.replace(/\/+$/, '');
  const headers: Record<string, string> = { accept: 'application/json' };
  if (auth && 'bearer' in auth) headers.authorization = `Bearer ${auth.bearer}`;
  else if (auth)
    headers.authorization = `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
  return {
    name: `Prometheus at ${base}`,
    async query(query, at) {
      const params = new URLSearchParams({ query, time: String(at.getTime() / 1000) });
      let response: Response;
      try {
        response = await fetchImpl(`${base}/api/v1/query`, {
          method: 'POST',
          headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
          body: params.toString(),
          signal: AbortSignal.timeout(30_000),
        });
      } catch (error) {
        throw new QueryUnavailable(
          `cannot reach it (${error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : String(error)})`,
        );
      }
      if (response.status >= 500 || response.status === 429)
        throw new QueryUnavailable(`HTTP ${response.status} for ${query}`);
      const body = (await response.json().catch(() => null)) as PrometheusResponse | null;
      if (response.status === 401 || response.status === 403) {
        throw inputError(`Prometheus refused the credentials (HTTP ${response.status}).`, {
          field: 'prometheus-token',
          fix: 'Give a token (or user and password) that may query this Prometheus.',
        });
      }
      if (!body || body.status !== 'success' || !body.data) {
        throw inputError(
          `Prometheus refused the query ${query}: ${body?.error ?? `HTTP ${response.status}`}`,
          {
            field: 'queries',
            fix: 'Check the PromQL (a custom query must return one series or a scalar).',
          },
        );
      }
      const { resultType, result } = body.data;
      if (resultType === 'scalar') return Number((result as [number, string])[1]);
      if (resultType !== 'vector')
        throw inputError(`The query ${query} returned a ${resultType}, not an instant vector.`, {
          field: 'queries',
          fix: 'Use an instant query.',
        });
      const vector = result as Array<{ metric: Record<string, string>; value: [number, string] }>;
      if (vector.length === 0) return null;
      if (vector.length > 1) {
        throw inputError(`The query ${query} returned ${vector.length} series; the gate needs one number.`, {
          field: 'queries',
          fix: 'Aggregate it (sum(…), or sum by (le) for histograms) so it returns one series.',
        });
      }
      return Number(vector[0]?.value[1]);
    },
  };
}
