import {
  decideArgoCd,
  decideFlux,
  fluxRevisionCommit,
  sameCommit,
  type ArgoCdApplication,
  type FluxKustomization,
} from './engine-decision.js';

const commit = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';
const older = '0123456789abcdef0123456789abcdef01234567';

const application = (
  revision: string,
  sync: string,
  health: string,
  operation?: { phase: string; message?: string; revision?: string },
): ArgoCdApplication => ({
  status: {
    sync: { status: sync, revision },
    health: {
      status: health,
      message: health === 'Degraded' ? 'Deployment "api" exceeded its progress deadline' : '',
    },
    ...(operation
      ? {
          operationState: {
            phase: operation.phase,
            message: operation.message ?? '',
            syncResult: { revision: operation.revision ?? revision },
          },
        }
      : {}),
  },
});

describe('Argo CD: applied when the application is at the commit, Synced and Healthy', () => {
  it.each([
    ['synced and healthy at the commit', application(commit, 'Synced', 'Healthy'), 'applied'],
    ['an abbreviated commit given', application(commit, 'Synced', 'Healthy'), 'applied'],
    ['still at the previous commit', application(older, 'Synced', 'Healthy'), 'waiting'],
    ['at the commit, OutOfSync', application(commit, 'OutOfSync', 'Healthy'), 'waiting'],
    ['at the commit, Progressing', application(commit, 'Synced', 'Progressing'), 'waiting'],
    [
      'Degraded while the sync still runs',
      application(commit, 'Synced', 'Degraded', { phase: 'Running' }),
      'waiting',
    ],
    ['Degraded after the sync', application(commit, 'Synced', 'Degraded', { phase: 'Succeeded' }), 'failed'],
    [
      'Degraded without a sync operation (auto-sync long done)',
      application(commit, 'Synced', 'Degraded'),
      'failed',
    ],
    [
      'Degraded and OutOfSync at the commit: the previous release\u2019s health, before the sync',
      application(commit, 'OutOfSync', 'Degraded', { phase: 'Succeeded', revision: older }),
      'waiting',
    ],
    ['Degraded at an older commit: not ours to judge', application(older, 'Synced', 'Degraded'), 'waiting'],
    [
      'the sync of the commit failed',
      application(older, 'OutOfSync', 'Healthy', {
        phase: 'Failed',
        message: 'one or more objects failed to apply',
        revision: commit,
      }),
      'failed',
    ],
    [
      'the sync of an older commit failed',
      application(older, 'OutOfSync', 'Healthy', { phase: 'Failed', revision: older }),
      'waiting',
    ],
    ['no status at all', {}, 'waiting'],
  ])('%s', (name, app, state) => {
    const given = name.startsWith('an abbreviated') ? commit.slice(0, 7) : commit;
    expect(decideArgoCd(app, given).state).toBe(state);
  });

  it('a multi-source application is at the commit when one of its revisions is', () => {
    expect(
      decideArgoCd(
        { status: { sync: { status: 'Synced', revisions: [older, commit] }, health: { status: 'Healthy' } } },
        commit,
      ).state,
    ).toBe('applied');
  });

  it('says why: the health message of a degraded application, the operation message of a failed sync', () => {
    expect(
      decideArgoCd(application(commit, 'Synced', 'Degraded', { phase: 'Succeeded' }), commit).reason,
    ).toContain('exceeded its progress deadline');
    expect(
      decideArgoCd(
        application(older, 'OutOfSync', 'Healthy', {
          phase: 'Failed',
          message: 'one or more objects failed to apply',
          revision: commit,
        }),
        commit,
      ).reason,
    ).toBe('the sync of a1b2c3d4e5f6 failed: one or more objects failed to apply');
  });
});

const kustomization = (state: {
  applied?: string;
  attempted?: string;
  ready?: ['True' | 'False' | 'Unknown', string, string?];
  reconciling?: boolean;
  stalled?: boolean;
  wait?: boolean;
  suspend?: boolean;
  generation?: [number, number];
}): FluxKustomization => ({
  metadata: { generation: state.generation?.[0] ?? 2 },
  spec: { wait: state.wait ?? true, ...(state.suspend ? { suspend: true } : {}) },
  status: {
    observedGeneration: state.generation?.[1] ?? 2,
    ...(state.applied ? { lastAppliedRevision: `main@sha1:${state.applied}` } : {}),
    ...((state.attempted ?? state.applied)
      ? { lastAttemptedRevision: `main@sha1:${state.attempted ?? state.applied}` }
      : {}),
    conditions: [
      ...(state.ready
        ? [{ type: 'Ready', status: state.ready[0], reason: state.ready[1], message: state.ready[2] ?? '' }]
        : []),
      ...(state.reconciling ? [{ type: 'Reconciling', status: 'True' as const, reason: 'Progressing' }] : []),
      ...(state.stalled
        ? [
            {
              type: 'Stalled',
              status: 'True' as const,
              reason: 'BuildFailed',
              message: 'kustomize build failed',
            },
          ]
        : []),
    ],
  },
});

