import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Command } from 'commander';
import { readHead } from '../git/git-refs.js';
import { runGit } from '../git/run-git.js';
import { webUrlFromRemoteUrl } from '../git/source-repository.js';
import { fetchGitHubRequest } from '../github/fetch-github-request.js';
import { GitHubPullRequests } from '../github/pull-requests.js';
import { manifestVersions, parseReleaseManifest } from '../manifest/release-manifest.js';
import { inputError } from '../relx-error.js';
import { resolveReleasePlan } from '../release/resolve-release-plan.js';
import { planRepositoryRelease } from '../release-plan/plan-repository-release.js';
import { updatePreviewComment } from '../release-pr/preview-comment.js';
import { runReleasePullRequestMode } from '../release-pr/run-release-pull-request.js';
import { readRelxConfig } from '../workspace/read-relx-config.js';
import { gitHubToken } from './github-token.js';

interface GitHubOptions {
  repository?: string;
  apiUrl: string;
  cwd: string;
  config?: string;
}

/** `owner/repo` and a token: from the options, else GITHUB_REPOSITORY and GITHUB_TOKEN as in Actions. */
function gitHubOf(options: GitHubOptions) {
  const repository = options.repository ?? process.env.GITHUB_REPOSITORY ?? '';
  const [owner = '', repo = ''] = repository.split('/');
  if (!owner || !repo)
    throw inputError('Which repository?', { field: '--repository', fix: 'Pass --repository owner/name.' });
  const token = gitHubToken();
  if (!token)
    throw inputError('No GitHub token.', {
      field: 'GITHUB_TOKEN',
      fix: 'Export GITHUB_TOKEN (contents and pull-requests write), e.g. `GITHUB_TOKEN=$(gh auth token)`.',
    });
  return { owner, repo, token, request: fetchGitHubRequest(token, options.apiUrl) };
}

const withGitHubOptions = (command: Command) =>
  command
    .option('--repository <owner/name>', 'the GitHub repository (default: GITHUB_REPOSITORY)')
    .option('--api-url <url>', 'GitHub API', process.env.GITHUB_API_URL ?? 'https://api.github.com')
    .option('--config <file>', 'config file, relative to --cwd (default: relx.config.yaml when present)')
    .option('--cwd <dir>', 'repository', '.');

/** `relx release-pr` and `relx preview`: the release-PR mode and previews of bump-version and analyze-commits. */
export function registerReleasePullRequestCommands(program: Command): void {
  withGitHubOptions(
    program
      .command('release-pr')
      .description(
        'Open or update the release pull request of the checked-out default branch, or release the merged one (tags; publish after).',
      ),
  )
    .option('--no-verified', "push with git instead of making commits and tags through GitHub's API")
    .option('--production-manifest <file>', 'the manifest now in production, to show what changes')
    .action(openOrReleasePullRequest);

  withGitHubOptions(
    program
      .command('preview')
      .description(
        'Keep one comment on a pull request saying what merging it would release (plans HEAD: its merge).',
      ),
  )
    .requiredOption('--pr <number>', 'the pull request')
    .option('--base <branch>', 'the branch it merges into (decides the channel)', 'main')
    .action(updatePreview);
}

/** `relx release-pr`: the release pull request of the checked-out branch, or the merged one released. */
async function openOrReleasePullRequest(
  options: GitHubOptions & { verified: boolean; productionManifest?: string },
): Promise<void> {
  const cwd = resolve(options.cwd);
  const github = gitHubOf(options);
  const { config } = await readRelxConfig(cwd, options.config);
  const base = (await readHead(cwd)).branch;
  if (!base) throw inputError('HEAD is detached.', { field: '--cwd', fix: 'Check out the default branch.' });
  const now = new Date();
  const progress = (message: string) => process.stderr.write(`relx: ${message}\n`);
  const production = options.productionManifest
    ? manifestVersions(
        parseReleaseManifest(await readFile(options.productionManifest, 'utf8'), options.productionManifest),
      )
    : null;
  const outcome = await runReleasePullRequestMode({
    cwd,
    ...(options.config ? { configFile: options.config } : {}),
    config,
    request: github.request,
    owner: github.owner,
    repo: github.repo,
    base,
    remote: 'origin',
    token: github.token,
    verified: options.verified ? null : false,
    plan: () => resolveReleasePlan(cwd, { now, ...(options.config ? { configFile: options.config } : {}) }),
    publisher: null,
    draft: false,
    repositoryUrl: webUrlFromRemoteUrl(await runGit(cwd, ['remote', 'get-url', 'origin']).catch(() => '')),
    now,
    production,
    releaseName: null,
    onProgress: progress,
  });
  process.stdout.write(`${JSON.stringify(outcome, null, 2)}\n`);
}

/** `relx preview`: one comment on the pull request saying what merging it would release. */
async function updatePreview(options: GitHubOptions & { pr: string; base: string }): Promise<void> {
  const number = Number(options.pr);
  if (!Number.isInteger(number) || number < 1)
    throw inputError(`--pr is "${options.pr}".`, {
      field: '--pr',
      fix: 'Pass the pull request number, e.g. --pr 42.',
    });
  const cwd = resolve(options.cwd);
  const github = gitHubOf(options);
  const { plan } = await planRepositoryRelease(cwd, {
    now: new Date(),
    branch: options.base,
    ...(options.config ? { configFile: options.config } : {}),
  });
  const pulls = new GitHubPullRequests(github.request, github.owner, github.repo);
  const result = await updatePreviewComment(pulls, number, plan);
  process.stdout.write(`preview comment: ${result.action}\n`);
}
