import { runGit } from './run-git.js';

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
 * Pushes the branch; when someone pushed meanwhile, rebases our commits onto theirs and tries
 * again (a few times), so neither push is lost.
 */
export async function pushBranchWithRetry(cwd: string, target: PushTarget, attempts = 3): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await runGit(cwd, ['push', '--porcelain', target.remote, `HEAD:refs/heads/${target.branch}`], {
        env: pushAuthEnv(target.token),
      });
      return;
    } catch (error) {
      if (attempt >= attempts) throw error;
      await runGit(cwd, ['fetch', '--quiet', target.remote, `refs/heads/${target.branch}`], {
        env: pushAuthEnv(target.token),
      });
      await runGit(cwd, ['rebase', '--quiet', 'FETCH_HEAD']);
    }
  }
}
