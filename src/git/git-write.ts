import { runWithRetry, type RetryOptions } from '../http/retry-policy.js';
import { inputError, transientError } from '../relx-error.js';
import { scrubSecrets } from '../secret-scrubber.js';
import { GitCommandError, runGit } from './run-git.js';

/** Commits exactly `files` (already written) with `message`; returns the new commit. */
export async function commitFiles(cwd: string, files: readonly string[], message: string): Promise<string> {
  if (files.length > 0) await runGit(cwd, ['add', '--', ...files]);
  await runGit(cwd, ['commit', '--quiet', '--no-verify', '--file', '-', '--', ...files], { input: message });
  return (await runGit(cwd, ['rev-parse', 'HEAD'])).trim();
}

export async function createAnnotatedTag(
  cwd: string,
  name: string,
  commit: string,
  message: string,
): Promise<void> {
  await runGit(cwd, ['tag', '--annotate', '--file', '-', name, commit], { input: message });
}

export interface PushTarget {
  remote: string;
  branch: string;
  /**
   * For an https remote. Sent as an HTTP header through git's environment configuration, so it
   * never appears in a URL, an argument list or git's own messages.
   */
  token?: string;
}

/**
 * Pushes the release commit to the branch and the tags in one atomic push; a no-op when already
 * there. `commit` null: only the tags (the branch holds the commit already, under later ones).
 */
export async function pushRelease(
  cwd: string,
  target: PushTarget,
  commit: string | null,
  tags: readonly string[],
): Promise<void> {
  const refspecs = [
    ...(commit ? [`${commit}:refs/heads/${target.branch}`] : []),
    ...tags.map((t) => `refs/tags/${t}:refs/tags/${t}`),
  ];
  await runGit(cwd, ['push', '--atomic', '--porcelain', target.remote, ...refspecs], {
    env: pushAuthEnv(target.token),
  });
}

/** The token as an HTTP header through git's environment config: never in a URL, argv or .git/config. */
export function pushAuthEnv(token: string | undefined): Record<string, string> {
  if (!token) return {};
  const basic = Buffer.from(`x-access-token:${token}`).toString('base64');
  return {
    GIT_CONFIG_COUNT: '1',
    GIT_CONFIG_KEY_0: 'http.extraheader',
    GIT_CONFIG_VALUE_0: `AUTHORIZATION: basic ${basic}`,
  };
}

/**
 * Brings the checked-out branch up to what the remote holds (fast-forward only), so a re-run of
 * a workflow — which checks out the commit it started from — sees what an earlier attempt pushed.
 * A branch that has diverged stays as it is; the push below rebases it.
 */
export async function fastForwardFromRemote(cwd: string, target: PushTarget): Promise<void> {
  await runGit(cwd, ['fetch', '--quiet', target.remote, `refs/heads/${target.branch}`], {
    env: pushAuthEnv(target.token),
  });
  await runGit(cwd, ['merge', '--ff-only', '--quiet', 'FETCH_HEAD']).catch(() => undefined);
}

/**
 * A failed push as the retry policy reads it: refused credentials or a remote that is not there
 * are the user's to fix (terminal); anything else — a push race, the network — is transient,
 * and a push is safe to repeat (the same commits land once).
 */
export function classifyPushFailure(error: unknown, target: PushTarget): unknown {
  if (!(error instanceof GitCommandError)) return error;
  const said = error.stderr.trim().split('\n').slice(-3).join('\n');
  if (
    /authentication failed|could not read username|permission denied|\b403\b|access denied|does not appear to be a git repository|repository not found/i.test(
      error.stderr,
    )
  ) {
    return inputError(`git push to ${target.remote} was refused:\n${scrubSecrets(said)}`, {
      field: 'token',
      fix: 'Give a token with contents: write on the repository, and check the remote.',
    });
  }
  const raced =
    /\[rejected\]|non-fast-forward|fetch first|stale info|cannot lock ref|incorrect old value/i.test(
      error.stderr,
    );
  return transientError(
    raced ? 'was rejected: another push landed first' : `failed:\n${scrubSecrets(said)}`,
    { fix: 'Re-run: what was pushed is kept.', ...(raced ? { delivery: 'not-sent' as const } : {}) },
    error,
  );
}

/**
 * Pushes the branch under the retry policy; when someone pushed meanwhile, rebases our commits
 * onto theirs before the next attempt, so neither push is lost. Refused credentials stop at once.
 */
export async function pushBranchWithRetry(
  cwd: string,
  target: PushTarget,
  attempts = 3,
  retry: RetryOptions = {},
): Promise<void> {
  const env = pushAuthEnv(target.token);
  await runWithRetry(
    {
      what: `git push ${target.remote} ${target.branch}`,
      idempotent: true,
      fix: 'Re-run: what was pushed is kept.',
      attempt: async (_signal, attempt) => {
        if (attempt > 1) {
          // their commits first; a rebase that conflicts stops here, as git says it
          await runGit(cwd, ['fetch', '--quiet', target.remote, `refs/heads/${target.branch}`], { env });
          await runGit(cwd, ['rebase', '--quiet', 'FETCH_HEAD']);
        }
        try {
          await runGit(cwd, ['push', '--porcelain', target.remote, `HEAD:refs/heads/${target.branch}`], {
            env,
          });
        } catch (error) {
          throw classifyPushFailure(error, target);
        }
      },
    },
    { attempts, policy: { baseDelayMs: 200, maxDelayMs: 2000 }, ...retry },
  );
}
