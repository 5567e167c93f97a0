import { resolve } from 'node:path';
import type { Command } from 'commander';
import { fetchGitHubRequest } from '../github/fetch-github-request.js';
import { describeMadeCommits, pushVerifiedStep } from '../github/push-verified-step.js';
import { readRunnerContext } from '../runner-context.js';
import { gitHubToken } from './github-token.js';

interface PushVerifiedOptions {
  branch?: string;
  remote: string;
  repository?: string;
  apiUrl: string;
  cwd: string;
  json?: boolean;
}

/** `relx push-verified`: the checkout's unpushed commits made by GitHub (signed), as bump-version/push-verified does. */
export function registerPushVerifiedCommand(program: Command): void {
  program
    .command('push-verified')
    .description(
      "Push the branch's new commits by having GitHub make them through the API: signed, verified commits instead of a git push.",
    )
    .option('--branch <name>', 'the branch on GitHub (default: the checked-out one)')
    .option('--remote <name>', 'the remote the branch is read from', 'origin')
    .option('--repository <owner/name>', 'the GitHub repository (default: GITHUB_REPOSITORY)')
    .option(
      '--api-url <url>',
      'GitHub API (token: GITHUB_TOKEN, contents: write)',
      process.env.GITHUB_API_URL ?? 'https://api.github.com',
    )
    .option('--cwd <dir>', 'repository', '.')
    .option('--json', 'print local → GitHub commits as JSON')
    .action(async (options: PushVerifiedOptions) => {
      const repository = options.repository ?? readRunnerContext().repository ?? '';
      const [owner = null, repo = null] = repository.includes('/') ? repository.split('/', 2) : [];
      const result = await pushVerifiedStep({
        cwd: resolve(options.cwd),
        branch: options.branch ?? null,
        remote: options.remote,
        owner,
        repo,
        token: gitHubToken(),
        github: (token) => fetchGitHubRequest(token, options.apiUrl),
        missingFix:
          'Check out the branch (or pass --branch), pass --repository owner/name and export GITHUB_TOKEN.',
      });
      process.stdout.write(
        options.json
          ? `${JSON.stringify({ commit: result.commit, made: Object.fromEntries(result.made) }, null, 2)}\n`
          : `${[...describeMadeCommits(result.made), result.commit ? `Tip: ${result.commit}` : 'Nothing new to push.'].join('\n')}\n`,
      );
    });
}
