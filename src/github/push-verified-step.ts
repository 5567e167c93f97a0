import { readHead } from '../git/git-refs.js';
import { inputError } from '../relx-error.js';
import { commitThroughApi } from '../release-pr/verified-commits.js';
import { GitDataApi } from './git-data-api.js';
import type { GitHubRequest } from './github-request.js';

/** What bump-version/push-verified and `relx push-verified` are asked to push. */
export interface PushVerifiedStepInput {
  cwd: string;
  /** The branch on GitHub; null: the checked-out one. */
  branch: string | null;
  remote: string;
  owner: string | null;
  repo: string | null;
  token: string;
  github: (token: string) => GitHubRequest;
  /** How the error names what is missing: the action's inputs, the CLI's flags. */
  missingFix: string;
}

export interface PushVerifiedStepResult {
  /** Each local commit → the commit GitHub made of it (signed, verified). */
  made: Map<string, string>;
  /** The branch's new tip, '' when nothing was new. */
  commit: string;
}

/** The checkout's new commits (write-manifest's, unpushed) made by GitHub through the API instead of pushed. */
export async function pushVerifiedStep(input: PushVerifiedStepInput): Promise<PushVerifiedStepResult> {
  const branch = input.branch ?? (await readHead(input.cwd)).branch;
  if (!branch || !input.owner || !input.token)
    throw inputError('push-verified needs the branch, GITHUB_REPOSITORY and a token.', {
      field: 'branch',
      fix: input.missingFix,
    });
  const made = await commitThroughApi(input.cwd, {
    remote: input.remote,
    branch,
    token: input.token,
    api: new GitDataApi(input.github(input.token), input.owner, input.repo ?? ''),
  });
  return { made, commit: [...made.values()].at(-1) ?? '' };
}

/** One log line per commit GitHub made. */
export const describeMadeCommits = (made: ReadonlyMap<string, string>): string[] =>
  [...made].map(([local, signed]) => `${local.slice(0, 7)} made by GitHub as ${signed.slice(0, 7)}`);
