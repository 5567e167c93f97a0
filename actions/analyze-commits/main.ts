import { join, resolve } from 'node:path';
import { inputError } from '../../src/relx-error.js';
import { planStep, type PlanMode, type PlanStepInput } from '../../src/release-plan/plan-step.js';
import { renderPlanSummary, renderPlanTable } from '../../src/release-plan/render-plan.js';
import { actionsCache } from '../shell/actions-cache.js';
import {
  eventPayload,
  githubRequest,
  input,
  log,
  runAction,
  runner,
  setOutputs,
  writeSummary,
} from '../shell/action-shell.js';

function readMode(): PlanMode {
  const mode = input.text('mode') || 'direct';
  if (mode === 'direct' || mode === 'release-pr' || mode === 'preview') return mode;
  throw inputError(`mode is "${mode}".`, { field: 'mode', fix: 'Use `direct`, `release-pr` or `preview`.' });
}

function readHistoryCache(temp: string, commit: string | null): PlanStepInput['historyCache'] {
  if (!input.boolean('cache')) return null;
  const store = actionsCache();
  if (!store) {
    log.info('The Actions cache service is not available here: reading the whole range.');
    return null;
  }
  return { file: join(temp, 'relx', 'history-index.json'), store, commit };
}

function readPullRequest(): number | null {
  const number = Number(input.text('pull-request'));
  if (number) return number;
  const pullRequest = eventPayload().pull_request as { number?: number } | undefined;
  return pullRequest?.number ?? null;
}

function readInputs(): PlanStepInput {
  const context = runner();
  const token = input.secret('token');
  const mode = readMode();
  return {
    cwd: resolve(context.workspace, input.text('working-directory') || '.'),
    configFile: input.optional('config'),
    range: input.optional('range'),
    // A pull request's merge commit is checked out detached: its base branch decides the channel.
    branch: input.optional('branch') ?? context.branch ?? context.baseRef,
    now: new Date(),
    mode,
    historyCache: readHistoryCache(context.temp, context.sha),
    planFile: join(context.temp, 'relx', 'release-plan.json'),
    preview: {
      pullRequest: readPullRequest(),
      owner: context.owner,
      repo: context.repo,
      token,
      github: mode === 'preview' && token ? githubRequest(token, context) : null,
    },
    onProgress: log.info,
    log,
  };
}

/** What to release and why: the release plan, its file, and on a pull request the preview comment. */
export async function run(): Promise<void> {
  await runAction(async () => {
    const result = await planStep(readInputs());
    log.info(renderPlanTable(result.plan));
    setOutputs({
      plan: result.json.trimEnd(),
      'plan-file': result.planFile,
      'has-releases': result.released.length > 0,
      components: JSON.stringify(result.released),
      'merged-release': result.merged,
      'preview-comment': result.preview ? (result.preview.commentId ?? '') : null,
    });
    const whereFull = `the \`plan-file\` output (${result.planFile}; upload it with actions/upload-artifact to keep it)`;
    await writeSummary(renderPlanSummary(result.plan), whereFull);
  });
}
