import { resolve } from 'node:path';
import { Argument, Command } from 'commander';
import { readHead } from '../git/git-refs.js';
import { runGit } from '../git/run-git.js';
import { pushAuthEnv } from '../git/git-write.js';
import { webUrlFromRemoteUrl } from '../git/source-repository.js';
import { inputError } from '../relx-error.js';
import { applyReleasePlan } from '../release/apply-release-plan.js';
import { writeBoundaryFromEnvironment } from '../release/write-boundary-from-environment.js';
import { branchFromGitHubRef } from '../release-plan/maintenance-line.js';
import { planRepositoryRelease } from '../release-plan/plan-repository-release.js';
import { releasedComponents } from '../release-plan/release-plan.js';
import {
  decideCut,
  findTrain,
  isTrainFinished,
  trainBranches,
  type TrainBranch,
} from '../release-train/train-decisions.js';
import { withInferredTagFormats } from '../versioning/tag-convention.js';
import { tagMatcher } from '../versioning/tag-format.js';
import { loadWorkspace } from '../workspace/load-workspace.js';
import type { ReleaseTrainConfig } from '../workspace/relx-config.js';

interface TrainOptions {
  train: string;
  cwd: string;
  config?: string;
  remote: string;
  push?: boolean;
  dryRun?: boolean;
  json?: boolean;
}

interface TrainResult {
  train: string;
  step: 'cut' | 'finish' | 'nothing';
  branch: string | null;
  /** component → version released by a finish */
  released: Record<string, string>;
  message: string;
}

/** `relx train cut|finish|auto --train sdk`: release trains (see README, "Release trains"). */
export function registerTrainCommand(program: Command): void {
  program
    .command('train')
    .description(
      "Release trains: cut release/vX.Y from the default branch for the train's components, then finish it (X.Y.0, or the next patch). auto finishes the open train, else cuts one.",
    )
    .addArgument(new Argument('<step>', 'what to do').choices(['cut', 'finish', 'auto']))
    .requiredOption('--train <name>', 'the train, as relx.config.yaml names it under trains')
    .option('--cwd <dir>', 'repository', '.')
    .option('--config <file>', 'config file, relative to --cwd')
    .option('--remote <name>', 'remote the train branches live on', 'origin')
    .option('--push', 'push the cut branch, or the release commit and tags')
    .option('--dry-run', 'say what would be done and stop')
    .option('--json', 'print the result as JSON')
    .action(async (step: 'cut' | 'finish' | 'auto', options: TrainOptions) => {
      const cwd = resolve(options.cwd);
      const { config } = await loadWorkspace(cwd, options.config ? { configFile: options.config } : {});
      const train = findTrain(config, options.train);
      const branches = trainBranches(train, await branchNames(cwd, options.remote));
      let chosen: 'cut' | 'finish' = step === 'auto' ? 'cut' : step;
      if (step === 'auto') {
        const newest = branches[0];
        if (newest && !isTrainFinished(train, newest, await trainVersions(cwd, options))) chosen = 'finish';
      }
      const result =
        chosen === 'cut'
          ? await cut(cwd, train, branches, options)
          : await finish(cwd, train, branches, options);
      process.stdout.write(options.json ? `${JSON.stringify(result, null, 2)}\n` : `${result.message}\n`);
    });
}

/** The token pushes use (GITHUB_TOKEN in a workflow): an HTTP header, never in .git/config. */
const token = () => (process.env.GITHUB_TOKEN ? { token: process.env.GITHUB_TOKEN } : {});

const progress = (message: string) => process.stderr.write(`relx: ${message}\n`);

async function cut(
  cwd: string,
  train: ReleaseTrainConfig,
  branches: TrainBranch[],
  options: TrainOptions,
): Promise<TrainResult> {
  const head = await readHead(cwd);
  const branch = head.branch ?? branchFromGitHubRef(process.env);
  if (branch !== train.from) {
    throw inputError(
      `A train is cut from ${train.from}; this checkout is on ${branch ?? 'a detached HEAD'}.`,
      {
        field: `trains[${train.name}].from`,
        fix: `Check out ${train.from} (or set the train's from: to your default branch).`,
      },
    );
  }
  const { plan } = await planRepositoryRelease(cwd, {
    branch,
    now: new Date(),
    train: { name: train.name, step: 'cut' },
    onProgress: progress,
    ...(options.config ? { configFile: options.config } : {}),
  });
  const decision = decideCut(train, plan, branches, await trainVersions(cwd, options));
  if (decision.kind === 'nothing')
    return {
      train: train.name,
      step: 'nothing',
      branch: null,
      released: {},
      message: `Nothing to cut: ${decision.why}.`,
    };
  const at = head.sha.slice(0, 7);
  if (!options.dryRun) {
    await runGit(cwd, ['branch', decision.branch, head.sha]);
    if (options.push)
      await runGit(
        cwd,
        ['push', options.remote, `refs/heads/${decision.branch}:refs/heads/${decision.branch}`],
        { env: pushAuthEnv(process.env.GITHUB_TOKEN) },
      );
  }
  return {
    train: train.name,
    step: 'cut',
    branch: decision.branch,
    released: {},
    message: `${options.dryRun ? 'Would cut' : 'Cut'} ${decision.branch} at ${at} for train ${train.name} (${train.components.join(', ')}); \`relx train finish --train ${train.name}\` releases ${decision.version}.0.`,
  };
}

