import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readEnvironment, renderHistory } from '../../src/promotion/environment-status.js';
import { renderReleaseManifest } from '../../src/manifest/release-manifest.js';
import { promoteEnvironment } from '../../src/promotion/promote-environment.js';
import type { SloGateReport } from '../../src/slo/run-slo-gate.js';
import { aCanaryGitOpsRepository, renderOverlay } from '../canary/canary-fixture.js';
import { aRelease } from '../gitops/gitops-fixture.js';
import {
  constant,
  endTime,
  expected,
  startPrometheus,
  type RunningPrometheus,
} from '../prometheus/prometheus-fixture.js';
import { badCanaryAt5, goodCanaryAt5, stableAt95 } from '../prometheus/slo-scenarios.js';

/**
 * The whole loop, on real components: a GitOps repository written by relx's canary core (its
 * overlays rendered by real kustomize), a real Prometheus whose series carry the versions relx
 * wrote on the workloads, and the gate run as users run it (dist/cli) with `--env prod --gitops`.
 * Commit times are set (GIT_*_DATE) so each step's bake is measured against the fixed history.
 */
const r1 = aRelease('2026.11.0', '1.4.0', 'b');
const bad = aRelease('2026.11.1', '1.5.0', 'e', '2026.11.0');
const good = aRelease('2026.11.2', '1.6.0', 'f', '2026.11.0');

let prometheus: RunningPrometheus;
beforeAll(async () => {
  prometheus = await startPrometheus({
    shop: {
      '1.4.0': constant(stableAt95),
      '1.5.0': constant(badCanaryAt5),
      '1.6.0': constant(goodCanaryAt5),
    },
  });
}, 60_000);
afterAll(() => prometheus?.stop());

const cli = resolve(import.meta.dirname, '..', '..', 'dist', 'cli', 'index.js');
const run = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, [cli, ...args], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
  });
const relx = (...args: string[]) => run(args);
/** `relx promote --env prod …` as a deploy job runs it, its commit dated `at`. */
function promote(url: string, at: Date, ...args: string[]) {
  const when = at.toISOString();
  const result = run(['promote', '--env', 'prod', '--gitops', url, '--json', ...args], {
    GIT_AUTHOR_DATE: when,
    GIT_COMMITTER_DATE: when,
  });
  if (result.status !== 0)
    throw new Error(`relx promote ${args.join(' ')}: exit ${result.status}: ${result.stderr}`);
  return JSON.parse(result.stdout) as { canary?: { status: string; weight: number | null } };
}
const folder = mkdtempSync(join(tmpdir(), 'relx-canary-loop-'));
const manifestFile = (release: typeof bad) => {
  const file = join(folder, `${release.metadata.name}.yaml`);
  writeFileSync(file, renderReleaseManifest(release));
  return file;
};
const policy = join(folder, 'prod.yaml');
writeFileSync(
  policy,
  [
    'selector: {scenario: shop}',
    `baseline: 'version="{stableVersion}"'`,
    `canary: 'version="{canaryVersion}"'`,
    'window: 5m',
    'objectives: {maxErrorRateDelta: 0.02, maxP99LatencyDeltaMs: 100, minRequests: 100}',
    '',
  ].join('\n'),
);

const minutesBeforeEnd = (m: number) => new Date(endTime.getTime() - m * 60_000);
/** The gate at a time, as a deploy job runs it: its exit code and its JSON report. */
function gate(url: string, at: Date): { status: number | null; report: SloGateReport } {
  const run = relx(
    'slo-gate',
    '--policy',
    policy,
    '--env',
    'prod',
    '--gitops',
    url,
    '--prometheus-url',
    prometheus.url,
    '--time',
    at.toISOString(),
    '--json',
  );
  if (run.stdout === '') throw new Error(`the gate printed no report (exit ${run.status}): ${run.stderr}`);
  return { status: run.status, report: JSON.parse(run.stdout) as SloGateReport };
}

