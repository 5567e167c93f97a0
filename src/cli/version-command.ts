import { resolve } from 'node:path';
import { Command } from 'commander';
import { readHead } from '../git/git-refs.js';
import { runGit } from '../git/run-git.js';
import { webUrlFromRemoteUrl } from '../git/source-repository.js';
import { inputError } from '../relx-error.js';
import { applyReleasePlan, type ApplyReleaseResult } from '../release/apply-release-plan.js';
import { resolveReleasePlan } from '../release/resolve-release-plan.js';
import { writeBoundaryFromEnvironment } from '../release/write-boundary-from-environment.js';

/** `relx version`: apply a plan — version files, changelogs, release commit, tags, push. */
export function registerVersionCommand(program: Command): void {
  program
    .command('version')
    .description(
      'Apply a release plan: version files, changelogs, one release commit, a tag per component. Re-runs finish, never repeat.',
    )
    .option('--plan <file>', 'the plan to apply (`relx plan --json` output); default: plan now')
    .option('--dry-run', 'print what would change and stop')
    .option('--push', 'push the release commit and tags (atomically)')
    .option('--remote <name>', 'remote to push to', 'origin')
    .option('--config <file>', 'config file, relative to --cwd (default: relx.config.yaml when present)')
    .option('--cwd <dir>', 'repository', '.')
    .option(
      '--repository-url <url>',
      'web URL of the repository, for changelog links (default: from the remote)',
    )
    .option('--json', 'print the result as JSON')
    .action(async (options: VersionOptions) => {
      const cwd = resolve(options.cwd);
      const now = new Date();
      const progress = (message: string) => process.stderr.write(`relx: ${message}\n`);
      const plan = await resolveReleasePlan(cwd, {
        ...(options.plan ? { file: { path: resolve(options.plan), field: '--plan' } } : {}),
        ...(options.config ? { configFile: options.config } : {}),
        now,
        onProgress: progress,
      });
      const branch = (await readHead(cwd)).branch ?? plan.branch;
      if (options.push && !branch) {
        throw inputError('Cannot push from a detached HEAD without a branch.', {
          field: '--push',
          fix: 'Check out the release branch.',
        });
      }
      const result = await applyReleasePlan(cwd, plan, {
        ...(options.config ? { configFile: options.config } : {}),
        dryRun: options.dryRun ?? false,
        push: options.push && branch ? { remote: options.remote, branch } : null,
        publisher: null,
        repositoryUrl: options.repositoryUrl ?? (await repositoryUrlOf(cwd, options.remote)),
        now,
        onProgress: progress,
        boundary: writeBoundaryFromEnvironment(),
      });
      process.stdout.write(options.json ? `${JSON.stringify(result, null, 2)}\n` : renderResult(result));
    });
}

interface VersionOptions {
  plan?: string;
  dryRun?: boolean;
  push?: boolean;
  remote: string;
  config?: string;
  cwd: string;
  json?: boolean;
  repositoryUrl?: string;
}

/** The web URL of the remote (for changelog links), when it is a GitHub-style remote. */
async function repositoryUrlOf(cwd: string, remote: string): Promise<string | null> {
  return webUrlFromRemoteUrl(await runGit(cwd, ['remote', 'get-url', remote]).catch(() => ''));
}

function renderResult(result: ApplyReleaseResult): string {
  if (result.components.length === 0) return 'Nothing to release.\n';
  const lines = [
    result.dryRun
      ? 'Dry run: nothing written.'
      : `Release commit ${result.commit?.slice(0, 7)}${result.commitCreated ? '' : ' (already made)'}`,
  ];
  for (const c of result.components)
    lines.push(`  ${c.tag}${result.dryRun ? '' : c.tagCreated ? '  tagged' : '  (tag already there)'}`);
  lines.push(`Files: ${result.files.join(', ') || 'none'}`);
  if (result.pushed) lines.push('Pushed.');
  return `${lines.join('\n')}\n`;
}
