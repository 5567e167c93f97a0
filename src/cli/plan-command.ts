import { resolve } from 'node:path';
import { Command, Option } from 'commander';
import { inputError } from '../relx-error.js';
import { planRepositoryRelease } from '../release-plan/plan-repository-release.js';
import { serializeReleasePlan } from '../release-plan/release-plan.js';
import { branchFromGitHubRef } from '../release-plan/maintenance-line.js';
import { renderPlanTable } from '../release-plan/render-plan.js';

/** `relx plan`: what would be released and why. Reads only. */
export function registerPlanCommand(program: Command): void {
  program
    .command('plan')
    .description(
      "Work out, from Conventional Commits since each component's last release, what to release and why. Reads only.",
    )
    .option('--json', 'print the release plan as JSON (the format bump-version reads)')
    .option(
      '--config <file>',
      'config file, relative to --cwd or absolute (default: relx.config.yaml when present)',
    )
    .option('--cwd <dir>', 'repository to plan', '.')
    .option('--range <range>', 'plan B considering only commits after A (`A..B`), or plan a ref (`B`)')
    .option(
      '--branch <name>',
      'branch that decides the pre-release channel and maintenance line (default: the checked-out branch, else GITHUB_REF_NAME)',
    )
    .option('--cache <file>', 'history index: reused when it matches the history, then updated')
    .addOption(new Option('--now <iso-date>', 'the date CalVer versions are computed for (default: now)'))
    .action(async (options: PlanOptions) => {
      const now = options.now ? new Date(options.now) : new Date();
      if (Number.isNaN(now.getTime())) {
        throw inputError(`--now "${options.now}" is not a date.`, {
          field: '--now',
          fix: 'Use an ISO date such as 2026-11-24.',
        });
      }
      const cwd = resolve(options.cwd);
      const { plan } = await planRepositoryRelease(cwd, {
        ...(options.config ? { configFile: options.config } : {}),
        ...(options.range ? { range: options.range } : {}),
        ...(options.branch ? { branch: options.branch } : {}),
        fallbackBranch: branchFromGitHubRef(process.env),
        ...(options.cache ? { cacheFile: resolve(options.cache) } : {}),
        now,
        onProgress: (message) => process.stderr.write(`relx: ${message}\n`),
      });
      process.stdout.write(options.json ? serializeReleasePlan(plan) : renderPlanTable(plan));
    });
}

interface PlanOptions {
  json?: boolean;
  config?: string;
  cwd: string;
  range?: string;
  branch?: string;
  cache?: string;
  now?: string;
}
