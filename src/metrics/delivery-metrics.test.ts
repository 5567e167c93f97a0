import { deliveredChanges, type SourceCommit } from './change-lead-time.js';
import { attributeFailures, computeDeliveryMetrics, summarize } from './delivery-metrics.js';
import { planPromotionTimeline, type PromotionCommit, type ReleaseFacts } from './promotion-timeline.js';
import { renderDuration } from './render-metrics.js';

const hour = 3600;
const facts = (name: string, api = name, sourceCommit = `src-${name}`): ReleaseFacts => ({
  name,
  createdAt: 0,
  sourceCommit,
  pins: { api },
  valid: true,
});
let seq = 0;
const aPromotion = (manifest: string, h: number, extra: Partial<PromotionCommit> = {}): PromotionCommit => ({
  commit: `c${String(++seq).padStart(6, '0')}`,
  time: h * hour,
  environment: 'prod',
  manifest,
  previous: null,
  approvedBy: 'alice',
  run: 'https://ci/run/1',
  hotfix: false,
  rollbackOf: null,
  component: null,
  canary: null,
  release: facts(manifest),
  ...extra,
});

describe('failure attribution', () => {
  it.each<[string, PromotionCommit[], Array<[string, string, number | null]>]>([
    [
      'a rollback fails the promotion it rolls back; restored at the rollback',
      [
        aPromotion('a', 1),
        aPromotion('b', 2, { previous: 'a' }),
        aPromotion('a', 3, { previous: 'b', rollbackOf: 'b' }),
      ],
      [['b', 'rollback', 3 * hour]],
    ],
    [
      'a hotfix fails the promotion before it; an aborted canary in between does not count as "next"',
      [
        aPromotion('a', 1),
        aPromotion('b', 2, { canary: '5', previous: 'a' }),
        aPromotion('b', 3, { canary: 'abort', previous: 'a' }),
        aPromotion('c', 4, { hotfix: true, previous: 'a' }),
      ],
      [
        ['b', 'abort', 3 * hour],
        ['a', 'hotfix', 4 * hour],
      ],
    ],
    [
      'a hotfix that fails too: the first one restored when the rollback lands',
      [
        aPromotion('a', 1),
        aPromotion('b', 2, { hotfix: true, previous: 'a' }),
        aPromotion('a', 5, { previous: 'b', rollbackOf: 'b' }),
      ],
      [
        ['a', 'hotfix', 5 * hour],
        ['b', 'rollback', 5 * hour],
      ],
    ],
    [
      'a canary still running has no outcome yet',
      [aPromotion('a', 1), aPromotion('b', 2, { canary: '5', previous: 'a' })],
      [],
    ],
  ])('%s', (_, commits, expected) => {
    const failures = attributeFailures(planPromotionTimeline(commits, 'prod'));
    expect([...failures].map(([u, f]) => [u.manifest, f.cause, f.restoredAt])).toEqual(
      expect.arrayContaining(expected),
    );
    expect(failures.size).toBe(expected.length);
  });
});

describe('the timeline refuses a history relx cannot have written', () => {
  it.each<[string, PromotionCommit[], RegExp]>([
    [
      'Relx-Previous names a release never run',
      [aPromotion('a', 1), aPromotion('c', 2, { previous: 'b' })],
      /ran b before it/,
    ],
    ['the first promotion names a previous one', [aPromotion('b', 2, { previous: 'a' })], /it ran nothing/],
    [
      'a promotion an hour before the one it follows',
      [aPromotion('a', 2), aPromotion('b', 1, { previous: 'a' })],
      /before the promotion it follows/,
    ],
    [
      'a promotion before its manifest existed',
      [aPromotion('a', 1, { release: { ...facts('a'), createdAt: 2 * hour } })],
      /before its manifest a was created/,
    ],
    [
      'an abort with no canary',
      [aPromotion('a', 1), aPromotion('b', 2, { canary: 'abort' })],
      /never started/,
    ],
    [
      'a canary value relx does not know',
      [aPromotion('a', 1, { canary: 'half' })],
      /not a weight, complete or abort/,
    ],
  ])('%s', (_, commits, message) => {
    expect(() => planPromotionTimeline(commits, 'prod')).toThrow(message);
  });

  it('clock skew of a few minutes is not a rewrite', () => {
    expect(
      planPromotionTimeline([aPromotion('a', 1), aPromotion('b', 1 - 60 / 3600, { previous: 'a' })], 'prod'),
    ).toHaveLength(2);
  });
});

