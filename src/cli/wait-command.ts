import type { Command } from 'commander';
import {
  parseCommit,
  parseEngineConnection,
  parseWaitDuration,
  engineStatusSources,
} from '../engine/engine-status-sources.js';
import { waitForEngine, type EngineWaitOutcome } from '../engine/wait-for-engine.js';
import { formatSeconds } from '../http/retry-policy.js';
import { scrubSecrets } from '../secret-scrubber.js';

/** Exit codes of `relx wait`, so a script can tell a failed rollout from a slow one. */
export const waitExitCodes: Record<EngineWaitOutcome, number> = { applied: 0, failed: 3, timeout: 4 };

interface WaitOptions {
  engine?: string;
  commit: string;
  env?: string;
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
 * it healthy. Exit 0 when it has, 3 when the engine reports a failure for it (Degraded, a failed
 * sync, Ready=False), 4 when the time ran out (fail closed), 1 for errors (a wrong token or name).
 */
export function registerWaitCommand(program: Command): void {
  program
    .command('wait')
    .description('Wait until Argo CD or Flux has applied a promotion commit and reports it healthy.')
    .requiredOption('--commit <sha>', 'the promotion commit in the GitOps repository')
    .option('--engine <name>', 'argocd or flux')
    .option('--env <name>', 'the environment, for the summary')
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
      const commit = parseCommit(options.commit, '--commit');
      const timeoutMs = parseWaitDuration(options.timeout, '--timeout');
      const intervalMs = parseWaitDuration(options.interval, '--interval');
      const connection = parseEngineConnection(
        {
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
        {
          engine: '--engine',
          argocd: { url: '--argocd-url', name: '--application', token: '--argocd-token' },
          flux: { url: '--kube-api', name: '--kustomization', token: '--kube-token' },
        },
      );
      const source = engineStatusSources[connection.engine](connection, commit, {});
      const result = await waitForEngine(source, { timeoutMs, intervalMs });
      const where = options.env ? ` (${options.env})` : '';
      const text = options.json
        ? `${JSON.stringify({ engine: connection.engine, target: source.what, environment: options.env ?? null, commit, ...result }, null, 2)}\n`
        : `${source.what}${where}: ${result.outcome} — ${result.reason} (after ${formatSeconds(result.elapsedMs)}, ${result.polls} reading${result.polls === 1 ? '' : 's'}).\n`;
      process.stdout.write(scrubSecrets(text));
      process.exitCode = waitExitCodes[result.outcome];
    });
}
