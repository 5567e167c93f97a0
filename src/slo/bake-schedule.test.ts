import { planBake } from './bake-schedule.js';
import { validateSloPolicy, type SloPolicyInput } from './slo-policy.js';

const policy = (extra: Partial<SloPolicyInput> = {}) =>
  validateSloPolicy(
    {
      baseline: 'version="stable"',
      canary: 'version="canary"',
      window: '10m',
      objectives: { maxErrorRateDelta: 0.01 },
      ...extra,
    },
    'p',
  );
const step = (startedAt: string, bakeMs = 30 * 60_000) => ({ stepStartedAt: startedAt, bakeMs });
const at = (iso: string) => new Date(iso);
const times = (plan: ReturnType<typeof planBake>) => plan.times.map((t) => t.toISOString().slice(11, 19));

describe('when the gate samples', () => {
  it('samples once without a bake', () => {
    const plan = planBake(policy(), at('2026-12-02T10:00:00Z'), null);
    expect(plan).toMatchObject({ mode: 'once', progress: null });
    expect(times(plan)).toEqual(['10:00:00']);
  });

  it('bakes across runs from the step commit: the past sample times and now, until the bake is complete', () => {
    const started = '2026-12-02T10:00:00Z';
    const young = planBake(policy(), at('2026-12-02T10:14:00Z'), step(started));
    expect(young.mode).toBe('across-runs');
    expect(times(young)).toEqual(['10:10:00', '10:14:00']);
    expect(young.progress).toEqual({
      stepStartedAt: '2026-12-02T10:00:00.000Z',
      bakedSeconds: 840,
      bakeSeconds: 1800,
      complete: false,
    });
    const done = planBake(policy(), at('2026-12-02T11:45:00Z'), step(started));
    expect(times(done)).toEqual(['10:10:00', '10:20:00', '10:30:00', '11:45:00']);
    expect(done.progress).toMatchObject({ bakedSeconds: 1800, complete: true });
    expect(times(planBake(policy(), at('2026-12-02T10:20:00Z'), step(started)))).toEqual([
      '10:10:00',
      '10:20:00',
    ]);
  });

  it.each([
    [{ bake: '20m' }, 1200, ['10:10:00', '10:20:00', '12:00:00']],
    [
      { bake: { duration: '20m', interval: '5m' } },
      1200,
      ['10:05:00', '10:10:00', '10:15:00', '10:20:00', '12:00:00'],
    ],
    [{ bake: { samples: 2, interval: '4m' } }, 480, ['10:04:00', '10:08:00', '12:00:00']],
    [{ bake: { duration: '25m' } }, 1500, ['10:10:00', '10:20:00', '10:25:00', '12:00:00']],
  ])('the policy bake %j takes precedence over the environment canary bake', (extra, seconds, expected) => {
    const plan = planBake(policy(extra), at('2026-12-02T12:00:00Z'), step('2026-12-02T10:00:00Z'));
    expect(plan.progress?.bakeSeconds).toBe(seconds);
    expect(times(plan)).toEqual(expected);
  });

  it('does not bake a step whose environment has no bake and whose policy has none', () => {
    expect(planBake(policy(), at('2026-12-02T10:05:00Z'), step('2026-12-02T10:00:00Z', 0)).mode).toBe('once');
  });

  it('holds the runner for a policy bake when no canary step is known', () => {
    const plan = planBake(policy({ bake: { samples: 3, interval: '5m' } }), at('2026-12-02T10:00:00Z'), null);
    expect(plan).toMatchObject({ mode: 'hold', intervalMs: 300_000, progress: null });
    expect(times(plan)).toEqual(['10:00:00', '10:05:00', '10:10:00']);
    expect(times(planBake(policy({ bake: '20m' }), at('2026-12-02T10:00:00Z'), null))).toEqual([
      '10:00:00',
      '10:10:00',
      '10:20:00',
    ]);
  });

  it('refuses a bake of more than 100 samples, naming the interval', () => {
    expect(() =>
      planBake(policy({ bake: { duration: '1d', interval: '1m' } }), at('2026-12-02T10:00:00Z'), null),
    ).toThrow(expect.objectContaining({ field: 'bake.interval' }));
  });

  it('refuses a bake that says neither how long nor how many', () => {
    expect(() => policy({ bake: { interval: '5m' } })).toThrow(expect.objectContaining({ field: 'bake' }));
  });
});
