import { unansweredError } from '../http/fetch-retrying.js';
import { runWithRetry, type RetryOptions } from '../http/retry-policy.js';
import { RelxError } from '../relx-error.js';

/** The slice of Octokit's `request` relx uses: `request('POST /repos/{owner}/{repo}/releases', {...})`. */
export type GitHubRequest = (
  route: string,
  parameters?: Record<string, unknown>,
) => Promise<{ status: number; data: unknown }>;

export type GitHubResponse = { status: number; data: unknown };

export const statusOf = (error: unknown): number | null =>
  typeof error === 'object' && error !== null && 'status' in error && typeof error.status === 'number'
    ? error.status
    : null;

const rerunFix = 'Re-run the job: everything done so far is kept and not repeated.';

export interface GitHubCallOptions extends RetryOptions {
  /** What a re-run does, when it is not "everything is kept". */
  fix?: string;
  /** After a write may have landed: look whether it did (the policy's "already done"). */
  alreadyDone?: (error: RelxError) => Promise<GitHubResponse | undefined>;
}

/**
 * An Octokit failure as the policy reads it. No answer (Octokit reports it as a 500 without a
 * response) → transient, `not-sent` when the connection was refused; 429 or a rate-limit 403 →
 * transient and `not-sent` (GitHub did nothing); another 5xx → transient, may have landed. Any
 * other answer is the caller's (a 404 or 422 means something to it), passed through as it is.
 */
function gitHubFailure(error: unknown, signal: AbortSignal, timeoutMs: number, fix: string): unknown {
  const status = statusOf(error);
  const response = (error as { response?: { headers?: Record<string, string | undefined> } }).response;
  if (status === null || (status === 500 && !response)) {
    return unansweredError((error as { cause?: unknown }).cause ?? error, signal, timeoutMs, fix);
  }
  const rateLimited =
    status === 429 || (status === 403 && response?.headers?.['x-ratelimit-remaining'] === '0');
  if (rateLimited)
    return new RelxError('transient', `answered ${status} (rate limited)`, { fix, delivery: 'not-sent' });
  if (status >= 500) return new RelxError('transient', `answered ${status}`, { fix }, { cause: error });
  return error;
}

const retryAfter = (error: RelxError): number | null => {
  const header = (error.cause as { response?: { headers?: Record<string, string> } } | undefined)?.response
    ?.headers?.['retry-after'];
  return header && Number.isFinite(Number(header)) ? Number(header) * 1000 : null;
};

/**
 * Calls GitHub under the retry policy: each attempt cut off by its deadline (Octokit's
 * `request.signal`), reads and updates retried, and a POST — which creates something — sent
 * again only when it provably did not arrive or `alreadyDone` looked and found it did not land.
 */
export async function requestWithRetry(
  request: GitHubRequest,
  route: string,
  parameters: Record<string, unknown>,
  options: GitHubCallOptions = {},
): Promise<GitHubResponse> {
  const method = route.split(' ')[0] ?? 'GET';
  const path = route
    .slice(method.length + 1)
    .replace(/\{(\w+)\}/g, (whole, name: string) => String(parameters[name] ?? whole));
  const fix = options.fix ?? rerunFix;
  return runWithRetry(
    {
      what: `GitHub ${method} ${path}`,
      // PATCH and PUT of the same fields land the same; a POST creates one more each time
      idempotent: method !== 'POST',
      fix,
      ...(options.alreadyDone ? { alreadyDone: options.alreadyDone } : {}),
      retryAfterMs: retryAfter,
      attempt: async (signal, _attempt, timeoutMs) => {
        try {
          return await request(route, { ...parameters, request: { signal } });
        } catch (error) {
          throw gitHubFailure(error, signal, timeoutMs, fix);
        }
      },
    },
    options,
  );
}

export type RepositoryCall = (
  route: string,
  parameters?: Record<string, unknown>,
  options?: GitHubCallOptions,
) => Promise<GitHubResponse>;

/** Calls on one repository: `{owner}` and `{repo}` filled in, each call under the policy as above. */
export function repositoryRequest(
  request: GitHubRequest,
  owner: string,
  repo: string,
  sleep?: (ms: number) => Promise<void>,
): RepositoryCall {
  return (route, parameters = {}, options = {}) =>
    requestWithRetry(
      request,
      route,
      { owner, repo, ...parameters },
      { ...(sleep ? { sleep } : {}), ...options },
    );
}
