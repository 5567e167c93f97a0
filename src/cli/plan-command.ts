import { resolve } from 'node:path';
import { Command, Option } from 'commander';
import { fetchGitHubRequest } from '../github/fetch-github-request.js';
import { inputError } from '../relx-error.js';
import { branchFromGitHubRef } from '../release-plan/maintenance-line.js';
import { planStep, type PlanMode } from '../release-plan/plan-step.js';
import { renderPlanTable } from '../release-plan/render-plan.js';
import { readRunnerContext } from '../runner-context.js';
import { gitHubToken } from './github-token.js';

interface PlanOptions {
  json?: boolean;
  config?: string;
  cwd: string;
  range?: string;
  branch?: string;
  cache?: string;
  now?: string;
  mode: PlanMode;
  planFile?: string;
  pullRequest?: string;
  repository?: string;
  apiUrl: string;
}

function parseNow(text: string | undefined): Date {
  const now = text ? new Date(text) : new Date();
  if (Number.isNaN(now.getTime())) {
    throw inputError(`--now "${text}" is not a date.`, {
      field: '--now',
      fix: 'Use an ISO date such as 2026-11-24.',
    });
  }
  return now;
}

async function plan(options: PlanOptions): Promise<void> {
  const now = parseNow(options.now);
  const cwd = resolve(options.cwd);
  const repository = options.repository ?? readRunnerContext().repository ?? '';
  const [owner = null, repo = null] = repository.includes('/') ? repository.split('/', 2) : [];
  const token = gitHubToken();
  const stderr = (line: string) => process.stderr.write(`relx: ${line}\n`);
  const result = await planStep({
    cwd,
    configFile: options.config ?? null,
    range: options.range ?? null,
    branch: options.branch ?? null,
    fallbackBranch: branchFromGitHubRef(process.env),
    now,
    mode: options.mode,
    historyCache: options.cache ? { file: resolve(options.cache), store: null, commit: null } : null,
    planFile: options.planFile ? resolve(options.planFile) : null,
    preview: {
      pullRequest: Number(options.pullRequest) || null,
      owner,
      repo,
      token,
      github: token ? fetchGitHubRequest(token, options.apiUrl) : null,
    },
    onProgress: stderr,
    // the plan is the output; the step's notes stay quiet unless they warn
    log: { info: () => undefined, warning: stderr },
  });
  process.stdout.write(options.json ? result.json : renderPlanTable(result.plan));
}

/** `relx plan`: what would be released and why. Reads only (but for --plan-file and --mode preview's comment). */
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
    .addOption(
      new Option(
        '--mode <mode>',
        'release-pr: plan a merged release pull request on its plan head; preview: also comment the plan on --pull-request',
      )
        .choices(['direct', 'release-pr', 'preview'])
        .default('direct'),
    )
    .option('--plan-file <file>', 'also write the plan (JSON) to this file')
    .option('--pull-request <number>', 'with --mode preview: the pull request to comment on')
    .option('--repository <owner/name>', 'with --mode preview: the repository (default: GITHUB_REPOSITORY)')
    .option(
      '--api-url <url>',
      'GitHub API, with --mode preview (token: GITHUB_TOKEN)',
      process.env.GITHUB_API_URL ?? 'https://api.github.com',
    )
    .action(plan);
}
