import { resolve } from 'node:path';
import type { Command } from 'commander';
import { defaultActionRepository, publishActionRelease } from '../action-release/publish-action-release.js';

/**
 * `relx action-release`: publish a repository of GitHub Actions laid out as `actions/<name>/`
 * (how relx releases itself): `<name>/action.yml` beside `dist/` at the root of a release commit,
 * tagged `vX.Y.Z`, with `vX` moved forward.
 */
export function registerActionReleaseCommand(program: Command): void {
  program
    .command('action-release')
    .description(
      'Release GitHub Actions kept in actions/<name>/: lay them out at <name>/ beside dist/, tag vX.Y.Z, move vX.',
    )
    .requiredOption('--version <semver>', 'the version to release, e.g. 1.4.2')
    .option('--source <ref>', 'the commit to lay out', 'HEAD')
    .option(
      '--repository <owner/name>',
      'the name the templates use the actions by: each `uses: <owner/name>/<action>@…` is pinned to the release',
      defaultActionRepository,
    )
    .option('--push', 'push both tags (atomically); the token comes from GITHUB_TOKEN, sent as a header')
    .option('--remote <name>', 'remote to push to', 'origin')
    .option('--dry-run', 'list the files of the release tree and stop')
    .option('--cwd <dir>', 'repository', '.')
    .option('--json', 'print the result as JSON')
    .action(async (options: ActionReleaseOptions) => {
      const result = await publishActionRelease(resolve(options.cwd), {
        version: options.version,
        source: options.source,
        repository: options.repository,
        push: options.push ? { remote: options.remote, ...tokenFromEnvironment() } : null,
        dryRun: options.dryRun ?? false,
        onProgress: (message) => process.stderr.write(`relx: ${message}\n`),
      });
      const pins = result.pinned.map((p) => `  ${p.file}:${p.line}  ${p.to}\n`).join('');
      if (options.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      else if (options.dryRun)
        process.stdout.write(
          `${result.tag} would hold:\n  ${result.files.join('\n  ')}\n${pins ? `and pin:\n${pins}` : ''}`,
        );
      else
        process.stdout.write(
          `${result.tag}${result.majorTag ? ` (${result.majorTag})` : ''} ${result.created ? 'released' : 'already released'} at ${result.commit ?? ''}\n` +
            (pins ? `pinned to the actions at ${result.actionsCommit ?? ''}:\n${pins}` : ''),
        );
    });
}

function tokenFromEnvironment(): { token?: string } {
  const token = process.env.GITHUB_TOKEN;
  return token ? { token } : {};
}

interface ActionReleaseOptions {
  version: string;
  source: string;
  repository: string;
  push?: boolean;
  remote: string;
  dryRun?: boolean;
  cwd: string;
  json?: boolean;
}
