import { decideDeploymentFinish, type DeploymentFinishInput } from './deployment-after-wait.js';

const base: DeploymentFinishInput = {
  environment: 'prod',
  release: '2026.12.0',
  promotion: 'success',
  wait: 'skipped',
  engineStatus: '',
  engineReason: '',
  final: true,
};

describe('the deployment status after promote-env, with and without a wait for the engine', () => {
  it.each<[string, Partial<DeploymentFinishInput>, string, string]>([
    ['no wait: the promotion decides', {}, 'success', 'prod runs 2026.12.0'],
    ['the promotion failed', { promotion: 'failure' }, 'failure', 'promotion to prod failure'],
    [
      'applied and healthy',
      { wait: 'success', engineStatus: 'applied' },
      'success',
      'prod runs 2026.12.0, applied and healthy',
    ],
    [
      'degraded',
      {
        wait: 'failure',
        engineStatus: 'failed',
        engineReason: 'degraded at a1b2c3d4e5f6: progress deadline exceeded',
      },
      'failure',
      '2026.12.0 to prod: failed — degraded at a1b2c3d4e5f6: progress deadline exceeded',
    ],
    [
      'timed out',
      { wait: 'failure', engineStatus: 'timeout', engineReason: 'not applied and healthy within 600 s' },
      'failure',
      '2026.12.0 to prod: timeout — not applied and healthy within 600 s',
    ],
    [
      'the wait step died without a status',
      { wait: 'failure' },
      'failure',
      '2026.12.0 to prod: wait failure',
    ],
    ['the wait was cancelled', { wait: 'cancelled' }, 'failure', '2026.12.0 to prod: wait cancelled'],
    [
      'applied, not final: a gate comes next',
      { wait: 'success', engineStatus: 'applied', final: false },
      'in_progress',
      'prod runs 2026.12.0, applied and healthy; awaiting the gate',
    ],
    [
      'a failure is final even when deployment-final is false',
      { wait: 'failure', engineStatus: 'failed', final: false },
      'failure',
      '2026.12.0 to prod: failed',
    ],
  ])('%s → %s', (_name, change, state, description) => {
    expect(decideDeploymentFinish({ ...base, ...change })).toEqual({ state, description });
  });
});
