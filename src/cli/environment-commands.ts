import type { Command } from 'commander';
import { readManifestFile } from '../manifest/write-manifest-files.js';
import { checkCompatibility } from '../manifest/validate-manifest.js';
import type { ReleaseManifest } from '../manifest/release-manifest.js';
import { inputError } from '../relx-error.js';
import { readEnvironment, renderHistory, renderStatus } from '../promotion/environment-status.js';
import { gitopsOption, gitopsRemote } from './gitops-remote.js';

/** "Now" for how long a canary has baked: RELX_NOW (ISO 8601) when set, so a run can be replayed; else the clock. */
function statusClock(): () => number {
  const pinned = process.env.RELX_NOW;
  if (!pinned) return Date.now;
  const at = Date.parse(pinned);
  if (Number.isNaN(at)) {
    throw inputError(`RELX_NOW "${pinned}" is not a date.`, {
      field: 'RELX_NOW',
      fix: 'Use ISO 8601, e.g. 2026-12-01T00:00:00Z, or unset it.',
    });
  }
  return () => at;
}

/** `relx status`, `relx history`, `relx compat`: what runs where, how it got there, what goes together. Reads only. */
export function registerEnvironmentCommands(program: Command): void {
  program
    .command('status')
    .description(
      'What an environment runs: the release, every component with its version and digest, the source commit, and a canary beside it (its weight and how long it has baked).',
    )
    .requiredOption('--env <env>', 'the environment, e.g. prod')
    .option(...gitopsOption)
    .option('--json', 'print JSON')
    .action(async (options: { env: string; gitops?: string; json?: boolean }) => {
      const { status } = await readEnvironment(
        await gitopsRemote(options.gitops),
        options.env,
        statusClock(),
      );
      process.stdout.write(options.json ? `${JSON.stringify(status, null, 2)}\n` : renderStatus(status));
    });

  program
    .command('history')
    .description(
      'Every promotion of an environment, newest first: when, which release, by whom, approved by whom, which run; each canary step, its completion or its abort (with the reason and gate report).',
    )
    .requiredOption('--env <env>', 'the environment')
    .option(...gitopsOption)
    .option('--json', 'print JSON')
    .action(async (options: { env: string; gitops?: string; json?: boolean }) => {
      const { history } = await readEnvironment(await gitopsRemote(options.gitops), options.env);
      process.stdout.write(
        options.json ? `${JSON.stringify(history, null, 2)}\n` : renderHistory(options.env, history),
      );
    });

  program
    .command('compat')
    .description(
      "The supported version matrix of a release (an environment's, or a manifest file's), and the row it satisfies.",
    )
    .option('--env <env>', 'the release an environment runs')
    .option('--manifest <file>', 'a manifest file instead')
    .option(...gitopsOption)
    .option('--json', 'print JSON')
    .action(async (options: { env?: string; manifest?: string; gitops?: string; json?: boolean }) => {
      let manifest: ReleaseManifest | null;
      if (options.manifest) manifest = await readManifestFile(options.manifest);
      else if (options.env)
        manifest = (await readEnvironment(await gitopsRemote(options.gitops), options.env)).status.manifest;
      else
        throw inputError('compat needs --env or --manifest.', {
          field: '--env',
          fix: 'Pass --env prod, or --manifest releases/<name>.yaml.',
        });
      if (!manifest)
        throw inputError(`${options.env ?? ''} runs nothing yet.`, {
          field: '--env',
          fix: 'Promote a release first.',
        });
      const check = checkCompatibility(manifest);
      if (options.json) {
        process.stdout.write(`${JSON.stringify({ release: manifest.metadata.name, ...check }, null, 2)}\n`);
        return;
      }
      const lines = [
        `${manifest.metadata.name}: ${manifest.compatibility.length === 0 ? 'no compatibility matrix declared' : `satisfies row ${(check.satisfiedRow ?? -1) + 1}`}`,
      ];
      manifest.compatibility.forEach((row, i) => {
        const mark = check.satisfiedRow === i ? '✓' : ' ';
        lines.push(
          `${mark} row ${i + 1}: ${Object.entries(row)
            .map(([c, r]) => `${c} ${r}`)
            .join(', ')}`,
        );
      });
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}
