import { resolve } from 'node:path';
import { Command, Option } from 'commander';
import { fetchGitHubRequest } from '../github/fetch-github-request.js';
import { runGit } from '../git/run-git.js';
import { webUrlFromRemoteUrl } from '../git/source-repository.js';
import type { ApplyReleaseResult } from '../release/apply-release-plan.js';
import { versionStep, type VersionMode, type VersionStepResult } from '../release/version-step.js';
import { readRunnerContext } from '../runner-context.js';
import { gitHubToken } from './github-token.js';

interface VersionOptions {
  plan?: string;
  dryRun?: boolean;
  push?: boolean;
  remote: string;
  config?: string;
  cwd: string;
  json?: boolean;
  repositoryUrl?: string;
  mode: VersionMode;
  verifiedCommits?: boolean;
  githubRelease?: boolean;
  draft?: boolean;
  commitTitle?: string;
  productionManifest?: string;
  repository?: string;
  apiUrl: string;
}

/** The web URL of the remote (for changelog links), when it is a GitHub-style remote. */
async function repositoryUrlOf(cwd: string, remote: string): Promise<string | null> {
  return webUrlFromRemoteUrl(await runGit(cwd, ['remote', 'get-url', remote]).catch(() => ''));
}

async function version(options: VersionOptions): Promise<void> {
  const cwd = resolve(options.cwd);
  const repository = options.repository ?? readRunnerContext().repository ?? '';
  const [owner, repo] = repository.split('/', 2);
  const token = gitHubToken();
  const result = await versionStep({
    cwd,
    configFile: options.config ?? null,
    plan: options.plan ? { file: { path: resolve(options.plan), field: '--plan' } } : {},
    mode: options.mode,
    verified: options.verifiedCommits ?? null,
    productionManifest: options.productionManifest
      ? { path: options.productionManifest, field: '--production-manifest' }
      : null,
    push: options.push ?? false,
    githubRelease: options.githubRelease ?? false,
    draft: options.draft ?? false,
    dryRun: options.dryRun ?? false,
    commitTitle: options.commitTitle ?? null,
    remote: options.remote,
    token,
    repository: owner && repo ? { owner, repo } : null,
    repositoryUrl: options.repositoryUrl ?? (await repositoryUrlOf(cwd, options.remote)),
    github: () => fetchGitHubRequest(token, options.apiUrl),
    gitUser: null,
    fields: { push: '--push', mode: '--mode', checkoutFix: 'check out the release branch' },
    now: new Date(),
    onProgress: (message) => process.stderr.write(`relx: ${message}\n`),
  });
  process.stdout.write(options.json ? `${JSON.stringify(jsonOf(result), null, 2)}\n` : renderResult(result));
}

/** One release: the result as before; release-PR mode: the releases, or the release pull requests. */
function jsonOf(result: VersionStepResult): unknown {
  if (result.kind === 'pull-requests') return { pullRequests: result.pullRequests };
  return result.mode === 'direct' ? result.results[0] : { releases: result.results };
}

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
    .addOption(
      new Option('--mode <mode>', 'release-pr: release merged release pull requests, else keep them open')
        .choices(['direct', 'release-pr'])
        .default('direct'),
    )
    .option('--verified-commits', 'make the release commit through the GitHub API (signed by GitHub)')
    .option('--github-release', 'create a GitHub Release per tag')
    .option('--draft', 'with --github-release: as drafts')
    .option('--commit-title <title>', 'the release commit title ({releases} lists them)')
    .option('--production-manifest <file>', 'with --mode release-pr: the manifest now in production')
    .option('--repository <owner/name>', 'the GitHub repository (default: GITHUB_REPOSITORY)')
    .option(
      '--api-url <url>',
      'GitHub API (token: GITHUB_TOKEN)',
      process.env.GITHUB_API_URL ?? 'https://api.github.com',
    )
    .action(version);
}

function renderResult(result: VersionStepResult): string {
  if (result.kind === 'pull-requests') {
    return `${result.pullRequests
      .map((p) =>
        p.pullRequest
          ? `${p.action} #${p.pullRequest.number} (${p.branch})`
          : `${p.branch}: nothing to release`,
      )
      .join('\n')}\n`;
  }
  return result.results.map(renderRelease).join('') || 'Nothing to release.\n';
}

function renderRelease(result: ApplyReleaseResult): string {
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
