import { resolve } from 'node:path';
import type { GitOpsRemote } from './gitops-repository.js';

/**
 * Where a GitOps repository given as text lives: a URL (`https://…`, `ssh://…`, `file://…`) or an
 * scp-style address (`git@host:owner/repo`) stays as given; anything else is a path, relative to
 * `base`. The one reading the CLI's `--gitops` and the actions' `gitops-repository` share.
 */
export function gitopsUrl(given: string, base: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(given) || /^[\w.-]+@[\w.-]+:/.test(given)) return given;
  return resolve(base, given);
}

/** The remote for `given` (see gitopsUrl); a token, when there is one, travels in a header. */
export function gitopsRemoteAt(given: string, base: string, token: string | null | undefined): GitOpsRemote {
  const url = gitopsUrl(given, base);
  return token ? { url, token } : { url };
}

/** The GitOps repository as promote-env takes it: a URL, scp-style, a path in the workspace, or this repository. */
export function gitopsRemoteOfPromotion(
  given: string,
  where: { workspace: string; serverUrl: string; repository: string | null },
  token: string,
): GitOpsRemote {
  return gitopsRemoteAt(given || `${where.serverUrl}/${where.repository ?? ''}`, where.workspace, token);
}
