import {
  gitopsRemoteOfPromotion,
  waitStep,
  type WaitStepInput,
} from '../../../../src/promotion/wait-step.js';
import { renderWaitLine, renderWaitSummary } from '../../../../src/promotion/render-wait-summary.js';
import {
  fail,
  input,
  log,
  runAction,
  runner,
  setOutputs,
  writeSummary,
} from '../../../shell/action-shell.js';

/** The wait's inputs (env INPUT_*), every token masked first. */
function readInputs(): WaitStepInput {
  const context = runner();
  const argocdToken = input.secret('argocd_token');
  const kubeToken = input.secret('kube_token');
  const token = input.secret('token');
  return {
    commit: input.text('commit'),
    environment: {
      name: input.required('environment'),
      remote: gitopsRemoteOfPromotion(input.text('gitops_repository'), context, token),
    },
    connection: {
      engine: input.text('wait_for'),
      argocd: {
        url: input.text('argocd_url'),
        application: input.text('argocd_application'),
        token: argocdToken,
      },
      flux: {
        kubeApiUrl: input.text('kube_api_url'),
        kustomization: input.text('flux_kustomization'),
        token: kubeToken,
      },
    },
    timeout: input.text('wait_timeout') || '10m',
    interval: null,
    fields: {
      commit: 'commit',
      environment: 'environment',
      timeout: 'wait-timeout',
      interval: 'wait-interval',
      engine: 'wait-for',
      argocd: { url: 'argocd-url', name: 'argocd-application', token: 'argocd-token' },
      flux: { url: 'kube-api-url', name: 'flux-kustomization', token: 'kube-token' },
    },
    onProgress: (line) => log.info(line),
  };
}

/**
 * The wait step of promote-env (`wait-for: argocd|flux`): after the promotion commit, wait until
 * the engine has applied it and reports it healthy. Outputs `engine-status` (applied, failed,
 * timeout, or error when the engine could not be asked) and `engine-reason`; the step fails
 * unless applied, and the finish step marks the deployment from them.
 */
export async function run(): Promise<void> {
  await runAction(
    async () => {
      const result = await waitStep(readInputs());
      setOutputs({ 'engine-status': result.outcome, 'engine-reason': result.reason });
      await writeSummary(renderWaitSummary(result), 'the log of this step');
      if (result.outcome === 'applied') log.info(renderWaitLine(result));
      else fail(renderWaitLine(result));
    },
    (message) => setOutputs({ 'engine-status': 'error', 'engine-reason': message.split('\n')[0] ?? message }),
  );
}
