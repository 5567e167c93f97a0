import type { Command } from 'commander';
import { registerActionReleaseCommand } from './action-release-command.js';
import { registerDiffCommand } from './diff-command.js';
import { registerDispatchCommand } from './dispatch-command.js';
import { registerEnvironmentCommands } from './environment-commands.js';
import { registerPromoteCommands } from './promote-command.js';
import { registerManifestCommand } from './manifest-command.js';
import { registerMetricsCommand } from './metrics-command.js';
import { registerPlanCommand } from './plan-command.js';
import { registerPublishCommand } from './publish-command.js';
import { registerPushVerifiedCommand } from './push-verified-command.js';
import { registerReleasePullRequestCommands } from './release-pr-command.js';
import { registerRiskCommand } from './risk-command.js';
import { registerSloGateCommand } from './slo-gate-command.js';
import { registerTrainCommand } from './train-command.js';
import { registerVersionCommand } from './version-command.js';
import { registerWaitCommand } from './wait-command.js';

/** Every subcommand's registration, in the order `relx --help` lists them. */
export const cliCommands: Array<(program: Command) => void> = [
  registerPlanCommand,
  registerVersionCommand,
  registerReleasePullRequestCommands,
  registerPublishCommand,
  registerDispatchCommand,
  registerManifestCommand,
  registerPushVerifiedCommand,
  registerPromoteCommands,
  registerEnvironmentCommands,
  registerMetricsCommand,
  registerDiffCommand,
  registerRiskCommand,
  registerSloGateCommand,
  registerWaitCommand,
  registerActionReleaseCommand,
  registerTrainCommand,
];
