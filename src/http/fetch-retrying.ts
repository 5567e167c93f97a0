import { RelxError, transientError } from '../relx-error.js';
import { formatSeconds, runWithRetry, type RetryOptions } from './retry-policy.js';

export type { RetryOptions } from './retry-policy.js';

/** Errors that prove the request never left: nothing listened, the name did not resolve. */
const notSentCodes = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);

const errorCode = (error: unknown): string | undefined => {
  for (let e = error as { code?: unknown; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (typeof e.code === 'string') return e.code;
  }
  return undefined;
};

/**
 * A fetch (or Octokit) failure without an answer, as a transient error: a timeout says how long
 * it waited; a refused connection is marked `not-sent`, so even a POST may be repeated.
 */
export function unansweredError(
  error: unknown,
  signal: AbortSignal,
  timeoutMs: number,
  fix: string,
): RelxError {
  if (signal.aborted || (error as Error).name === 'AbortError' || (error as Error).name === 'TimeoutError') {
    return transientError(`did not answer within ${formatSeconds(timeoutMs)}`, { fix }, error);
  }
  const code = errorCode(error);
  const message = ((error as Error & { cause?: Error }).cause?.message ?? (error as Error).message).trim();
  return transientError(
    `did not answer: ${message}${code && !message.includes(code) ? ` (${code})` : ''}`,
    { fix, delivery: code && notSentCodes.has(code) ? 'not-sent' : 'unknown' },
    error,
  );
}

const idempotentMethods = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);

export const retryAfterMs = (header: string | null): number | null => {
  if (!header) return null;
  const secondsValue = Number(header);
  return Number.isFinite(secondsValue) && secondsValue >= 0 ? secondsValue * 1000 : null;
};

class RetryableStatus extends RelxError {
  constructor(
    status: number,
    readonly retryAfter: number | null,
    fix: string,
  ) {
    // a 429 was refused before anything was done; a 5xx may have been done
    super('transient', `answered ${status}`, { fix, delivery: status === 429 ? 'not-sent' : 'unknown' });
  }
}

/**
 * fetch for registries (npm, OCI) under the retry policy: each attempt and the whole call have a
 * deadline; network errors, timeouts, 429 and 5xx are retried as the policy allows (a POST only
 * when it cannot have arrived); what still fails is a transient error saying what did not answer
 * and that a re-run is safe (`fix`). Any other response — 2xx, 4xx — is the caller's to read.
 * `idempotent` defaults from the method; `alreadyDone` looks whether a failed write took effect.
 */
export async function fetchRetrying(
  url: string | URL,
  init: RequestInit,
  describe: {
    what: string;
    fix: string;
    idempotent?: boolean;
    alreadyDone?: (error: RelxError) => Promise<Response | undefined>;
  },
  options: RetryOptions = {},
): Promise<Response> {
  const method = (init.method ?? 'GET').toUpperCase();
  return runWithRetry(
    {
      what: describe.what,
      fix: describe.fix,
      idempotent: describe.idempotent ?? idempotentMethods.has(method),
      ...(describe.alreadyDone ? { alreadyDone: describe.alreadyDone } : {}),
      retryAfterMs: (error) => (error instanceof RetryableStatus ? error.retryAfter : null),
      attempt: async (signal, _attempt, timeoutMs) => {
        let response: Response;
        try {
          response = await fetch(url, { ...init, signal });
        } catch (error) {
          throw unansweredError(error, signal, timeoutMs, describe.fix);
        }
        if (response.status !== 429 && response.status < 500) return response;
        await response.arrayBuffer().catch(() => undefined);
        throw new RetryableStatus(
          response.status,
          retryAfterMs(response.headers.get('retry-after')),
          describe.fix,
        );
      },
    },
    options,
  );
}
