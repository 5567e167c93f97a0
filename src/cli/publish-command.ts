import { resolve } from 'node:path';
import type { Command } from 'commander';
import { fetchGitHubRequest } from '../github/fetch-github-request.js';
import { parseReleased, publishStep } from '../publish/publish-step.js';
import { writeBoundaryFromEnvironment } from '../release/write-boundary-from-environment.js';
import { readRunnerContext } from '../runner-context.js';

interface PublishOptions {
  npmRegistry: string;
  distTag?: string;
  branch?: string;
  repository?: string;
  released?: string;
  provenance?: boolean;
  apiUrl: string;
  config?: string;
  cwd: string;
  dryRun?: boolean;
  json?: boolean;
}

/** `relx publish`: publish what was released at HEAD (its release tags), each artifact once. */
export function registerPublishCommand(program: Command): void {
  program
    .command('publish')
    .description(
      'Publish every component released at HEAD exactly once: npm packages, images by digest, charts and modules as OCI artifacts.',
    )
    .option('--npm-registry <url>', 'npm registry (token: NPM_TOKEN)', 'https://registry.npmjs.org/')
    .option(
      '--dist-tag <tag>',
      "npm dist-tag (default: latest, the pre-release identifier, or a maintenance line's tag)",
    )
    .option(
      '--branch <name>',
      'branch released from, for its maintenance line (default: the checked-out branch, else GITHUB_REF_NAME)',
    )
    .option(
      '--repository <owner/name>',
      'source repository recorded (default: GITHUB_REPOSITORY, else the GitHub origin)',
    )
    .option(
      '--released <json>',
      "component → {version}, as bump-version's `released` output (default: the release tags at HEAD)",
    )
    .option('--provenance', 'npm provenance (needs a CI that can mint an OIDC token)')
    .option(
      '--api-url <url>',
      'GitHub API for the GitHub Releases of release-assets components (token: GITHUB_TOKEN)',
      process.env.GITHUB_API_URL ?? 'https://api.github.com',
    )
    .option('--config <file>', 'config file, relative to --cwd')
    .option('--cwd <dir>', 'repository', '.')
    .option('--dry-run', 'check every target and report; publish nothing')
    .option('--json', 'print the published list as JSON')
    .action(async (options: PublishOptions) => {
      const cwd = resolve(options.cwd);
      const env = process.env;
      const githubToken = env.GITHUB_TOKEN ?? env.GH_TOKEN;
      const result = await publishStep({
        root: cwd,
        configFile: options.config ?? null,
        released: options.released ? parseReleased(options.released) : null,
        branch: options.branch ?? null,
        runnerBranch: readRunnerContext(env).branch,
        repository: options.repository ?? env.GITHUB_REPOSITORY ?? null,
        runUrl: null,
        npm: {
          registry: options.npmRegistry,
          ...(env.NPM_TOKEN ? { token: env.NPM_TOKEN } : {}),
          ...(options.distTag ? { distTag: options.distTag } : {}),
          provenance: options.provenance ?? false,
        },
        oci: {
          credentials: {
            ...(env.OCI_USERNAME ? { username: env.OCI_USERNAME } : {}),
            ...(env.OCI_PASSWORD ? { password: env.OCI_PASSWORD } : {}),
          },
        },
        ...(githubToken ? { github: fetchGitHubRequest(githubToken, options.apiUrl) } : {}),
        dryRun: options.dryRun ?? false,
        filesDir: null,
        onProgress: (message) => process.stderr.write(`relx: ${message}\n`),
        boundary: writeBoundaryFromEnvironment(),
      });
      if (options.json) process.stdout.write(`${JSON.stringify(result.list, null, 2)}\n`);
      else {
        for (const o of result.outcomes)
          process.stdout.write(`${o.outcome.padEnd(13)} ${o.reference}${o.error ? `  ${o.error}` : ''}\n`);
      }
      if (result.failure) throw result.failure;
    });
}
