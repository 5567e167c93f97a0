import type { Command } from 'commander';

/** Every subcommand's registration, in the order `relx --help` lists them. */
export const cliCommands: Array<(program: Command) => void> = [];
