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
      if (response.status === 401 || response.status === 403) {
        throw inputError(`Prometheus refused the credentials (HTTP ${response.status}).`, {
          field: 'prometheus-token',
          fix: 'Give a token (or user and password) that may query this Prometheus.',
        });
      }
      const body = parsePrometheusResponse(await response.text().catch(() => ''), response.status);
      if (body.status !== 'success' || !body.data) {
        throw inputError(
          `Prometheus refused the query ${query}: ${body.error ?? `HTTP ${response.status}`}`,
          {
            field: 'queries',
            fix: 'Check the PromQL (a custom query must return one series or a scalar).',
          },
        );
      }
      return numberOf(body.data, query, response.status);
    },
  };
}

/**
 * Prometheus's envelope, or a QueryUnavailable saying the response is malformed: a proxy's HTML
 * page or a cut-off body is not Prometheus refusing the query, and is retried like an outage.
 */
function parsePrometheusResponse(text: string, status: number): PrometheusResponse {
  const malformed = (why: string) => {
    const message = `malformed response (HTTP ${status}): ${why}, starting ${JSON.stringify(text.slice(0, 60))}`;
    // a 4xx that is not Prometheus's own answer is the wrong address, which a retry cannot fix
    return status >= 400
      ? inputError(`Prometheus gave a ${message}.`, {
          field: 'prometheus-url',
          fix: "Give Prometheus's base URL (the one whose /api/v1/query answers).",
        })
      : new QueryUnavailable(message);
  };
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw malformed('not JSON');
  }
  if (
    typeof body !== 'object' ||
    body === null ||
    !('status' in body) ||
    (body.status !== 'success' && body.status !== 'error')
  ) {
    throw malformed('not a Prometheus API response (no status)');
  }
  return body as PrometheusResponse;
}

/** The one number of an instant query's result (null when it is empty). */
function numberOf(data: NonNullable<PrometheusResponse['data']>, query: string, status: number) {
  const malformed = (why: string) => new QueryUnavailable(`malformed response (HTTP ${status}): ${why}`);
  const value = (pair: unknown): number => {
    // Prometheus sends each value as [time, "string"]: "NaN" and "+Inf" are numbers, anything else is not
    const text = Array.isArray(pair) ? (pair[1] as unknown) : undefined;
    if (typeof text !== 'string' || (Number.isNaN(Number(text)) && text !== 'NaN'))
      throw malformed(`the value ${JSON.stringify(pair)} is not a [time, "number"] pair`);
    return Number(text);
  };
  const { resultType, result } = data;
  if (resultType === 'scalar') return value(result);
  if (resultType !== 'vector')
    throw inputError(`The query ${query} returned a ${String(resultType)}, not an instant vector.`, {
      field: 'queries',
      fix: 'Use an instant query.',
    });
  if (!Array.isArray(result)) throw malformed('the vector result is not a list');
  if (result.length === 0) return null;
  if (result.length > 1) {
    throw inputError(`The query ${query} returned ${result.length} series; the gate needs one number.`, {
      field: 'queries',
      fix: 'Aggregate it (sum(…), or sum by (le) for histograms) so it returns one series.',
    });
  }
  return value((result[0] as { value?: unknown } | undefined)?.value);
}
