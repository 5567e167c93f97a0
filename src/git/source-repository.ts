import { inputError } from '../relx-error.js';
import { runGit } from './run-git.js';

/**
 * The web URL of a remote (https, ssh or scp-like, with or without `.git`; credentials dropped),
 * or null for a local path.
 */
export function webUrlFromRemoteUrl(url: string): string | null {
  const trimmed = url.trim();
  const scp = /^(?:ssh:\/\/)?git@([^:/]+)[:/](.+?)(?:\.git)?\/?$/.exec(trimmed);
  if (scp) return `https://${scp[1]}/${scp[2]}`;
  const https = /^https?:\/\/(?:[^@/]+@)?([^/]+)\/(.+?)(?:\.git)?\/?$/.exec(trimmed);
  return https ? `https://${https[1]}/${https[2]}` : null;
}

/** `owner/name` from a GitHub remote URL, or null when the remote is not on github.com. */
export function repositoryFromRemoteUrl(url: string): string | null {
  const match = /^https:\/\/github\.com\/([\w.-]+\/[\w.-]+)$/.exec(webUrlFromRemoteUrl(url) ?? '');
  return match?.[1] ?? null;
}

/**
 * The source repository a release records: the flag, then `GITHUB_REPOSITORY` (set in Actions),
 * then the GitHub remote `origin`. Outside GitHub with none of these, the caller must say.
 */
export async function resolveSourceRepository(
  cwd: string,
  given: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string> {
  const explicit = given ?? env.GITHUB_REPOSITORY;
  if (explicit) {
    if (!/^[\w.-]+\/[\w.-]+$/.test(explicit)) {
      throw inputError(`"${explicit}" is not a repository.`, {
        field: '--repository',
        fix: 'Write it as owner/name.',
      });
    }
    return explicit;
  }
  const origin = await runGit(cwd, ['remote', 'get-url', 'origin']).catch(() => '');
  const fromOrigin = repositoryFromRemoteUrl(origin);
  if (fromOrigin) return fromOrigin;
  throw inputError('The source repository is unknown: no GITHUB_REPOSITORY and origin is not on GitHub.', {
    field: '--repository',
    fix: 'Pass --repository owner/name.',
  });
}
