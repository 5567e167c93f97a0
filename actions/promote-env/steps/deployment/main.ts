import {
  finishDeploymentStep,
  startDeploymentStep,
  type DeploymentRecordTarget,
} from '../../../../src/promotion/deployment-record-step.js';
import { githubRequest, input, log, runAction, runner, setOutputs } from '../../../shell/action-shell.js';

/**
 * The deployment step of promote-env. `start`: who approved this run for the environment (for the
 * Relx-Approved-By trailer), a GitHub deployment, status in_progress. `finish`: success or failure
 * from the promotion step's outcome and, with wait-for, the engine's.
 */
export async function run(): Promise<void> {
  await runAction(async () => {
    const context = runner();
    const token = input.secret('token');
    const target: DeploymentRecordTarget = {
      github: githubRequest(token, context),
      repository: context.repository ?? '',
      environment: input.required('environment'),
      runId: context.runId,
    };
    if (input.text('mode') === 'finish') {
      const waitFor = input.text('wait_for');
      const finish = await finishDeploymentStep({
        ...target,
        id: Number(input.text('deployment_id')),
        runUrl: context.runUrl ?? `${context.serverUrl}/${context.repository ?? ''}/actions/runs/`,
        outcome: {
          release: input.text('release'),
          promotion: input.text('outcome'),
          // with wait-for, the engine's verdict decides too
          wait: waitFor && waitFor !== 'none' ? input.text('wait_outcome') : '',
          engineStatus: input.text('engine_status'),
          engineReason: input.text('engine_reason'),
          final: input.text('deployment_final') !== 'false',
        },
      });
      log.info(`Deployment to ${target.environment}: ${finish.state} (${finish.description}).`);
      return;
    }
    const started = await startDeploymentStep({
      ...target,
      workspace: context.workspace,
      manifest: input.optional('manifest'),
      ref: context.sha,
    });
    if (started.approvedBy === null)
      log.warning(
        'Cannot read the run approvals (the token needs actions: read); Relx-Approved-By will be empty.',
      );
    setOutputs({ 'approved-by': (started.approvedBy ?? []).join(', ') });
    setOutputs({ 'deployment-id': started.id });
    log.info(`Deployment ${started.id} to ${target.environment}: in progress.`);
  });
}
