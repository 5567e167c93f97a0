import type { Command } from 'commander';
import { parseReleaseManifest, type ReleaseManifest } from '../manifest/release-manifest.js';
import { assessReleaseRisk, parseReviewedRisks, renderReleaseRisk } from '../manifest/release-risk.js';
import { readManifestFile } from '../manifest/write-manifest-files.js';
import { checkEnvironment, environmentFolder, releaseFile } from '../promotion/gitops-config.js';
import { GitOpsClone } from '../promotion/gitops-repository.js';
import { inputError } from '../relx-error.js';
import { gitopsOption, gitopsRemote } from './gitops-remote.js';

interface RiskOptions {
  env: string;
  manifest?: string;
  fromEnv?: string;
  canary?: boolean;
  gitops?: string;
  review: string;
  json?: boolean;
}

/**
 * `relx risk`: the largest bump a release makes against what an environment runs, and whether
 * that bump needs a reviewer. Reads only. The deploy template turns the answer into the GitHub
 * Environment of its production job; GitHub enforces the review.
 */
export function registerRiskCommand(program: Command): void {
  program
    .command('risk')
    .description(
      'How risky a release is against what an environment runs: the largest bump of a changed component (none, patch, minor, major), and whether it needs a reviewer. Reads only.',
    )
    .requiredOption('--env <env>', 'the environment the release would go to, e.g. prod')
    .option('--manifest <file>', 'the incoming release manifest')
    .option('--from-env <env>', 'instead: the release another environment runs (e.g. staging)')
    .option('--canary', 'instead: the canary in progress in --env')
    .option(...gitopsOption)
    .option('--review <bumps>', 'the bumps that need a reviewer, comma-separated', 'minor,major')
    .option('--json', 'print JSON')
    .action(async (options: RiskOptions) => {
      const reviewed = parseReviewedRisks(options.review, '--review');
      const sources = [options.manifest, options.fromEnv, options.canary].filter((s) => s !== undefined);
      if (sources.length !== 1)
        throw inputError('Which release? Give exactly one of --manifest, --from-env and --canary.', {
          field: '--manifest',
          fix: 'relx risk --env prod --manifest releases/<name>.yaml (or --from-env staging, or --canary).',
        });
      const { running, incoming, canarySteps } = await readReleases(options);
      const assessment = assessReleaseRisk(running, incoming);
      const review = reviewed.has(assessment.risk);
      process.stdout.write(
        options.json
          ? `${JSON.stringify({ environment: options.env, ...assessment, review, reviewed: [...reviewed], canarySteps }, null, 2)}\n`
          : renderReleaseRisk(assessment, review),
      );
    });
}

async function readReleases(
  options: RiskOptions,
): Promise<{ running: ReleaseManifest | null; incoming: ReleaseManifest; canarySteps: number[] | null }> {
  const file = options.manifest ? await readManifestFile(options.manifest) : null;
  const { clone, config } = await GitOpsClone.openConfigured(await gitopsRemote(options.gitops));
  try {
    checkEnvironment(config, options.env, '--env');
    const read = (path: string) => {
      const text = clone.read(path);
      return text === null ? null : parseReleaseManifest(text, path);
    };
    const running = read(releaseFile(config, options.env));
    // the environment's canary steps in relx.gitops.yaml (`canary: {prod: {steps: […]}}`), when it
    // has any: the deploy template starts a canary there, and promotes the whole environment otherwise
    const canarySteps = config.canary[options.env]?.steps ?? null;
    if (file) return { running, incoming: file, canarySteps };
    const [path, field, fix] = options.fromEnv
      ? [
          releaseFile(config, checkEnvironment(config, options.fromEnv, '--from-env')),
          '--from-env',
          `Promote the release to ${options.fromEnv} first.`,
        ]
      : [
          `${environmentFolder(config, options.env)}/canary-release.yaml`,
          '--canary',
          `Start a canary first: relx promote --env ${options.env} --manifest <file> --canary next.`,
        ];
    const incoming = read(path);
    if (!incoming) throw inputError(`${path} does not exist in the GitOps repository.`, { field, fix });
    return { running, incoming, canarySteps };
  } finally {
    clone.close();
  }
}
