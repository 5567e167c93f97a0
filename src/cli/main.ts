import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Command, CommanderError } from 'commander';
import { inputError, renderError } from '../relx-error.js';
import { cliCommands } from './cli-commands.js';
import { errorExitCode } from './exit-codes.js';
import { relxVersion } from './relx-version.js';

/** The `relx` program. Each subcommand lives in its own `<name>-command.ts` and registers itself here. */
export function buildProgram(): Command {
  const program = new Command('relx')
    .description('Release engineering for monorepos: plan, version, publish, manifest, promote, gate.')
    .version(relxVersion())
    // `relx --version` is relx's; after a command, `--version` is that command's (action-release)
    .enablePositionalOptions()
    .showHelpAfterError()
    .exitOverride()
    .hook('preAction', (_, command) => assertCwdFolder(command.opts<{ cwd?: unknown }>().cwd));
  for (const register of cliCommands) register(program);
  return program;
}

/** `--cwd` names a folder that exists: otherwise git fails in ways that blame git itself. */
async function assertCwdFolder(cwd: unknown): Promise<void> {
  if (typeof cwd !== 'string') return;
  const folder = await stat(resolve(cwd)).then(
    (s) => s.isDirectory(),
    () => null,
  );
  if (folder === true) return;
  throw inputError(
    folder === null ? `--cwd ${cwd} does not exist.` : `--cwd ${cwd} is a file, not a folder.`,
    {
      field: '--cwd',
      fix: 'Pass the folder of the repository (a clone), relative to the current folder or absolute.',
    },
  );
}

/**
 * Runs the CLI; returns the exit code. Errors are printed once, here, and exit with the code of
 * their kind (exit-codes.ts): 2 usage or input, 73 conflict, 75 transient, 78 configuration, 70 a bug.
 */
export async function runCli(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    // commander has printed its usage error already
    if (!(error instanceof CommanderError)) console.error(`relx: ${renderError(error)}`);
    return errorExitCode(error);
  }
}
