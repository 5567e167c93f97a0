import type { GitHubRequest } from './github-request.js';

/** An answer GitHub gave that is not a success, shaped as Octokit's RequestError (status, response). */
export class GitHubHttpError extends Error {
  constructor(
    readonly status: number,
    readonly response: { headers: Record<string, string>; data: unknown },
    what: string,
  ) {
    const message = (response.data as { message?: unknown } | null)?.message;
    super(`${what} answered ${status}${typeof message === 'string' ? `: ${message}` : ''}`);
    this.name = 'GitHubHttpError';
  }
}

/**
 * The `request(route, parameters)` relx's GitHub integrations call, for the CLI (Octokit is the
 * actions' runtime; src/ does not import it): path parameters filled in, the rest the query of a
 * GET or DELETE and the JSON body of anything else; a non-2xx answer thrown as Octokit throws it.
 */
export function fetchGitHubRequest(token: string, baseUrl = 'https://api.github.com'): GitHubRequest {
  return async (route, parameters = {}) => {
    const [method = 'GET', template = ''] = route.split(' ');
    const { request: options, ...rest } = parameters as { request?: { signal?: AbortSignal } };
    const data: Record<string, unknown> = { ...rest };
    const path = template.replace(/\{(\w+)\}/g, (_, name: string) => {
      const value = String(data[name]);
      delete data[name];
      return encodeURIComponent(value);
    });
    const url = new URL(`${baseUrl.replace(/\/$/, '')}${path}`);
    const hasBody = method !== 'GET' && method !== 'DELETE' && method !== 'HEAD';
    if (!hasBody)
      for (const [key, value] of Object.entries(data))
        if (value !== undefined) url.searchParams.set(key, String(value));
    const response = await fetch(url, {
      method,
      headers: {
        accept: 'application/vnd.github+json',
        authorization: `Bearer ${token}`,
        'x-github-api-version': '2022-11-28',
        'user-agent': 'relx',
        ...(hasBody ? { 'content-type': 'application/json' } : {}),
      },
      ...(hasBody ? { body: JSON.stringify(data) } : {}),
      ...(options?.signal ? { signal: options.signal } : {}),
    });
    const text = await response.text();
    const body: unknown = text ? JSON.parse(text) : undefined;
    if (!response.ok)
      throw new GitHubHttpError(
        response.status,
        { headers: Object.fromEntries(response.headers), data: body },
        `GitHub ${method} ${url.pathname}`,
      );
    return { status: response.status, data: body };
  };
}
