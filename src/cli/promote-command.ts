import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { inputError } from '../relx-error.js';
import {
  promoteEnvironment,
  readManifestForPromotion,
  rollbackComponent,
  rollbackEnvironment,
  type PromotionResult,
} from '../promotion/promote-environment.js';
import { verifyManifestBytes } from '../promotion/release-handoff.js';
import { writeBoundaryFromEnvironment } from '../release/write-boundary-from-environment.js';
import { gitopsOption, gitopsRemote } from './gitops-remote.js';

const print = (result: PromotionResult, json: boolean | undefined) => {
  if (json) return process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  const line =
    result.status === 'unchanged'
      ? `${result.environment} already runs ${result.manifest}: nothing to do`
      : result.status === 'planned'
        ? `would promote ${result.manifest} to ${result.environment} (after ${result.previous ?? 'nothing'}), writing ${result.files.join(', ')}`
        : `${result.environment} now runs ${result.manifest} (was ${result.previous ?? 'nothing'}) — ${result.commit ?? ''}`;
  return process.stdout.write(`${line}\n`);
};
const progress = (message: string) => process.stderr.write(`relx: ${message}\n`);

interface Common {
  env: string;
  gitops?: string;
  approvedBy?: string;
  run?: string;
  dryRun?: boolean;
  json?: boolean;
}

/** `relx promote` and `relx rollback`: GitOps commits that make an environment match a manifest. */
export function registerPromoteCommands(program: Command): void {
  program
    .command('promote')
    .description(
      'Make an environment run a release manifest: a GitOps commit, in environment order, with audit trailers.',
    )
    .requiredOption('--env <env>', 'the environment, e.g. staging')
    .requiredOption('--manifest <file>', 'the release manifest (releases/<name>.yaml)')
    .option(
      '--manifest-sha256 <hex>',
      "the SHA-256 the manifest must have (write-manifest's sha256, the dispatch's manifest_sha256)",
    )
    .option(...gitopsOption)
    .option('--hotfix', 'skip the environment order; recorded in the promotion')
    .option('--approved-by <who>', 'who approved it (recorded)')
    .option('--run <url>', 'the run that promotes (recorded)')
    .option('--dry-run', 'say what would be written, write nothing')
    .option('--json', 'print the result as JSON')
    .action(async (options: Common & { manifest: string; manifestSha256?: string; hotfix?: boolean }) => {
      const bytes = await readFile(resolve(options.manifest)).catch(() => {
        throw inputError(`Cannot read the manifest ${options.manifest}.`, {
          field: '--manifest',
          fix: 'Check the path.',
        });
      });
      if (options.manifestSha256 !== undefined)
        verifyManifestBytes(bytes, options.manifestSha256, options.manifest);
      const manifest = readManifestForPromotion(bytes.toString('utf8'), options.manifest);
      const result = await promoteEnvironment(await promotionContext(options), manifest, {
        hotfix: options.hotfix ?? false,
      });
      print(result, options.json);
    });

  program
    .command('rollback')
    .description(
      'Roll an environment back to its previous release, or only one component to its previous version.',
    )
    .requiredOption('--env <env>', 'the environment')
    .option('--component <name>', 'only this component; everything else stays')
    .option('--to <release-or-version>', 'a release name (whole environment) or a version (with --component)')
    .option(...gitopsOption)
    .option('--approved-by <who>', 'who approved it (recorded)')
    .option('--run <url>', 'the run that rolls back (recorded)')
    .option('--dry-run', 'say what would be written, write nothing')
    .option('--json', 'print the result as JSON')
    .action(async (options: Common & { component?: string; to?: string }) => {
      const context = await promotionContext(options);
      const result = options.component
        ? await rollbackComponent(context, options.component, options.to)
        : await rollbackEnvironment(context, options.to);
      print(result, options.json);
    });
}

/** What a promotion or rollback is told from the flags both commands share. */
async function promotionContext(options: Common) {
  const boundary = writeBoundaryFromEnvironment();
  return {
    ...(boundary ? { boundary } : {}),
    remote: await gitopsRemote(options.gitops),
    environment: options.env,
    approvedBy: options.approvedBy ?? null,
    run: options.run ?? null,
    dryRun: options.dryRun ?? false,
    onProgress: progress,
  };
}
