import type { Command } from 'commander';
import { fetchGitHubRequest } from '../github/fetch-github-request.js';
import { inputError } from '../relx-error.js';
import type { CanaryFlagNames } from '../promotion/plan-canary.js';
import type { PromotionResult } from '../promotion/promote-environment.js';
import { finishDeploymentStep, startDeploymentStep } from '../promotion/deployment-record-step.js';
import { promoteStep, type PromoteStepInput } from '../promotion/promote-step.js';
import { writeBoundaryFromEnvironment } from '../release/write-boundary-from-environment.js';
import { readRunnerContext } from '../runner-context.js';
import { gitopsOption, gitopsRemote } from './gitops-remote.js';
import { gitHubToken } from './github-token.js';

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
    .option(
      '--record-deployment',
      'record the promotion as a GitHub deployment of GITHUB_REPOSITORY (in progress, then success or failure), as promote-env does; its run approvals give --approved-by (token: GITHUB_TOKEN)',
    )
    .action(async (options: PromoteOptions) => {
      const input = await promoteInput(options, {
        manifest: options.manifest ?? null,
        manifestSha256: options.manifestSha256 ?? null,
        hotfix: options.hotfix ?? false,
        canary: options,
        rollback: { whole: false, component: null, version: null },
      });
      const result = options.recordDeployment ? await promoteRecorded(input) : await promoteStep(input);
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
      const input = await promoteInput(options, {
        manifest: null,
        manifestSha256: null,
        hotfix: false,
        canary: {},
        rollback: {
          whole: !options.component,
          component: options.component ?? null,
          version: options.to ?? null,
        },
      });
      print(await promoteStep(input), options.json);
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
  recordDeployment?: boolean;
}

const cliFlags: CanaryFlagNames = {
  canary: '--canary',
  complete: '--complete',
  abort: '--abort',
  reason: '--reason',
  gateReport: '--gate-report',
};

type Asked = Pick<PromoteStepInput, 'manifest' | 'manifestSha256' | 'hotfix' | 'canary' | 'rollback'>;

/** What a promotion or rollback is told from the flags both commands share. */
async function promoteInput(options: Common, asked: Asked): Promise<PromoteStepInput> {
  const boundary = writeBoundaryFromEnvironment();
  return {
    ...(boundary ? { boundary } : {}),
    workspace: process.cwd(),
    remote: await gitopsRemote(options.gitops),
    environment: options.env,
    approvedBy: options.approvedBy ?? null,
    run: options.run ?? null,
    dryRun: options.dryRun ?? false,
    ...asked,
    fields: {
      manifest: '--manifest',
      canary: cliFlags,
      noManifestFix:
        'Pass --manifest releases/<name>.yaml (or --canary/--complete/--abort for a running canary).',
    },
    onProgress: progress,
  };
}

/**
 * The promotion recorded as a GitHub deployment, as promote-env records it: in progress before
 * (who approved the run gives --approved-by), success or failure after.
 */
async function promoteRecorded(input: PromoteStepInput): Promise<PromotionResult> {
  const context = readRunnerContext();
  const token = gitHubToken();
  if (!token || !context.repository)
    throw inputError('--record-deployment needs GITHUB_TOKEN and GITHUB_REPOSITORY.', {
      field: '--record-deployment',
      fix: 'Export GITHUB_TOKEN (deployments write) and GITHUB_REPOSITORY (owner/name), or leave the flag out.',
    });
  const target = {
    github: fetchGitHubRequest(token, context.apiUrl),
    repository: context.repository,
    environment: input.environment,
    runId: context.runId,
  };
  const started = await startDeploymentStep({
    ...target,
    workspace: input.workspace,
    manifest: input.manifest,
    ref: context.sha,
  });
  progress(`deployment ${started.id} to ${input.environment}: in progress`);
  const approvedBy = input.approvedBy ?? (started.approvedBy?.join(', ') || null);
  const finish = (promotion: string) =>
    finishDeploymentStep({
      ...target,
      id: started.id,
      runUrl: input.run ?? context.runUrl ?? '',
      outcome: {
        release: started.release,
        promotion,
        wait: '',
        engineStatus: '',
        engineReason: '',
        final: true,
      },
    });
  try {
    const result = await promoteStep({ ...input, approvedBy });
    const done = await finish('success');
    progress(`deployment ${started.id}: ${done.state} (${done.description})`);
    return result;
  } catch (error) {
    await finish('failure');
    throw error;
  }
}
