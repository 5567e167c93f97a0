import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  promoteCanary,
  promoteEnvironment,
  type PromotionContext,
} from '../../src/promotion/promote-environment.js';
import type { CanaryRequest } from '../../src/promotion/plan-canary.js';
import { aRelease } from '../gitops/gitops-fixture.js';
import { GitRepo } from '../git-repo.js';
import { aCanaryGitOpsRepository, renderOverlay } from './canary-fixture.js';

// A stop at a write point is a throw in this process, not its death: the clone it leaves is
// abandoned as a killed promotion's would be, but under this live pid no later promotion may
// remove it. Remove them here, as the next promotion would after a real kill.
afterAll(() => {
  for (const name of readdirSync(tmpdir()).filter((n) => n.startsWith(`relx-gitops-${process.pid}-`)))
    rmSync(join(tmpdir(), name), { recursive: true, force: true });
});

/**
 * Each canary step stopped at every write into the GitOps clone (the clone, each file, the commit,
 * the push, the clone's removal), then run again by the same run: exactly one commit for the
 * step, at the tip, and the split it asked for. A stop after the push is the re-run that must
 * change nothing.
 */
const r1 = aRelease('2026.11.0', '1.4.0', 'b');
const r2 = aRelease('2026.11.1', '1.5.0', 'e', '2026.11.0');
const run = 'https://github.com/acme/deploy/actions/runs/31';

class Stopped extends Error {}

/** One repository with r1 stable in prod and r2's canary at 5 %, copied for each scenario. */
const template = (async () => {
  const { remote, url } = aCanaryGitOpsRepository();
  for (const env of ['dev', 'staging', 'prod'])
    await promoteEnvironment({ remote: { url }, environment: env }, r1);
  for (const env of ['dev', 'staging']) await promoteEnvironment({ remote: { url }, environment: env }, r2);
  await promoteCanary(
    { remote: { url }, environment: 'prod' },
    { action: 'step', weight: 5, manifest: r2, hotfix: false },
  );
  return remote;
})();

async function aCopy(): Promise<GitRepo> {
  const source = await template;
  const dir = join(mkdtempSync(join(tmpdir(), 'relx-canary-kill-')), 'remote.git');
  execFileSync('git', ['clone', '-q', '--bare', source.dir, dir]);
  return GitRepo.create({ dir, bare: true });
}

const steps: Array<[string, CanaryRequest, string, Record<string, number>]> = [
  [
    'advance 5 → 25',
    { action: 'step', weight: 25, manifest: null, hotfix: false },
    '25',
    { 'api-stable': 75, 'api-canary': 25 },
  ],
  [
    'next (5 → 25)',
    { action: 'step', weight: 'next', manifest: null, hotfix: false },
    '25',
    { 'api-stable': 75, 'api-canary': 25 },
  ],
  ['complete', { action: 'complete', manifest: null }, 'complete', { 'api-stable': 100, 'api-canary': 0 }],
  [
    'abort',
    { action: 'abort', reason: 'gate failed', gateReport: null, manifest: null },
    'abort',
    { 'api-stable': 100, 'api-canary': 0 },
  ],
];

describe.each(steps)('canary %s, stopped at every write and run again', (_, request, trailer, weights) => {
  it('lands exactly once', async () => {
    // the write points of this step, from a run that is not stopped
    const points: string[] = [];
    const probe = await aCopy();
    await promoteCanary(
      { remote: { url: probe.dir }, environment: 'prod', run, boundary: (p) => void points.push(p) },
      request,
    );
    expect(points).toEqual(expect.arrayContaining(['before:commit', 'after:push', 'after:remove-clone']));

    // every point but the file writes after the first (each is like the one before it): time
    const firstWrite = points.findIndex((p) => p.includes(':write:'));
    const stops = points.filter((p, i) => !p.includes(':write:') || i <= firstWrite + 1);
    const outcomes: string[] = [];
    for (const point of stops) {
      const remote = await aCopy();
      const base = remote.git('rev-list', '--count', 'main');
      const context: PromotionContext = { remote: { url: remote.dir }, environment: 'prod', run };
      const stop = (p: string) => {
        if (p === point) throw new Stopped(point);
      };
      await expect(promoteCanary({ ...context, boundary: stop }, request)).rejects.toBeInstanceOf(Stopped);
      const again = await promoteCanary(context, request);
      const pushed = points.indexOf(point) > points.indexOf('before:push');
      const mine = remote
        .git('log', '--format=%B%x1e', 'main')
        .split('\x1e')
        .filter((m) => m.includes(`Relx-Canary: ${trailer}`) && m.includes(`Relx-Run: ${run}`));
      outcomes.push(
        `${point}: ${again.status}, ${mine.length} commit(s), ${Number(remote.git('rev-list', '--count', 'main')) - Number(base)} new`,
      );
      expect({ point, status: again.status }).toEqual({ point, status: pushed ? 'unchanged' : 'promoted' });
      expect({ point, commits: mine.length }).toEqual({ point, commits: 1 });
      expect(remote.git('log', '-1', '--format=%B', 'main')).toContain(`Relx-Canary: ${trailer}`);
      expect({ point, weights: renderOverlay(remote, 'prod').weights }).toEqual({ point, weights });
    }
    expect(outcomes.length).toBe(stops.length);
  }, 180_000);
});
