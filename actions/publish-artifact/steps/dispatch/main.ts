import { dispatchStep, type DispatchStepInput } from '../../../../src/publish/dispatch-step.js';
import {
  renderDispatchSent,
  renderDispatchSummary,
} from '../../../../src/publish/render-dispatch-summary.js';
import {
  compositeInput,
  githubRequest,
  log,
  runAction,
  runner,
  writeSummary,
} from '../../../shell/action-shell.js';

/** The dispatch inputs (as a composite step's env or as publish-artifact/dispatch's), as the core takes them. */
function readInputs(): DispatchStepInput {
  const input = compositeInput.text;
  const token = compositeInput.secret('token');
  const context = runner();
  return {
    workspace: context.workspace,
    repository: input('repository') || context.repository || '',
    eventType: input('event-type'),
    manifestPath: input('manifest') || null,
    published: input('published') ? { text: input('published'), from: 'input `published`' } : null,
    source: { repository: context.repository ?? '', commit: context.sha, runUrl: context.runUrl },
    github: githubRequest(token, context),
  };
}

/** Hands the release to CD: a repository_dispatch, its limits checked before it is sent. */
export async function run(): Promise<void> {
  await runAction(async () => {
    const result = await dispatchStep(readInputs());
    log.info(renderDispatchSent(result));
    await writeSummary(renderDispatchSummary(result), 'the log of this step');
  });
}
