import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readEnvironment } from '../../src/promotion/environment-status.js';
import {
  promoteEnvironment,
  raceBackoffMs,
  type PromotionClock,
} from '../../src/promotion/promote-environment.js';
import { aGitOpsRepository, aRelease } from './gitops-fixture.js';

const hex = '0123456789abcdef';
const releases = (count: number, prefix: string) =>
  Array.from({ length: count }, (_, i) =>
    aRelease(`2026.12.${prefix}${i}`, `3.${prefix}.${i}`, `${hex[i % 16]}${hex[Math.floor(i / 16)]}`),
  );

/** Every promotion landed once, and each names the one it replaced: one line, in the order git has. */
async function expectConsistentHistory(url: string, environment: string, names: string[]) {
  const { history } = await readEnvironment({ url }, environment);
  expect(history.map((h) => h.manifest).sort()).toEqual([...names].sort());
  for (let i = 0; i < history.length - 1; i++)
    expect(history[i]?.record?.previous).toBe(history[i + 1]?.manifest);
  expect(history.at(-1)?.record?.previous ?? null).toBeNull();
}

describe('concurrent promotions to one GitOps repository', () => {
  it.each([20, 50])(
    'lands all of %i at once, in one consistent history, within bounded time',
    async (count) => {
      const { remote, url } = aGitOpsRepository();
      const batch = releases(count, String(count));
      const started = Date.now();
      const results = await Promise.all(
        batch.map((release) => promoteEnvironment({ remote: { url }, environment: 'dev' }, release)),
      );
      const seconds = (Date.now() - started) / 1000;
      expect(results.map((r) => r.status)).toEqual(Array(count).fill('promoted'));
      await expectConsistentHistory(
        url,
        'dev',
        batch.map((r) => r.metadata.name),
      );
      // linear: one parent each, no merge, the seed commit plus one per promotion
      expect(remote.git('rev-list', '--count', '--min-parents=2', 'main')).toBe('0');
      expect(remote.git('rev-list', '--count', 'main')).toBe(String(count + 1));
      expect(seconds).toBeLessThan(600); // inside the 10-minute race budget: none gave up
      process.stderr.write(
        `${count} concurrent promotions: all landed in ${seconds.toFixed(1)} s, at most ${Math.max(...results.map((r) => r.attempts))} attempts\n`,
      );
    },
    600_000,
  );

  it('backs off with full jitter, exponentially, capped at 8 s', () => {
    expect([1, 2, 3, 6, 7, 20].map((lost) => raceBackoffMs(lost, () => 1))).toEqual([
      100, 200, 400, 3200, 6400, 8000,
    ]);
    expect(raceBackoffMs(3, () => 0.5)).toBe(200);
    expect(raceBackoffMs(3, () => 0)).toBe(0);
  });

  it('gives up when racing outlasts its time budget, with what it tried, and writes nothing', async () => {
    const { remote, url } = aGitOpsRepository();
    const head = remote.git('rev-parse', 'main');
    // a remote that turns every push away, as if another promotion always landed first
    const hook = join(remote.dir, 'hooks', 'pre-receive');
    writeFileSync(hook, '#!/bin/sh\necho "! [rejected] main (fetch first)" >&2\nexit 1\n');
    chmodSync(hook, 0o755);
    let now = 0;
    const slept: number[] = [];
    const clock: PromotionClock = {
      now: () => new Date(now),
      sleep: async (ms) => {
        slept.push(ms);
        now += ms;
      },
    };
    await expect(
      promoteEnvironment(
        { remote: { url }, environment: 'dev', clock, random: () => 1, raceTimeoutMs: 5_000 },
        aRelease('2026.12.9', '3.9.0', '9'),
      ),
    ).rejects.toMatchObject({
      kind: 'transient',
      message: 'dev: other promotions kept landing first (6 attempts in 3 s).',
    });
    expect(slept).toEqual([100, 200, 400, 800, 1600]);
    expect(remote.git('rev-parse', 'main')).toBe(head);
  });
});
