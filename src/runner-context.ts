/**
 * What the GitHub Actions runner tells a step about where it runs, read in one place: the
 * workspace, the temporary directory, the repository, the API and server URLs, the run's URL and
 * the commit. The action shells pass it to their core step; nothing else reads these variables.
 */
export interface RunnerContext {
  /** GITHUB_WORKSPACE, else the current directory. */
  workspace: string;
  /** RUNNER_TEMP, else the current directory. */
  temp: string;
  /** `owner/name` from GITHUB_REPOSITORY, or null outside Actions. */
  repository: string | null;
  owner: string | null;
  repo: string | null;
  /** GITHUB_API_URL, else https://api.github.com. */
  apiUrl: string;
  /** GITHUB_SERVER_URL, else https://github.com. */
  serverUrl: string;
  /** The workflow run's page, or null without GITHUB_REPOSITORY and GITHUB_RUN_ID. */
  runUrl: string | null;
  runId: string | null;
  runAttempt: string | null;
  /** GITHUB_SHA, or null. */
  sha: string | null;
  /** GITHUB_REF (refs/heads/main), or null. */
  ref: string | null;
  /** The branch GitHub ran for: GITHUB_REF_NAME of a branch ref, or null (a tag, a pull request's merge ref). */
  branch: string | null;
  /** GITHUB_BASE_REF on a pull request, or null. */
  baseRef: string | null;
  eventName: string | null;
  eventPath: string | null;
}

type Environment = Readonly<Record<string, string | undefined>>;

const present = (value: string | undefined): string | null =>
  value === undefined || value === '' ? null : value;

export function readRunnerContext(
  env: Environment = process.env,
  cwd: string = process.cwd(),
): RunnerContext {
  const repository = present(env.GITHUB_REPOSITORY);
  const [owner, repo] = repository?.includes('/') ? repository.split('/', 2) : [null, null];
  const serverUrl = (present(env.GITHUB_SERVER_URL) ?? 'https://github.com').replace(/\/+$/, '');
  const runId = present(env.GITHUB_RUN_ID);
  const ref = present(env.GITHUB_REF);
  return {
    workspace: present(env.GITHUB_WORKSPACE) ?? cwd,
    temp: present(env.RUNNER_TEMP) ?? cwd,
    repository,
    owner: owner ?? null,
    repo: repo ?? null,
    apiUrl: (present(env.GITHUB_API_URL) ?? 'https://api.github.com').replace(/\/+$/, ''),
    serverUrl,
    runUrl: repository && runId ? `${serverUrl}/${repository}/actions/runs/${runId}` : null,
    runId,
    runAttempt: present(env.GITHUB_RUN_ATTEMPT),
    sha: present(env.GITHUB_SHA),
    ref,
    branch: ref?.startsWith('refs/heads/')
      ? (present(env.GITHUB_REF_NAME) ?? ref.slice('refs/heads/'.length))
      : null,
    baseRef: present(env.GITHUB_BASE_REF),
    eventName: present(env.GITHUB_EVENT_NAME),
    eventPath: present(env.GITHUB_EVENT_PATH),
  };
}
