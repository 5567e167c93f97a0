import type { ReleaseManifest } from '../manifest/release-manifest.js';
import { aRelease } from '../../test/gitops/gitops-fixture.js';
import { RelxError } from '../relx-error.js';
import type { CanaryState } from './canary-state.js';
import { parseGitOpsConfig } from './gitops-config.js';
import { planPromotion, type PromotionIntent, type PromotionState } from './plan-promotion.js';
import type { PromotionRecord } from './promotion-commit.js';

// planPromotion without a GitOps repository: the state as plain data, one intent, the decision.
// The real-git tests (test/gitops) show the same decisions through clones and pushes.

const config = parseGitOpsConfig('environments: [dev, staging, prod]\n');

const v1 = aRelease('2026.12.1', '1.1.0', 'a');
const v2 = aRelease('2026.12.2', '1.2.0', 'b');
/** v2's content under another name: what an environment runs is its pins, not its name. */
const v2Again = aRelease('2026.12.3', '1.2.0', 'b');

const aRecord = (
  manifest: string,
  environment: string,
  more: Partial<PromotionRecord> = {},
): PromotionRecord => ({
  manifest,
  environment,
  previous: null,
  approvedBy: null,
  run: null,
  hotfix: false,
  rollbackOf: null,
  component: null,
  ...more,
});

function aState(environment: string, more: Partial<PromotionState> = {}): PromotionState {
  return {
    config,
    environment,
    current: null,
    upstreamHistory: [],
    overlays: new Map(),
    canary: null,
    canarySteps: [],
    ...more,
  };
}

const ranUpstream = (manifest: ReleaseManifest, upstream: string, more: Partial<PromotionRecord> = {}) => ({
  manifest,
  record: aRecord(manifest.metadata.name, upstream, more),
});

const aCanary = (manifest: ReleaseManifest): CanaryState => ({
  release: manifest.metadata.name,
  manifest,
  weight: 10,
  steps: [10, 50],
  startedAt: '2026-12-02T12:00:00Z',
  stepStartedAt: '2026-12-02T12:00:00Z',
  bakeMs: 600_000,
});

const promote = (manifest: ReleaseManifest, more: Partial<PromotionIntent> = {}): PromotionIntent => ({
  manifest,
  kind: 'promote',
  hotfix: false,
  approvedBy: null,
  run: null,
  ...more,
});

type Expected = 'write' | 'unchanged' | RegExp;

describe('planPromotion: one promotion decided from the GitOps state', () => {
  it.each<[string, PromotionState, PromotionIntent, Expected]>([
    ['the first promotion to the first environment', aState('dev'), promote(v1), 'write'],
    ['a new release to dev', aState('dev', { current: v1 }), promote(v2), 'write'],
    ['the release dev already runs', aState('dev', { current: v2 }), promote(v2), 'unchanged'],
    ['the same pins under another name', aState('dev', { current: v2 }), promote(v2Again), 'unchanged'],
    [
      'staging, after dev ran it',
      aState('staging', { current: v1, upstreamHistory: [ranUpstream(v2, 'dev')] }),
      promote(v2),
      'write',
    ],
    [
      'staging, after dev ran the same pins under another name',
      aState('staging', { upstreamHistory: [ranUpstream(v2Again, 'dev')] }),
      promote(v2),
      'write',
    ],
    [
      'staging, before dev ran it',
      aState('staging', { current: v1, upstreamHistory: [ranUpstream(v1, 'dev')] }),
      promote(v2),
      /has not been released to dev, so it cannot go to staging/,
    ],
    [
      'staging, when dev rolled it back',
      aState('staging', {
        upstreamHistory: [ranUpstream(v1, 'dev', { rollbackOf: v2.metadata.name }), ranUpstream(v2, 'dev')],
      }),
      promote(v2),
      /has not been released to dev/,
    ],
    ['a hotfix skips the order', aState('prod', { current: v1 }), promote(v2, { hotfix: true }), 'write'],
    [
      'a rollback is not held to the order',
      aState('prod', { current: v2 }),
      promote(v1, { kind: 'rollback', rollbackOf: v2.metadata.name }),
      'write',
    ],
    [
      'anything under a canary in progress',
      aState('prod', { current: v1, canary: aCanary(v2) }),
      promote(v2, { hotfix: true }),
      /has a canary of 2026\.12\.2 in progress \(at 10 %\)/,
    ],
  ])('%s', (_, state, intent, expected) => {
    if (expected instanceof RegExp) {
      let refusal: unknown = null;
      try {
        planPromotion(state, intent);
      } catch (error) {
        refusal = error;
      }
      expect(refusal).toBeInstanceOf(RelxError);
      expect((refusal as RelxError).kind).toBe('conflict');
      expect((refusal as RelxError).message).toMatch(expected);
      return;
    }
    expect(planPromotion(state, intent).kind).toBe(expected);
  });

  it('writes the release file and records who, what and what it replaced', () => {
    const plan = planPromotion(
      aState('prod', { current: v1 }),
      promote(v2, {
        hotfix: true,
        approvedBy: 'alice',
        run: 'https://github.com/acme/platform/actions/runs/7',
      }),
    );
    if (plan.kind !== 'write') throw new Error('expected a write');
    expect([...plan.files.keys()]).toEqual(['environments/prod/release.yaml']);
    expect(plan.record).toMatchObject({
      manifest: '2026.12.2',
      previous: '2026.12.1',
      approvedBy: 'alice',
      hotfix: true,
    });
    expect(plan.message.split('\n')[0]).toBe('deploy(prod): 2026.12.2 (hotfix)');
  });

  it('is pure: the same state and intent give the same files and message', () => {
    const state = aState('dev', { current: v1 });
    const [a, b] = [planPromotion(state, promote(v2)), planPromotion(state, promote(v2))];
    expect(a).toEqual(b);
  });
});
