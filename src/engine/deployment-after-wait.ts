/**
 * The GitHub deployment's status when promote-env finishes (pure): success only when the
 * promotion step succeeded and — with a wait — the engine applied the commit healthy; failure
 * otherwise, with the engine's reason. `final: false` leaves a success in_progress, for a later
 * slo-gate to finish; a failure is final either way.
 */
export interface DeploymentFinishInput {
  environment: string;
  release: string;
  /** The promotion step's outcome: success, failure, cancelled, skipped. */
  promotion: string;
  /** The wait step's outcome: '' or skipped when nothing was waited for. */
  wait: string;
  /** Its engine-status output: applied, failed, timeout, error. */
  engineStatus: string;
  engineReason: string;
  final: boolean;
}

export interface DeploymentFinish {
  state: 'success' | 'failure' | 'in_progress';
  description: string;
}

export function decideDeploymentFinish(input: DeploymentFinishInput): DeploymentFinish {
  if (input.promotion !== 'success') {
    return {
      state: 'failure',
      description: `promotion to ${input.environment} ${input.promotion || 'failed'}`,
    };
  }
  const waited = input.wait !== '' && input.wait !== 'skipped';
  if (waited && input.engineStatus !== 'applied') {
    const status = input.engineStatus || `wait ${input.wait}`;
    return {
      state: 'failure',
      description: `${input.release} to ${input.environment}: ${status}${input.engineReason ? ` — ${input.engineReason}` : ''}`,
    };
  }
  const runs = `${input.environment} runs ${input.release}${waited ? ', applied and healthy' : ''}`;
  return input.final
    ? { state: 'success', description: runs }
    : { state: 'in_progress', description: `${runs}; awaiting the gate` };
}
