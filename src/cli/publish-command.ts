import { resolve } from 'node:path';
import type { Command } from 'commander';
import { runGit } from '../git/run-git.js';
import { resolveSourceRepository } from '../git/source-repository.js';
import { publishRelease } from '../publish/publish-release.js';
import { writeBoundaryFromEnvironment } from '../release/write-boundary-from-environment.js';
import { builtFrom, releasedAtCommit } from '../publish/released-components.js';
import { lineDistTags, publishBranch } from '../publish/line-dist-tags.js';
import { loadWorkspace } from '../workspace/load-workspace.js';

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
    .option('--config <file>', 'config file, relative to --cwd')
    .option('--cwd <dir>', 'repository', '.')
    .option('--dry-run', 'check every target and report; publish nothing')
    .option('--json', 'print the published list as JSON')
    .action(
      async (options: {
        npmRegistry: string;
        distTag?: string;
        branch?: string;
        repository?: string;
        config?: string;
        cwd: string;
        dryRun?: boolean;
        json?: boolean;
      }) => {
        const cwd = resolve(options.cwd);
        const { components, config } = await loadWorkspace(
          cwd,
          options.config ? { configFile: options.config } : {},
        );
        const commit = (await runGit(cwd, ['rev-parse', 'HEAD'])).trim();
        const env = process.env;
        const released = await releasedAtCommit(cwd, components, commit);
        const branch = await publishBranch(cwd, options.branch, env);
        const result = await publishRelease({
          root: cwd,
          components,
          released,
          distTags: await lineDistTags(cwd, components, released, branch, config),
          commit,
          builtFrom: await builtFrom(cwd, commit),
          repository: await resolveSourceRepository(cwd, options.repository, env),
          runUrl: null,
          npm: {
            registry: options.npmRegistry,
            ...(env.NPM_TOKEN ? { token: env.NPM_TOKEN } : {}),
            ...(options.distTag ? { distTag: options.distTag } : {}),
            provenance: false,
          },
          oci: {
            credentials: {
              ...(env.OCI_USERNAME ? { username: env.OCI_USERNAME } : {}),
              ...(env.OCI_PASSWORD ? { password: env.OCI_PASSWORD } : {}),
            },
          },
          dryRun: options.dryRun ?? false,
          onProgress: (message) => process.stderr.write(`relx: ${message}\n`),
          boundary: writeBoundaryFromEnvironment(),
        });
        if (options.json) process.stdout.write(`${JSON.stringify(result.list, null, 2)}\n`);
        else {
          for (const o of result.outcomes)
            process.stdout.write(`${o.outcome.padEnd(13)} ${o.reference}${o.error ? `  ${o.error}` : ''}\n`);
        }
        if (result.failure) throw result.failure;
      },
    );
}
