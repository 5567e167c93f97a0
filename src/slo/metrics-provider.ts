import type { Clock as BaseClock } from '../clock.js';
import { isTransient, RelxError, transientError } from '../relx-error.js';

/** Where the numbers come from. `null` is an empty result (no series); NaN is a 0/0. */
export interface MetricsProvider {
  /** For messages: `Prometheus at http://…`. */
  readonly name: string;
  query(query: string, at: Date, windowMs: number): Promise<number | null>;
}

/** What the gate reads of the clock (src/clock.ts): the time, and waiting between samples and retries. */
export type Clock = Pick<BaseClock, 'now' | 'sleep'>;

/** A query that failed for a reason a retry may fix (network, 5xx, 429, a malformed answer): transient. */
export class QueryUnavailable extends RelxError {
  constructor(message: string) {
    super('transient', message);
    this.name = 'QueryUnavailable';
  }
}

/**
 * Retries unavailable queries with backoff (1 s, 2 s, 4 s, …), then fails closed with what was
 * tried. The error says whether to go on (`isTransient`): a refused query (4xx: the query itself
 * is wrong) is not retried.
 */
export async function queryWithRetry(
  provider: MetricsProvider,
  query: string,
  at: Date,
  windowMs: number,
  retries: number,
  clock: Clock,
): Promise<number | null> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await provider.query(query, at, windowMs);
    } catch (error) {
      // a refused query or credentials: the user's to fix, retrying cannot help
      if (error instanceof RelxError && error.terminal) throw error;
      if (!isTransient(error) || attempt >= retries) {
        throw transientError(
          `${provider.name} could not answer after ${attempt + 1} attempt(s): ${error instanceof Error ? error.message : String(error)}`,
          {
            fix: 'Check that the metrics backend is reachable from the runner and the credentials are right; the gate fails closed until it answers.',
          },
          error,
        );
      }
      await clock.sleep(1000 * 2 ** attempt);
    }
  }
}
