import {
  decideArgoCd,
  decideFlux,
  fluxRevisionCommit,
  sameCommit,
  type ArgoCdApplication,
  type FluxKustomization,
  type RevisionRelation,
  type RevisionRelations,
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

describe('a later revision: reached while it keeps our release, superseded once it holds another', () => {
  const later = 'fedcba9876543210fedcba9876543210fedcba98';
  const file = 'environments/prod/release.yaml';
  const facts = (relation: RevisionRelation): RevisionRelations => new Map([[later, relation]]);
  const keeps = facts({ kind: 'keeps' });
  const sameRelease = facts({ kind: 'changed', by: later, release: '2026.11.0', sameRelease: true });
  const another = facts({ kind: 'changed', by: later, release: '2026.12.0', sameRelease: false });
  const unrelated = facts({ kind: 'unrelated' });

  it.each([
    ['keeps our files, synced and healthy', keeps, application(later, 'Synced', 'Healthy'), 'applied'],
    ['keeps our files, degraded after the sync', keeps, application(later, 'Synced', 'Degraded'), 'failed'],
    ['keeps our files, progressing', keeps, application(later, 'Synced', 'Progressing'), 'waiting'],
    ['rewrote the same release', sameRelease, application(later, 'Synced', 'Healthy'), 'applied'],
    ['put another release there', another, application(later, 'Synced', 'Healthy'), 'superseded'],
    ['not a descendant', unrelated, application(later, 'Synced', 'Healthy'), 'waiting'],
    [
      'no facts (no GitOps clone): exact match only',
      new Map(),
      application(later, 'Synced', 'Healthy'),
      'waiting',
    ],
  ])('Argo CD at a later commit that %s → %s', (_, relations, app, state) => {
    expect(decideArgoCd(app, commit, relations as RevisionRelations, file).state).toBe(state);
  });

  it('says which commit it is at, and who superseded ours', () => {
    expect(decideArgoCd(application(later, 'Synced', 'Healthy'), commit, keeps, file).reason).toBe(
      'a1b2c3d4e5f6 synced and healthy (at fedcba987654, a later commit that leaves environments/prod/release.yaml as ours wrote it)',
    );
    expect(decideArgoCd(application(later, 'Synced', 'Healthy'), commit, another, file).reason).toMatch(
      /^superseded: fedcba987654 changed environments\/prod\/release\.yaml after a1b2c3d4e5f6 \(now 2026\.12\.0\); the engine applies that, not ours/,
    );
  });

  it('a failed sync of a later commit that keeps ours is a failure of ours', () => {
    const app = application(later, 'OutOfSync', 'Healthy', {
      phase: 'Failed',
      message: 'one or more objects failed',
    });
    expect(decideArgoCd(app, commit, keeps, file).state).toBe('failed');
  });

  it.each([
    ['keeps our files', keeps, { applied: later, ready: ['True', 'ReconciliationSucceeded'] }, 'applied'],
    [
      'put another release there',
      another,
      { applied: later, ready: ['True', 'ReconciliationSucceeded'] },
      'superseded',
    ],
    [
      'with another release is being attempted (ours never applied alone)',
      another,
      { applied: older, attempted: later, ready: ['Unknown', 'Progressing'] },
      'superseded',
    ],
    [
      'not a descendant',
      unrelated,
      { applied: later, ready: ['True', 'ReconciliationSucceeded'] },
      'waiting',
    ],
  ])('Flux at a later commit that %s → %s', (_, relations, state, expected) => {
    const k = kustomization(state as Parameters<typeof kustomization>[0]);
    expect(decideFlux(k, commit, relations as RevisionRelations, file).state).toBe(expected);
  });
});