async function finish(
  cwd: string,
  train: ReleaseTrainConfig,
  branches: TrainBranch[],
  options: TrainOptions,
): Promise<TrainResult> {
  const head = await readHead(cwd);
  const current = branches.find((b) => b.branch === head.branch);
  const target = current ?? branches[0];
  if (!target) {
    throw inputError(`Release train ${train.name} has no branch to finish.`, {
      field: '--train',
      fix: `Cut one first: relx train cut --train ${train.name} --push.`,
    });
  }
  if (!current) {
    if ((await runGit(cwd, ['status', '--porcelain', '--untracked-files=no'])).trim() !== '') {
      throw inputError(`Cannot switch to ${target.branch}: the working tree has uncommitted changes.`, {
        fix: 'Commit or stash them, or check out the train branch yourself.',
      });
    }
    const remoteRef = `refs/remotes/${options.remote}/${target.branch}`;
    const hasRemote = await runGit(cwd, ['rev-parse', '--verify', '-q', remoteRef]).then(
      () => true,
      () => false,
    );
    await runGit(cwd, ['switch', '-q', '-C', target.branch, hasRemote ? remoteRef : target.branch]);
    progress(`switched to ${target.branch}`);
  }
  const now = new Date();
  const { plan } = await planRepositoryRelease(cwd, {
    branch: target.branch,
    now,
    train: { name: train.name, step: 'finish' },
    onProgress: progress,
    ...(options.config ? { configFile: options.config } : {}),
  });
  const releasing = releasedComponents(plan);
  if (releasing.length === 0) {
    return {
      train: train.name,
      step: 'nothing',
      branch: target.branch,
      released: {},
      message: `Nothing to release on ${target.branch}: train ${train.name} is finished and has no new fixes.`,
    };
  }
  const result = await applyReleasePlan(cwd, plan, {
    dryRun: options.dryRun ?? false,
    push: options.push ? { remote: options.remote, branch: target.branch, ...token() } : null,
    publisher: null,
    repositoryUrl: webUrlFromRemoteUrl(
      await runGit(cwd, ['remote', 'get-url', options.remote]).catch(() => ''),
    ),
    now,
    onProgress: progress,
    boundary: writeBoundaryFromEnvironment(),
    ...(options.config ? { configFile: options.config } : {}),
  });
  const released = Object.fromEntries(releasing.map((c) => [c.name, c.nextVersion ?? '']));
  return {
    train: train.name,
    step: 'finish',
    branch: target.branch,
    released,
    message: `${result.dryRun ? 'Would release' : 'Released'} train ${train.name} on ${target.branch}: ${result.components.map((c) => c.tag).join(', ')}${result.pushed ? ' (pushed)' : ''}.`,
  };
}

/** Local branches and the remote's, by branch name. */
async function branchNames(cwd: string, remote: string): Promise<string[]> {
  const refs = await runGit(cwd, [
    'for-each-ref',
    '--format=%(refname)',
    'refs/heads',
    `refs/remotes/${remote}`,
  ]);
  return refs
    .split('\n')
    .filter(Boolean)
    .map((r) => r.replace(/^refs\/heads\//, '').replace(new RegExp(`^refs/remotes/${remote}/`), ''));
}

/** Every tagged version of each component, read through its tag format. */
async function trainVersions(cwd: string, options: TrainOptions): Promise<Map<string, string[]>> {
  const { components } = await loadWorkspace(cwd, options.config ? { configFile: options.config } : {});
  const tags = (await runGit(cwd, ['tag'])).split('\n').filter(Boolean);
  const versions = new Map<string, string[]>();
  for (const component of withInferredTagFormats(components, tags).components) {
    const versionOf = tagMatcher(component.tagFormat, component);
    versions.set(
      component.name,
      tags.map(versionOf).filter((v): v is string => v !== null),
    );
  }
  return versions;
}
