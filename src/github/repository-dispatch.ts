import { inputError } from '../relx-error.js';
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

export async function sendRepositoryDispatch(
  request: GitHubRequest,
  dispatch: RepositoryDispatch,
  sleep?: (ms: number) => Promise<void>,
): Promise<void> {
  const { owner, repo } = validateDispatch(dispatch);
  await requestWithRetry(
    request,
    'POST /repos/{owner}/{repo}/dispatches',
    { owner, repo, event_type: dispatch.eventType, client_payload: dispatch.payload },
    sleep ? { sleep } : {},
  );
}
