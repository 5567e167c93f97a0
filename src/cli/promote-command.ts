import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { inputError } from '../relx-error.js';
import { parseCanaryRequest, type CanaryFlagNames, type CanaryRequest } from '../promotion/plan-canary.js';
import {
  promoteCanary,
  promoteEnvironment,
  readManifestForPromotion,
  rollbackComponent,
  rollbackEnvironment,
  type PromotionResult,
} from '../promotion/promote-environment.js';
import { verifyManifestBytes } from '../promotion/release-handoff.js';
import { writeBoundaryFromEnvironment } from '../release/write-boundary-from-environment.js';
import { gitopsOption, gitopsRemote } from './gitops-remote.js';

/** One line for a canary step: what it did, or would do. */
function canaryLine(result: PromotionResult): string {
  const c = result.canary;
  const weight = c?.weight ?? null;
  const planned = result.status === 'planned';
  const record = result.record;
  if (!c || c.status === 'unchanged')
    return `${result.environment}: nothing to do (${result.manifest}${weight !== null ? ` at ${weight} %` : ''})`;
  if (planned) {
    const what =
      record?.canary === 'complete'
        ? `complete the canary of ${result.manifest}`
        : record?.canary === 'abort'
          ? `abort the canary of ${result.manifest}`
          : `run the canary of ${result.manifest} at ${weight ?? '?'} %`;
    return `would ${what} in ${result.environment} (stable ${result.previous ?? 'nothing'}), writing ${result.files.join(', ')}`;
  }
  const commit = result.commit ?? '';
  if (c.status === 'completed')
    return `${result.environment} now runs ${result.manifest} (canary complete, was ${result.previous ?? 'nothing'}) — ${commit}`;
  if (c.status === 'aborted')
    return `${result.environment}: canary of ${result.manifest} aborted; ${result.previous ?? 'the stable release'} keeps all traffic — ${commit}`;
  return `${result.environment}: canary ${result.manifest} ${c.status} at ${weight ?? '?'} % beside ${result.previous ?? '?'} — ${commit}`;
}

const print = (result: PromotionResult, json: boolean | undefined) => {
  if (json) return process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  if (result.canary) return process.stdout.write(`${canaryLine(result)}\n`);
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
    .option('--manifest <file>', 'the release manifest (releases/<name>.yaml); a running canary needs none')
    .option(
      '--manifest-sha256 <hex>',
      "the SHA-256 the manifest must have (write-manifest's sha256, the dispatch's manifest_sha256)",
    )
    .option(...gitopsOption)
    .option('--hotfix', 'skip the environment order; recorded in the promotion')
    .option(
      '--canary <weight|next>',
      'start or advance a canary: its share of traffic (1–99 %), or next configured step',
    )
    .option('--complete', 'make the canary the environment release (all traffic)')
    .option('--abort', 'remove the canary; the stable release keeps all traffic (needs --reason)')
    .option('--reason <text>', 'why the canary is aborted (recorded)')
    .option('--gate-report <url>', "the gate's report that decided the abort (recorded)")
    .option('--approved-by <who>', 'who approved it (recorded)')
    .option('--run <url>', 'the run that promotes (recorded)')
    .option('--dry-run', 'say what would be written, write nothing')
    .option('--json', 'print the result as JSON')
    .action(async (options: PromoteOptions) => {
      const request = parseCanaryRequest(options, cliFlags);
      const manifest = options.manifest
        ? await readManifestOption(options.manifest, options.manifestSha256)
        : null;
      const context = await promotionContext(options);
      if (request) {
        print(await promoteCanary(context, { ...request, manifest } as CanaryRequest), options.json);
        return;
      }
      if (!manifest)
        throw inputError('Which release?', {
          field: '--manifest',
          fix: 'Pass --manifest releases/<name>.yaml (or --canary/--complete/--abort for a running canary).',
        });
      const result = await promoteEnvironment(context, manifest, { hotfix: options.hotfix ?? false });
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

interface PromoteOptions extends Common {
  manifest?: string;
  manifestSha256?: string;
  hotfix?: boolean;
  canary?: string;
  complete?: boolean;
  abort?: boolean;
  reason?: string;
  gateReport?: string;
}

const cliFlags: CanaryFlagNames = {
  canary: '--canary',
  complete: '--complete',
  abort: '--abort',
  reason: '--reason',
  gateReport: '--gate-report',
};

async function readManifestOption(file: string, sha256: string | undefined) {
  const bytes = await readFile(resolve(file)).catch(() => {
    throw inputError(`Cannot read the manifest ${file}.`, { field: '--manifest', fix: 'Check the path.' });
  });
  if (sha256 !== undefined) verifyManifestBytes(bytes, sha256, file);
  return readManifestForPromotion(bytes.toString('utf8'), file);
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
