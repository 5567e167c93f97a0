import { inputError } from '../relx-error.js';
import type { RetryOptions } from '../http/retry-policy.js';
import { requestWithRetry, type GitHubRequest } from './github-request.js';

/** GitHub's limits for `POST /repos/{owner}/{repo}/dispatches`. */
export const dispatchLimits = { eventTypeLength: 100, payloadKeys: 10, payloadBytes: 65_535 };

export interface RepositoryDispatch {
  /** `owner/repo` */
  repository: string;
  eventType: string;
  payload: Record<string, unknown>;
}

/** Checks a dispatch against GitHub's limits before sending, so a run fails with the reason, not a 422. */
export function validateDispatch(
  dispatch: RepositoryDispatch,
  field = 'repository',
): { owner: string; repo: string } {
  const [owner, repo, extra] = dispatch.repository.split('/');
  if (!owner || !repo || extra !== undefined || !/^[\w.-]+$/.test(owner) || !/^[\w.-]+$/.test(repo)) {
    throw inputError(`"${dispatch.repository}" is not a repository.`, {
      field,
      fix: 'Write it as owner/name.',
    });
  }
  if (dispatch.eventType.length === 0 || dispatch.eventType.length > dispatchLimits.eventTypeLength) {
    throw inputError(`The event type must be 1 to ${dispatchLimits.eventTypeLength} characters.`, {
      field: 'event-type',
      fix: 'Use a short name such as relx-release-published.',
    });
  }
  const keys = Object.keys(dispatch.payload).length;
  if (keys > dispatchLimits.payloadKeys) {
    throw inputError(
      `client_payload has ${keys} top-level properties; GitHub allows ${dispatchLimits.payloadKeys}.`,
      {
        field: 'client_payload',
        fix: 'Nest the extra properties in an object.',
      },
    );
  }
  const bytes = Buffer.byteLength(JSON.stringify(dispatch.payload));
  if (bytes > dispatchLimits.payloadBytes) {
    throw inputError(`client_payload is ${bytes} bytes; GitHub allows under 64 KB.`, {
      field: 'client_payload',
      fix: 'Send a reference (a path and its SHA-256) instead of the content.',
    });
  }
  return { owner, repo };
}

/**
 * Sends the dispatch once. A dispatch cannot be looked up afterwards (GitHub answers 204 and
 * keeps no record a token can read back), so after a failure that may have landed — a 5xx, a
 * timeout, a reset — relx does not send it again: a second one would start CD a second time.
 * It is repeated only when it provably never arrived (connection refused, 429 rate limit); the
 * error then says how to tell whether CD started, and a re-run of the job sends it afresh.
 */
export async function sendRepositoryDispatch(
  request: GitHubRequest,
  dispatch: RepositoryDispatch,
  options: RetryOptions | ((ms: number) => Promise<void>) = {},
): Promise<void> {
  const { owner, repo } = validateDispatch(dispatch);
  await requestWithRetry(
    request,
    'POST /repos/{owner}/{repo}/dispatches',
    { owner, repo, event_type: dispatch.eventType, client_payload: dispatch.payload },
    {
      ...(typeof options === 'function' ? { sleep: options } : options),
      fix: `Look in ${owner}/${repo}'s Actions for a run started by repository_dispatch "${dispatch.eventType}" since this job began. If there is one, CD has it and nothing is missing; if not, re-run this job to send it again.`,
    },
  );
}
