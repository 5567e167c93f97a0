import { transientError } from '../relx-error.js';

/** The slice of Octokit's `request` relx uses: `request('POST /repos/{owner}/{repo}/releases', {...})`. */
export type GitHubRequest = (
  route: string,
  parameters?: Record<string, unknown>,
) => Promise<{ status: number; data: unknown }>;

export const statusOf = (error: unknown): number | null =>
  typeof error === 'object' && error !== null && 'status' in error && typeof error.status === 'number'
    ? error.status
    : null;

/**
 * Calls GitHub, retrying what can succeed on a second try (429, 5xx, network) with backoff, and
 * failing at once on what cannot (4xx). `sleep` is injected so tests do not wait.
 */
export async function requestWithRetry(
  request: GitHubRequest,
  route: string,
  parameters: Record<string, unknown>,
  options: { attempts?: number; sleep?: (ms: number) => Promise<void> } = {},
): Promise<{ status: number; data: unknown }> {
  const attempts = options.attempts ?? 4;
  const sleep = options.sleep ?? ((ms: number) => new Promise((resolve) => setTimeout(resolve, ms)));
  for (let attempt = 1; ; attempt++) {
    try {
      return await request(route, parameters);
    } catch (error) {
      const status = statusOf(error);
      const retryable = status === null || status === 429 || status >= 500;
      if (!retryable) throw error;
      if (attempt >= attempts) {
        throw transientError(
          `GitHub ${route} failed ${attempts} times (last: ${status ?? (error as Error).message}).`,
          {
            fix: 'Re-run the job: everything done so far is kept and not repeated.',
          },
          error,
        );
      }
      await sleep(2 ** attempt * 500);
    }
  }
}

/** Calls on one repository: `{owner}` and `{repo}` filled in, each call retried as above. */
export function repositoryRequest(
  request: GitHubRequest,
  owner: string,
  repo: string,
  sleep?: (ms: number) => Promise<void>,
): (route: string, parameters?: Record<string, unknown>) => Promise<{ status: number; data: unknown }> {
  return (route, parameters = {}) =>
    requestWithRetry(request, route, { owner, repo, ...parameters }, sleep ? { sleep } : {});
}
