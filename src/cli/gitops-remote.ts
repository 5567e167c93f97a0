import { runGit } from '../git/run-git.js';
import { inputError } from '../relx-error.js';
import type { GitOpsRemote } from '../promotion/gitops-repository.js';
import { gitopsRemoteAt } from '../promotion/gitops-url.js';

/**
 * The GitOps repository the environment commands work on: `--gitops` (a URL or a path), else
 * RELX_GITOPS, else the `origin` of the current directory. A token for https comes from
 * GITHUB_TOKEN and travels in a header.
 */
export async function gitopsRemote(option: string | undefined): Promise<GitOpsRemote> {
  const token = process.env.GITHUB_TOKEN;
  const given = option ?? process.env.RELX_GITOPS;
  let url = given;
  if (!url) {
    url = (await runGit(process.cwd(), ['remote', 'get-url', 'origin']).catch(() => '')).trim();
    if (!url) {
      throw inputError('Which GitOps repository?', {
        field: '--gitops',
        fix: 'Pass --gitops <url or path>, set RELX_GITOPS, or run inside a clone of the GitOps repository.',
      });
    }
  }
  return gitopsRemoteAt(url, process.cwd(), token);
}

/** The `--gitops` flag of every command that reads or writes environments. */
export const gitopsOption = [
  '--gitops <url-or-path>',
  'the GitOps repository (default: RELX_GITOPS, or origin of the current directory)',
] as const;
