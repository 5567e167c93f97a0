import { Command, CommanderError } from 'commander';
import { renderError, RelxError } from '../relx-error.js';
import { cliCommands } from './cli-commands.js';
import { relxVersion } from './relx-version.js';

/** The `relx` program. Each subcommand lives in its own `<name>-command.ts` and registers itself here. */
export function buildProgram(): Command {
  const program = new Command('relx')
    .description('Release engineering for monorepos: plan, version, publish, manifest, promote, gate.')
    .version(relxVersion())
    // `relx --version` is relx's; after a command, `--version` is that command's (action-release)
    .enablePositionalOptions()
    .showHelpAfterError()
    .exitOverride();
  for (const register of cliCommands) register(program);
  return program;
}

/** Runs the CLI; returns the exit code. Errors are printed once, here: 1 for user errors, 2 for usage. */
export async function runCli(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? 0 : 2;
    }
    console.error(`relx: ${renderError(error)}`);
    return error instanceof RelxError ? 1 : 70;
  }
}
