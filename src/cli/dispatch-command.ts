import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { fetchGitHubRequest } from '../github/fetch-github-request.js';
import { runGit } from '../git/run-git.js';
import { resolveSourceRepository } from '../git/source-repository.js';
import { dispatchStep } from '../publish/dispatch-step.js';
import { renderDispatchSent } from '../publish/render-dispatch-summary.js';
import { inputError } from '../relx-error.js';
import { readRunnerContext } from '../runner-context.js';
import { gitHubToken } from './github-token.js';

interface DispatchOptions {
  repository?: string;
  eventType: string;
  manifest?: string;
  published?: string;
  sourceRepository?: string;
  apiUrl: string;
  cwd: string;
  dryRun?: boolean;
}

/** The repository the release comes from: the flag, GITHUB_REPOSITORY, else the GitHub origin. */
async function sourceRepositoryOf(cwd: string, given: string | undefined): Promise<string> {
  try {
    return await resolveSourceRepository(cwd, given);
  } catch (error) {
    throw inputError(error instanceof Error ? error.message : String(error), {
      field: '--source-repository',
      fix: 'Pass --source-repository owner/name.',
    });
  }
}

async function publishedFile(cwd: string, file: string) {
  const text = await readFile(resolve(cwd, file), 'utf8').catch(() => {
    throw inputError(`Cannot read the published list ${file}.`, {
      field: '--published',
      fix: 'Pass the file `relx publish --json` wrote (publish-artifact: `published-file`).',
    });
  });
  return { text, from: file };
}

/** `relx dispatch`: hand a release to CD with a repository_dispatch, as publish-artifact/dispatch does. */
export function registerDispatchCommand(program: Command): void {
  program
    .command('dispatch')
    .description(
      'Hand a release to CD: a repository_dispatch carrying the release manifest (or the published list), within GitHub limits.',
    )
    .option('--repository <owner/name>', 'the CD repository (default: the source repository)')
    .option('--event-type <type>', 'the event type', 'relx-release-published')
    .option('--manifest <file>', 'the release manifest, relative to --cwd')
    .option('--published <file>', 'without a manifest, the published list (relx publish --json)')
    .option(
      '--source-repository <owner/name>',
      'the repository released from (default: GITHUB_REPOSITORY, else the GitHub origin)',
    )
    .option(
      '--api-url <url>',
      'GitHub API (token: GITHUB_TOKEN)',
      process.env.GITHUB_API_URL ?? 'https://api.github.com',
    )
    .option('--cwd <dir>', 'repository', '.')
    .option('--dry-run', "check the dispatch against GitHub's limits and print it; send nothing")
    .action(async (options: DispatchOptions) => {
      const cwd = resolve(options.cwd);
      const token = gitHubToken();
      if (!token && !options.dryRun)
        throw inputError('No GitHub token.', {
          field: 'GITHUB_TOKEN',
          fix: 'Export GITHUB_TOKEN, allowed to dispatch to the CD repository (contents write).',
        });
      const context = readRunnerContext();
      const source = await sourceRepositoryOf(cwd, options.sourceRepository);
      const result = await dispatchStep({
        workspace: cwd,
        repository: options.repository ?? source,
        eventType: options.eventType,
        manifestPath: options.manifest ?? null,
        published: options.published ? await publishedFile(cwd, options.published) : null,
        source: {
          repository: source,
          commit: context.sha ?? (await runGit(cwd, ['rev-parse', 'HEAD'])).trim(),
          runUrl: context.runUrl,
        },
        github: fetchGitHubRequest(token, options.apiUrl),
        dryRun: options.dryRun ?? false,
      });
      if (result.sent) process.stdout.write(`${renderDispatchSent(result)}\n`);
      else {
        const { repository, eventType, payload } = result.dispatch;
        process.stdout.write(
          `${JSON.stringify({ repository, event_type: eventType, client_payload: payload }, null, 2)}\n`,
        );
      }
    });
}