describe('Flux: applied when lastAppliedRevision is the commit and Ready=True', () => {
  it.each([
    [
      'applied and ready',
      kustomization({ applied: commit, ready: ['True', 'ReconciliationSucceeded'] }),
      'applied',
    ],
    [
      'still at the previous commit',
      kustomization({ applied: older, ready: ['True', 'ReconciliationSucceeded'] }),
      'waiting',
    ],
    [
      'attempting the commit, progressing',
      kustomization({
        applied: older,
        attempted: commit,
        ready: ['Unknown', 'Progressing'],
        reconciling: true,
      }),
      'waiting',
    ],
    [
      'applied, health checks running',
      kustomization({ applied: commit, ready: ['Unknown', 'Progressing'], reconciling: true }),
      'waiting',
    ],
    [
      'applied, Ready=True but reconciling again',
      kustomization({ applied: commit, ready: ['True', 'ReconciliationSucceeded'], reconciling: true }),
      'waiting',
    ],
    [
      'health check failed for the commit',
      kustomization({
        applied: commit,
        ready: [
          'False',
          'HealthCheckFailed',
          'timeout waiting for: [Deployment/shop/api status: InProgress]',
        ],
      }),
      'failed',
    ],
    [
      'the build of the commit failed',
      kustomization({
        applied: older,
        attempted: commit,
        ready: ['False', 'BuildFailed', 'kustomize build failed'],
      }),
      'failed',
    ],
    [
      'a dependency not ready is waiting',
      kustomization({ applied: older, attempted: commit, ready: ['False', 'DependencyNotReady'] }),
      'waiting',
    ],
    [
      'failing at an older commit: not ours to judge',
      kustomization({ applied: older, ready: ['False', 'HealthCheckFailed'] }),
      'waiting',
    ],
    [
      'stalled on the commit',
      kustomization({ applied: older, attempted: commit, ready: ['Unknown', 'Progressing'], stalled: true }),
      'failed',
    ],
    [
      'a spec change not yet observed',
      kustomization({ applied: commit, ready: ['True', 'ReconciliationSucceeded'], generation: [3, 2] }),
      'waiting',
    ],
    [
      'suspended before the commit was applied',
      kustomization({ applied: older, ready: ['True', 'ReconciliationSucceeded'], suspend: true }),
      'failed',
    ],
    [
      'suspended after it was applied: it stays as it is',
      kustomization({ applied: commit, ready: ['True', 'ReconciliationSucceeded'], suspend: true }),
      'applied',
    ],
    ['no status at all', {}, 'waiting'],
  ])('%s', (_name, k, state) => {
    expect(decideFlux(k, commit).state).toBe(state);
  });

  it('says why a failure failed, and when Ready cannot include the workloads\u2019 health', () => {
    expect(
      decideFlux(
        kustomization({
          applied: commit,
          ready: ['False', 'HealthCheckFailed', 'timeout waiting for: [Deployment/shop/api]'],
        }),
        commit,
      ).reason,
    ).toBe('HealthCheckFailed at a1b2c3d4e5f6: timeout waiting for: [Deployment/shop/api]');
    expect(
      decideFlux(
        kustomization({ applied: commit, ready: ['True', 'ReconciliationSucceeded'], wait: false }),
        commit,
      ).reason,
    ).toContain('no wait or healthChecks');
  });
});

describe('revisions', () => {
  it.each([
    [`main@sha1:${commit}`, commit],
    [`main/${commit}`, commit],
    [commit, commit],
    [undefined, null],
  ])('%s → %s', (revision, expected) => {
    expect(fluxRevisionCommit(revision)).toBe(expected);
  });

  it('an abbreviation matches from 7 digits, not fewer', () => {
    expect(sameCommit(commit, commit.slice(0, 7))).toBe(true);
    expect(sameCommit(commit, commit.slice(0, 6))).toBe(false);
    expect(sameCommit(commit, older)).toBe(false);
    expect(sameCommit(commit.toUpperCase(), commit)).toBe(true);
  });
});
