import type { Command } from 'commander';
import { runGit } from '../git/run-git.js';
import { formatSeconds } from '../http/retry-policy.js';
import { GitOpsClone } from '../promotion/gitops-repository.js';
import { waitStep } from '../promotion/wait-step.js';
import { inputError } from '../relx-error.js';
import { scrubSecrets } from '../secret-scrubber.js';
import { waitExitCodes } from './exit-codes.js';
import { gitopsOption, gitopsRemote } from './gitops-remote.js';

interface WaitOptions {
  engine?: string;
  commit?: string;
  env?: string;
  gitops?: string;
  argocdUrl?: string;
  application?: string;
  argocdToken?: string;
  kubeApi?: string;
  kustomization?: string;
  kubeToken?: string;
  timeout: string;
  interval: string;
  json?: boolean;
}

/**
 * `relx wait`: after a promotion commit, wait until Argo CD or Flux has applied it and reports
 * it healthy. Exit (exit-codes.ts) 0 when it has, 1 when the engine reports a failure for it (Degraded,
 * a failed sync, Ready=False), 4 when the time ran out (fail closed), 5 when a later commit put another
 * release in the environment (--gitops and --env: superseded), 2 for input errors (a wrong token or name).
 */
export function registerWaitCommand(program: Command): void {
  program
    .command('wait')
    .description('Wait until Argo CD or Flux has applied a promotion commit and reports it healthy.')
    .option(
      '--commit <sha>',
      'the promotion commit in the GitOps repository (with --gitops and --env: default the commit that put the environment in its current state)',
    )
    .option('--engine <name>', 'argocd or flux')
    .option(
      '--env <name>',
      'the environment; with --gitops, a later commit that leaves its release as --commit wrote it counts as reached',
    )
    .option(gitopsOption[0], 'the GitOps repository: --commit must be on its branch (checked before waiting)')
    .option('--argocd-url <url>', "Argo CD's URL (engine argocd)")
    .option('--application <name>', 'the Argo CD Application, name or namespace/name (engine argocd)')
    .option('--argocd-token <token>', 'an Argo CD token that may get the application (default: ARGOCD_TOKEN)')
    .option('--kube-api <url>', "the Kubernetes API server's URL (engine flux)")
    .option('--kustomization <ns/name>', 'the Flux Kustomization (engine flux)')
    .option('--kube-token <token>', 'a Kubernetes token that may get the Kustomization (default: KUBE_TOKEN)')
    .option('--timeout <duration>', 'how long to wait before failing (10m, 90s, 1h30m)', '10m')
    .option('--interval <duration>', 'between readings of the status', '10s')
    .option('--json', 'print the result as JSON')
    .action(async (options: WaitOptions) => {
      const gitops = options.gitops;
      const result = await waitStep({
        commit: options.commit ?? '',
        // checked before waiting: an engine only ever applies the GitOps branch
        ...(gitops ? { confirmCommit: (commit: string) => commitOnGitOpsBranch(gitops, commit) } : {}),
        // with the environment too, a later commit that leaves its release as ours wrote it counts as reached
        environment:
          options.gitops && options.env
            ? { name: options.env, remote: await gitopsRemote(options.gitops) }
            : null,
        connection: {
          engine: options.engine,
          argocd: {
            url: options.argocdUrl,
            application: options.application,
            token: options.argocdToken ?? process.env.ARGOCD_TOKEN,
          },
          flux: {
            kubeApiUrl: options.kubeApi,
            kustomization: options.kustomization,
            token: options.kubeToken ?? process.env.KUBE_TOKEN,
          },
        },
        timeout: options.timeout,
        interval: options.interval,
        fields: {
          commit: '--commit',
          environment: '--env',
          timeout: '--timeout',
          interval: '--interval',
          engine: '--engine',
          argocd: { url: '--argocd-url', name: '--application', token: '--argocd-token' },
          flux: { url: '--kube-api', name: '--kustomization', token: '--kube-token' },
        },
      });
      const where = options.env ? ` (${options.env})` : '';
      const { engine, what, outcome, reason, elapsedMs, polls } = result;
      const text = options.json
        ? `${JSON.stringify({ engine, target: what, environment: options.env ?? null, commit: result.commit, outcome, reason, elapsedMs, polls }, null, 2)}\n`
        : `${what}${where}: ${outcome} — ${reason} (after ${formatSeconds(elapsedMs)}, ${polls} reading${polls === 1 ? '' : 's'}).\n`;
      process.stdout.write(scrubSecrets(text));
      process.exitCode = waitExitCodes[outcome];
    });
}

/**
 * The full SHA of `commit` when it is on the branch the GitOps repository is reconciled from. The
 * engines only ever apply that branch: another commit (the source repository's SHA, a typo) would
 * wait out the whole timeout, so it is refused before waiting.
 */
async function commitOnGitOpsBranch(option: string, commit: string): Promise<string> {
  const { clone } = await GitOpsClone.openConfigured(await gitopsRemote(option));
  try {
    const full = await runGit(clone.dir, ['rev-parse', '--verify', '--quiet', `${commit}^{commit}`]).then(
      (out) => out.trim(),
      () => '',
    );
    const onBranch =
      full !== '' &&
      (await runGit(clone.dir, ['merge-base', '--is-ancestor', full, 'HEAD']).then(
        () => true,
        () => false,
      ));
    if (!onBranch) {
      throw inputError(`--commit ${commit} is not on ${clone.branch} of the GitOps repository ${option}.`, {
        field: '--commit',
        fix: 'Pass the promotion commit in the GitOps repository (promote-env output `commit`, `relx promote --json` .commit), not a commit of the source repository.',
      });
    }
    return full;
  } finally {
    clone.close();
  }
}