/** A GitOps commit made at `at` (the canary core commits with git, which takes its dates from here). */
async function committedAt<T>(at: Date, write: () => Promise<T>): Promise<T> {
  const saved = { author: process.env.GIT_AUTHOR_DATE, committer: process.env.GIT_COMMITTER_DATE };
  process.env.GIT_AUTHOR_DATE = process.env.GIT_COMMITTER_DATE = at.toISOString();
  try {
    return await write();
  } finally {
    for (const [name, value] of [
      ['GIT_AUTHOR_DATE', saved.author],
      ['GIT_COMMITTER_DATE', saved.committer],
    ] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

/** r1 runs everywhere; `next` has passed dev and staging — all before the fixture's history begins. */
async function aProduction(url: string, next: typeof bad) {
  await committedAt(minutesBeforeEnd(125), async () => {
    for (const env of ['dev', 'staging', 'prod'])
      await promoteEnvironment({ remote: { url }, environment: env }, r1);
    for (const env of ['dev', 'staging'])
      await promoteEnvironment({ remote: { url }, environment: env }, next);
  });
}

describe('canary, gate, abort or complete — GitOps and Prometheus for real', () => {
  it('stops a bad canary at 5 %: the gate fails with its numbers, the abort records them, prod keeps the stable release', async () => {
    const { remote, url } = aCanaryGitOpsRepository();
    await aProduction(url, bad);
    expect(
      promote(url, minutesBeforeEnd(110), '--manifest', manifestFile(bad), '--canary', '5').canary,
    ).toMatchObject({
      status: 'started',
      weight: 5,
    });
    expect(renderOverlay(remote, 'prod').weights).toEqual({ 'api-stable': 95, 'api-canary': 5 });

    // five minutes into a 30-minute bake: a failing canary fails at once, it does not bake on
    const { status, report } = gate(url, minutesBeforeEnd(105));
    expect(status).toBe(1);
    expect(report).toMatchObject({
      verdict: 'fail',
      target: {
        component: 'api',
        canaryVersion: '1.5.0',
        stableVersion: '1.4.0',
        canaryRelease: '2026.11.1',
      },
      bakeProgress: { bakedSeconds: 300, bakeSeconds: 1800, complete: false },
    });
    const failed = report.samples[0]?.objectives.find((o) => o.objective === 'maxErrorRateDelta');
    expect(failed?.outcome).toBe('fail');
    expect(failed?.canary).toBeCloseTo(expected.errorRate(badCanaryAt5), 12);
    expect(failed?.baseline).toBeCloseTo(expected.errorRate(stableAt95), 12);

    const reason = `SLO gate fail: maxErrorRateDelta ${failed?.reason ?? ''}`;
    const gateReport = 'https://github.com/acme/deploy/actions/runs/2';
    expect(
      promote(url, minutesBeforeEnd(104), '--abort', '--reason', reason, '--gate-report', gateReport).canary,
    ).toMatchObject({ status: 'aborted' });

    const status_ = relx('status', '--env', 'prod', '--gitops', url, '--json');
    expect(status_.status).toBe(0);
    expect(JSON.parse(status_.stdout)).toMatchObject({ release: '2026.11.0', canary: null });
    expect(renderOverlay(remote, 'prod').weights).toEqual({ 'api-stable': 100, 'api-canary': 0 });
    const history = relx('history', '--env', 'prod', '--gitops', url, '--json');
    expect(history.status).toBe(0);
    const [abort] = JSON.parse(history.stdout) as Array<{ record: Record<string, unknown> }>;
    expect(abort?.record).toMatchObject({
      manifest: '2026.11.1',
      canary: 'abort',
      abortReason: 'SLO gate fail: maxErrorRateDelta canary 0.12 − baseline 0.0105263 = 0.109474 > 0.02',
      gateReport,
    });
    expect(relx('history', '--env', 'prod', '--gitops', url).stdout).toContain(
      `canary 2026.11.1 ABORTED: ${reason} — gate report ${gateReport} (stable 2026.11.0 stays)`,
    );
  }, 120_000);

  it('takes a good canary 5 → 25 → 50 → complete, the gate baking until each step has soaked, then passing', async () => {
    const { remote, url } = aCanaryGitOpsRepository();
    await aProduction(url, good);
    const steps: Array<[number, number]> = [
      [5, 105],
      [25, 75],
      [50, 45],
    ];
    for (const [i, [weight, startedMinutesBeforeEnd]] of steps.entries()) {
      const started = minutesBeforeEnd(startedMinutesBeforeEnd);
      const step =
        i === 0
          ? promote(url, started, '--manifest', manifestFile(good), '--canary', String(weight))
          : promote(url, started, '--canary', i === 1 ? String(weight) : 'next');
      expect(step.canary).toMatchObject({ status: i === 0 ? 'started' : 'advanced', weight });
      const young = gate(url, minutesBeforeEnd(startedMinutesBeforeEnd - 10));
      expect(young.status).toBe(4);
      expect(young.report).toMatchObject({
        verdict: 'baking',
        bakeProgress: { bakedSeconds: 600, bakeSeconds: 1800, complete: false },
        target: { canaryVersion: '1.6.0', stableVersion: '1.4.0' },
      });
      const baked = gate(url, minutesBeforeEnd(startedMinutesBeforeEnd - 30));
      expect(baked.status).toBe(0);
      expect(baked.report).toMatchObject({ verdict: 'pass', bakeProgress: { complete: true } });
      // the six samples of the 30-minute bake, every 5 minutes (the window) after the step's commit
      expect(baked.report.samples).toHaveLength(6);
      for (const sample of baked.report.samples)
        expect(sample.canary.errorRate).toBeCloseTo(expected.errorRate(goodCanaryAt5), 12);
      expect(renderOverlay(remote, 'prod').weights).toEqual({
        'api-stable': 100 - weight,
        'api-canary': weight,
      });
    }
    expect(promote(url, minutesBeforeEnd(14), '--complete').canary).toMatchObject({ status: 'completed' });
    const { status, history } = await readEnvironment({ url }, 'prod');
    expect(status).toMatchObject({ release: '2026.11.2', canary: null });
    expect(history.slice(0, 4).map((h) => h.record?.canary)).toEqual(['complete', '50', '25', '5']);
    expect(renderHistory('prod', history)).toContain('canary 2026.11.2 complete (was 2026.11.0)');
  }, 180_000);
});
