import type { Command } from 'commander';
import { registerPlanCommand } from './plan-command.js';
import { registerVersionCommand } from './version-command.js';

/** Every subcommand's registration, in the order `relx --help` lists them. */
export const cliCommands: Array<(program: Command) => void> = [registerPlanCommand, registerVersionCommand];
