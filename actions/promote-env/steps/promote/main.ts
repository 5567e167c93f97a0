import { renderError } from '../../../../src/relx-error.js';
import {
  alreadyRunsStep,
  gitopsRemoteOfPromotion,
  promoteStep,
  receiveHandoffStep,
  type PromoteStepInput,
} from '../../../../src/promotion/promote-step.js';
import { renderPromotionSummary } from '../../../../src/promotion/render-promotion-summary.js';
import {
  githubRequest,
  input,
  log,
  runAction,
  runner,
  setOutputs,
  writeSummary,
} from '../../../shell/action-shell.js';

/** The inputs of a promotion (mode `check` reads no rollback: it is not passed one). */
function readInputs(mode: 'check' | 'promote'): PromoteStepInput {
  const context = runner();
  const token = input.secret('token');
  return {
    workspace: context.workspace,
    remote: gitopsRemoteOfPromotion(input.text('gitops_repository'), context, token),
    environment: input.required('environment'),
    approvedBy: input.optional('approved_by'),
    run: context.runUrl ?? `${context.serverUrl}/${context.repository ?? ''}/actions/runs/`,
    dryRun: mode === 'check' || input.boolean('dry_run'),
    manifest: input.optional('manifest'),
    manifestSha256: input.optional('manifest_sha256'),
    // a canary step reads hotfix as the text 'true', a promotion as a YAML boolean
    hotfix: isCanaryStep() ? input.text('hotfix') === 'true' : input.boolean('hotfix'),
    canary: {
      canary: input.text('canary'),
      complete: input.text('canary_complete') === 'true',
      abort: input.text('canary_abort') === 'true',
      reason: input.text('abort_reason'),
      gateReport: input.text('gate_report'),
    },
    rollback:
      mode === 'check'
        ? { whole: false, component: null, version: null }
        : {
            component: input.optional('rollback_component'),
            version: input.optional('rollback_version'),
            whole: input.boolean('rollback'),
          },
    fields: {
      manifest: 'manifest',
      canary: {
        canary: 'canary',
        complete: 'canary-complete',
        abort: 'canary-abort',
        reason: 'abort-reason',
        gateReport: 'gate-report',
      },
      noManifestFix: "Pass write-manifest's `path` output (or set rollback).",
    },
    onProgress: (message) => log.info(message),
  };
}

const isCanaryStep = () =>
  input.text('canary') || input.text('canary_complete') === 'true' || input.text('canary_abort') === 'true';

/** Receive: the dispatch's hand-off → its verified manifest, in a file the next steps promote. */
async function receive(): Promise<void> {
  input.secret('token');
  const token = input.secret('source_token') || input.text('token');
  const context = runner();
  const received = await receiveHandoffStep({
    handoff: input.required('handoff'),
    source: 'input `handoff`',
    github: githubRequest(token, context),
    dir: context.temp,
  });
  log.info(`Received ${received.release} from ${received.origin}; SHA-256 ${received.sha256} verified.`);
  setOutputs({ manifest: received.file, 'manifest-sha256': received.sha256, release: received.release });
}

/**
 * Check, before a deployment is recorded: whether the environment already runs this manifest (CD
 * handed the same release a second time). It never fails: the promote step says what is wrong.
 */
async function checkAlreadyRuns(): Promise<void> {
  let alreadyRuns = false;
  try {
    const result = await alreadyRunsStep(readInputs('check'));
    alreadyRuns = result.alreadyRuns;
    if (result.error !== null) throw result.error;
  } catch (error) {
    log.info(`Cannot tell yet whether the environment runs it: ${renderError(error)}`);
  }
  setOutputs({ 'already-runs': alreadyRuns });
}

/** The promotion step of promote-env: inputs arrive through env (INPUT_*), never through the shell. */
export async function run(): Promise<void> {
  await runAction(async () => {
    if (input.text('mode') === 'receive') return receive();
    if (input.text('mode') === 'check') return checkAlreadyRuns();
    const inputs = readInputs('promote');
    const result = await promoteStep(inputs);
    setOutputs({
      status: result.status,
      commit: result.commit ?? '',
      release: result.manifest,
      previous: result.previous ?? '',
      // canary-weight: the canary's share after this step ('' when none runs after it)
      'canary-weight': result.canary?.weight?.toString() ?? '',
      'canary-status': result.canary?.status ?? '',
    });
    await writeSummary(renderPromotionSummary(inputs.environment, result), 'the log of this step');
  });
}
