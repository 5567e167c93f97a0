import { transientError } from '../relx-error.js';

export interface RetryOptions {
  /** Tries in all (default 4). */
  attempts?: number;
  /** Injected so tests do not wait. */
  sleep?: (ms: number) => Promise<void>;
}

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * fetch for registries (npm, OCI): network errors, 429 and 5xx are retried with backoff; what
 * still fails is a transient error saying what did not answer and that a re-run is safe (`fix`).
 * Any other response — 2xx, 4xx — is the caller's to read.
 */
export async function fetchRetrying(
  url: string | URL,
  init: RequestInit,
  describe: { what: string; fix: string },
  options: RetryOptions = {},
): Promise<Response> {
  const attempts = options.attempts ?? 4;
  const sleep = options.sleep ?? wait;
  for (let attempt = 1; ; attempt++) {
    let response: Response;
    try {
      response = await fetch(url, init);
    } catch (error) {
      if (attempt >= attempts) {
        const cause = (error as Error & { cause?: Error }).cause?.message ?? (error as Error).message;
        throw transientError(`${describe.what} did not answer: ${cause}`, { fix: describe.fix }, error);
      }
      await sleep(250 * 2 ** attempt);
      continue;
    }
    if (response.status !== 429 && response.status < 500) return response;
    await response.arrayBuffer();
    if (attempt >= attempts) {
      throw transientError(`${describe.what} answered ${response.status} ${attempts} times.`, {
        fix: describe.fix,
      });
    }
    await sleep(250 * 2 ** attempt);
  }
}