describe('changes delivered', () => {
  const c = (sha: string, authorTime: number, ...parents: string[]): [string, SourceCommit] => [
    sha,
    { sha, authorTime, parents, files: [`${sha}.txt`] },
  ];
  it('the main line back to what was delivered; a merge counts once, from its first commit', () => {
    const commits = new Map([
      c('m', 50, 'x', 'b2'),
      c('x', 40, 'base'),
      c('b2', 30, 'b1'),
      c('b1', 10, 'base'),
      c('base', 0),
    ]);
    const delivered = new Set(['base']);
    expect(deliveredChanges('m', { commits, missing: new Set(), componentPaths: null }, delivered)).toEqual([
      { commit: 'm', firstCommitTime: 10, commits: 3, files: ['m.txt', 'b2.txt', 'b1.txt'] },
      { commit: 'x', firstCommitTime: 40, commits: 1, files: ['x.txt'] },
    ]);
    expect(deliveredChanges('m', { commits, missing: new Set(), componentPaths: null }, delivered)).toEqual(
      [],
    );
  });
});

describe('lead time per component', () => {
  it('a change counts for the components the deployment changed whose folders it touched', () => {
    const source = {
      commits: new Map<string, SourceCommit>([
        ['s2', { sha: 's2', authorTime: 2 * hour, parents: ['s1'], files: ['web/page.ts'] }],
        ['s1', { sha: 's1', authorTime: 1 * hour, parents: [], files: ['api/main.ts', 'README.md'] }],
      ]),
      missing: new Set<string>(),
      componentPaths: { api: ['api'], web: ['web'] },
    };
    const release = { ...facts('a'), sourceCommit: 's2', pins: { api: '1', web: '1', db: '1' } };
    const m = computeDeliveryMetrics(
      [aPromotion('a', 5, { release })],
      source,
      { environment: 'prod', days: 7 },
      { now: () => new Date(24 * hour * 1000) },
    );
    expect(m.leadTime).toMatchObject({ count: 2, median: 3 * hour, p90: 4 * hour });
    // db's folders are unknown: every change of a deployment that changed it counts
    expect(m.leadTime.byComponent).toEqual({
      api: { count: 1, median: 4 * hour, p90: 4 * hour },
      db: { count: 2, median: 3 * hour, p90: 4 * hour },
      web: { count: 1, median: 3 * hour, p90: 3 * hour },
    });
  });
});

describe('figures', () => {
  it('percentiles by nearest rank', () => {
    expect(summarize([5, 1, 4, 2, 3])).toEqual({ count: 5, median: 3, p90: 5 });
    expect(summarize([1, 2])).toEqual({ count: 2, median: 1, p90: 2 });
    expect(summarize([])).toEqual({ count: 0, median: null, p90: null });
  });

  it.each([
    [0, '0s'],
    [59, '59s'],
    [125, '2m 5s'],
    [3600, '1h'],
    [93_784, '1d 2h'],
    [null, '-'],
  ])('renderDuration(%p) = %p', (seconds, text) => expect(renderDuration(seconds)).toBe(text));

  it('the clock sets the period: a promotion before it counts for the state, not for the figures', () => {
    const commits = [aPromotion('a', 1), aPromotion('b', 24 * 10, { previous: 'a' })];
    const m = computeDeliveryMetrics(
      commits,
      { commits: new Map(), missing: new Set(), componentPaths: null },
      { environment: 'prod', days: 7 },
      { now: () => new Date(12 * 24 * hour * 1000) },
    );
    expect(m).toMatchObject({ deployments: 1, promotions: 1, period: { since: '1970-01-06T00:00:00Z' } });
  });
});
