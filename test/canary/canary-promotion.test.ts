import { digestOf } from '../../src/manifest/manifest-builders.js';
import { renderReleaseManifest } from '../../src/manifest/release-manifest.js';
import { readCanary } from '../../src/promotion/canary-state.js';
import { readEnvironment, renderHistory, renderStatus } from '../../src/promotion/environment-status.js';
import {
  promoteCanary,
  promoteEnvironment,
  rollbackEnvironment,
  type PromotionContext,
} from '../../src/promotion/promote-environment.js';
import { aRelease } from '../gitops/gitops-fixture.js';
import { aCanaryGitOpsRepository, readYaml, renderOverlay } from './canary-fixture.js';

const r1 = aRelease('2026.11.0', '1.4.0', 'b');
const r2 = aRelease('2026.11.1', '1.5.0', 'e', '2026.11.0');
const r3 = aRelease('2026.11.2', '1.6.0', 'f', '2026.11.1');
const at = (url: string, environment: string, extra: Partial<PromotionContext> = {}): PromotionContext => ({
  remote: { url },
  environment,
  ...extra,
});
const step = (weight: number | 'next', manifest: typeof r1 | null = null, hotfix = false) =>
  ({ action: 'step', weight, manifest, hotfix }) as const;
const api = (digest: string) => `ghcr.io/acme/api@${digest}`;

/** r1 runs everywhere; r2 has passed dev and staging. */
async function aProductionWithStable(url: string) {
  for (const env of ['dev', 'staging', 'prod']) await promoteEnvironment(at(url, env), r1);
  for (const env of ['dev', 'staging']) await promoteEnvironment(at(url, env), r2);
}

describe('a canary as GitOps commits, rendered by real kustomize', () => {
  it('goes 5 → 25 → 50 → complete: the workloads carry their digests and versions, the HTTPRoute the weights', async () => {
    const { remote, url } = aCanaryGitOpsRepository();
    await aProductionWithStable(url);
    const idle = renderOverlay(remote, 'prod');
    expect(idle.workloads).toEqual([
      { name: 'api-canary', image: api(digestOf('b')), version: '1.4.0', podVersion: '1.4.0' },
      { name: 'api-stable', image: api(digestOf('b')), version: '1.4.0', podVersion: '1.4.0' },
    ]);
    expect(idle.weights).toEqual({ 'api-stable': 100, 'api-canary': 0 });

    const run = (n: number) => ({
      run: `https://github.com/acme/deploy/actions/runs/${n}`,
      approvedBy: 'alice',
    });
    const started = await promoteCanary(at(url, 'prod', run(1)), step(5, r2));
    expect(started).toMatchObject({
      status: 'promoted',
      manifest: '2026.11.1',
      previous: '2026.11.0',
      canary: { status: 'started', weight: 5 },
    });
    expect(remote.git('log', '-1', '--format=%B', 'main').trim().split('\n')).toEqual([
      'canary(prod): 2026.11.1 at 5%',
      '',
      'Relx-Manifest: 2026.11.1',
      'Relx-Environment: prod',
      'Relx-Previous: 2026.11.0',
      'Relx-Approved-By: alice',
      'Relx-Run: https://github.com/acme/deploy/actions/runs/1',
      'Relx-Canary: 5',
    ]);
    // the stable manifest stays; the canary's lies beside it
    expect(remote.git('show', 'main:environments/prod/release.yaml')).toBe(
      renderReleaseManifest(r1).trimEnd(),
    );
    expect(remote.git('show', 'main:environments/prod/canary-release.yaml')).toBe(
      renderReleaseManifest(r2).trimEnd(),
    );
    const five = renderOverlay(remote, 'prod');
    expect(five.workloads).toEqual([
      { name: 'api-canary', image: api(digestOf('e')), version: '1.5.0', podVersion: '1.5.0' },
      { name: 'api-stable', image: api(digestOf('b')), version: '1.4.0', podVersion: '1.4.0' },
    ]);
    expect(five.weights).toEqual({ 'api-stable': 95, 'api-canary': 5 });
    const values = readYaml<unknown>(remote, 'environments/prod/values.yaml');
    expect(values).toEqual({
      replicas: 2,
      image: { repository: 'ghcr.io/acme/api' },
      canary: { enabled: true, weight: 5, image: { digest: digestOf('e'), version: '1.5.0' } },
    });
    const rollout = readYaml(remote, 'environments/prod/rollout/rollout.yaml');
    expect(rollout.spec.template.spec.containers).toEqual([
      { name: 'sidecar', image: 'ghcr.io/acme/proxy:1.0' },
      { name: 'api', image: api(digestOf('e')) },
    ]);
    expect(rollout.spec.template.metadata.labels).toEqual({
      app: 'api',
      'app.kubernetes.io/version': '1.5.0',
    });
    expect(rollout.spec.strategy).toEqual({
      canary: { steps: [{ setWeight: 5 }, { pause: { duration: '30m' } }] },
    });

    // the same step again (a re-run after a kill, a re-dispatch): nothing written
    const head = remote.git('rev-parse', 'main');
    expect(await promoteCanary(at(url, 'prod', run(2)), step(5, r2))).toMatchObject({
      status: 'unchanged',
      canary: { status: 'unchanged', weight: 5 },
    });
    expect(remote.git('rev-parse', 'main')).toBe(head);

    expect(await promoteCanary(at(url, 'prod', run(3)), step('next'))).toMatchObject({
      status: 'promoted',
      canary: { status: 'advanced', weight: 25 },
    });
    expect(remote.git('log', '-1', '--format=%s', 'main')).toBe('canary(prod): 2026.11.1 5% → 25%');
    // next again in the run that made the step: the step it made, not one more
    const at25 = remote.git('rev-parse', 'main');
    expect(await promoteCanary(at(url, 'prod', run(3)), step('next'))).toMatchObject({ status: 'unchanged' });
    expect(remote.git('rev-parse', 'main')).toBe(at25);
    expect(renderOverlay(remote, 'prod').weights).toEqual({ 'api-stable': 75, 'api-canary': 25 });
    // the start replayed after the canary moved on: an old step, nothing written
    expect(await promoteCanary(at(url, 'prod', run(1)), step(5, r2))).toMatchObject({ status: 'unchanged' });

    await promoteCanary(at(url, 'prod', run(4)), step(50));
    expect(renderOverlay(remote, 'prod').weights).toEqual({ 'api-stable': 50, 'api-canary': 50 });
    const state = await readCanary({ url }, 'prod');
    expect(state.stable?.metadata.name).toBe('2026.11.0');
    const times = remote
      .git('log', '-4', '--format=%aI', 'main')
      .split('\n')
      .map((t) => new Date(t).toISOString());
    expect(state.canary).toMatchObject({
      release: '2026.11.1',
      weight: 50,
      steps: [5, 25, 50],
      bakeMs: 30 * 60_000,
      stepStartedAt: times[0],
      startedAt: times[2],
    });
    expect(state.canary?.manifest).toEqual(r2);

    const done = await promoteCanary(at(url, 'prod', run(5)), { action: 'complete', manifest: null });
    expect(done).toMatchObject({
      status: 'promoted',
      manifest: '2026.11.1',
      canary: { status: 'completed', weight: null },
    });
    expect(remote.git('log', '-1', '--format=%B', 'main')).toContain('Relx-Canary: complete');
    expect(remote.git('show', 'main:environments/prod/release.yaml')).toBe(
      renderReleaseManifest(r2).trimEnd(),
    );
    expect(remote.git('ls-tree', '--name-only', 'main', 'environments/prod/')).not.toContain(
      'canary-release.yaml',
    );
    const complete = renderOverlay(remote, 'prod');
    expect(complete.workloads).toEqual([
      { name: 'api-canary', image: api(digestOf('e')), version: '1.5.0', podVersion: '1.5.0' },
      { name: 'api-stable', image: api(digestOf('e')), version: '1.5.0', podVersion: '1.5.0' },
    ]);
    expect(complete.weights).toEqual({ 'api-stable': 100, 'api-canary': 0 });
    expect(readYaml<{ canary: unknown }>(remote, 'environments/prod/values.yaml').canary).toMatchObject({
      enabled: false,
      weight: 0,
    });

    // exactly once: the complete re-run by its run, or re-dispatched with its manifest
    const final = remote.git('rev-parse', 'main');
    expect(
      await promoteCanary(at(url, 'prod', run(5)), { action: 'complete', manifest: null }),
    ).toMatchObject({
      status: 'unchanged',
    });
    expect(await promoteCanary(at(url, 'prod', run(6)), { action: 'complete', manifest: r2 })).toMatchObject({
      status: 'unchanged',
    });
    expect(await promoteCanary(at(url, 'prod', run(7)), step(5, r2))).toMatchObject({ status: 'unchanged' });
    expect(remote.git('rev-parse', 'main')).toBe(final);

    const { status, history } = await readEnvironment({ url }, 'prod');
    expect(status).toMatchObject({ release: '2026.11.1', canary: null });
    expect(history.map((h) => [h.manifest, h.record?.canary ?? null])).toEqual([
      ['2026.11.1', 'complete'],
      ['2026.11.1', '50'],
      ['2026.11.1', '25'],
      ['2026.11.1', '5'],
      ['2026.11.0', null],
    ]);
    const text = renderHistory('prod', history);
    expect(text).toContain('canary 2026.11.1 complete (was 2026.11.0)');
    expect(text).toContain('canary 2026.11.1 at 25 % (stable 2026.11.0)');
  }, 120_000);

  it('aborts a canary with its reason and gate report: the stable release keeps all traffic', async () => {
    const { remote, url } = aCanaryGitOpsRepository();
    await aProductionWithStable(url);
    await promoteCanary(at(url, 'prod'), step('next', r2));
    const baking = await readEnvironment(
      { url },
      'prod',
      () => Date.parse(new Date().toISOString()) + 10 * 60_000,
    );
    expect(baking.status.canary).toMatchObject({
      release: '2026.11.1',
      weight: 5,
      steps: [5, 25, 50],
      bakeMs: 1_800_000,
    });
    expect(baking.status.canary?.bakedMs).toBeGreaterThanOrEqual(10 * 60_000);
    expect(baking.status.canary?.components.find((c) => c.name === 'api')).toMatchObject({
      version: '1.5.0',
    });
    const text = renderStatus(baking.status);
    expect(text).toContain('prod runs 2026.11.0');
    expect(text).toMatch(/canary 2026\.11\.1 at 5 % \(steps 5, 25, 50; next: 25\)/);
    expect(text).toMatch(/baked 1\dm\d+s of 30m0s/);
    expect(text).toMatch(/api\s+1\.4\.0\s+→ 1\.5\.0/);

    const report = 'https://github.com/acme/deploy/actions/runs/12#slo-gate';
    const run = 'https://github.com/acme/deploy/actions/runs/12';
    const aborted = await promoteCanary(at(url, 'prod', { run }), {
      action: 'abort',
      reason: 'error rate 2.10 % > 1.00 % (baseline 0.20 %)\nforged: line',
      gateReport: report,
      manifest: null,
    });
    expect(aborted).toMatchObject({
      status: 'promoted',
      manifest: '2026.11.1',
      canary: { status: 'aborted', weight: null },
    });
    expect(remote.git('log', '-1', '--format=%B', 'main').trim().split('\n').slice(-4)).toEqual([
      `Relx-Run: ${run}`,
      'Relx-Canary: abort',
      'Relx-Abort-Reason: error rate 2.10 % > 1.00 % (baseline 0.20 %) forged: line',
      `Relx-Gate-Report: ${report}`,
    ]);
    const after = renderOverlay(remote, 'prod');
    expect(after.workloads).toEqual([
      { name: 'api-canary', image: api(digestOf('b')), version: '1.4.0', podVersion: '1.4.0' },
      { name: 'api-stable', image: api(digestOf('b')), version: '1.4.0', podVersion: '1.4.0' },
    ]);
    expect(after.weights).toEqual({ 'api-stable': 100, 'api-canary': 0 });
    expect(remote.git('show', 'main:environments/prod/release.yaml')).toBe(
      renderReleaseManifest(r1).trimEnd(),
    );
    const rollout = readYaml(remote, 'environments/prod/rollout/rollout.yaml');
    expect(rollout.spec.template.spec.containers[1]?.image).toBe(api(digestOf('b')));

    // the abort re-run by its run: nothing more
    const head = remote.git('rev-parse', 'main');
    expect(
      await promoteCanary(at(url, 'prod', { run }), {
        action: 'abort',
        reason: 'again',
        gateReport: null,
        manifest: null,
      }),
    ).toMatchObject({ status: 'unchanged' });
    expect(remote.git('rev-parse', 'main')).toBe(head);

    const { status, history } = await readEnvironment({ url }, 'prod');
    expect(status.canary).toBeNull();
    expect(history[0]?.record).toMatchObject({
      canary: 'abort',
      abortReason: expect.stringContaining('2.10 %'),
      gateReport: report,
    });
    expect(renderHistory('prod', history).split('\n')[0]).toContain(
      `canary 2026.11.1 ABORTED: error rate 2.10 % > 1.00 % (baseline 0.20 %) forged: line — gate report ${report} (stable 2026.11.0 stays)`,
    );
    // after the abort, a new canary may start (r3 is a hotfix: it skips staging, recorded)
    expect(await promoteCanary(at(url, 'prod'), step(5, r3, true))).toMatchObject({
      canary: { status: 'started' },
    });
    expect(remote.git('log', '-1', '--format=%B', 'main')).toContain('Relx-Hotfix: true');
  }, 120_000);
});

describe('bad canary input: a clear error naming the field, nothing written', () => {
  const { remote, url } = aCanaryGitOpsRepository();
  beforeAll(async () => {
    await aProductionWithStable(url);
    await promoteEnvironment(at(url, 'dev'), r3);
  }, 60_000);

  it.each([
    [
      'a weight of 0',
      () => promoteCanary(at(url, 'prod'), step(0, r2)),
      { field: '--canary', message: expect.stringContaining('1 to 99') },
    ],
    ['a weight of 100', () => promoteCanary(at(url, 'prod'), step(100, r2)), { field: '--canary' }],
    ['a weight of 2.5', () => promoteCanary(at(url, 'prod'), step(2.5, r2)), { field: '--canary' }],
    [
      '--complete with no canary',
      () => promoteCanary(at(url, 'prod'), { action: 'complete', manifest: null }),
      { field: '--complete', message: 'prod has no canary to complete.' },
    ],
    [
      '--abort with no canary',
      () =>
        promoteCanary(at(url, 'prod'), { action: 'abort', reason: 'x', gateReport: null, manifest: null }),
      { field: '--abort' },
    ],
    [
      'an environment without canary steps',
      () => promoteCanary(at(url, 'staging'), step(5, r2)),
      {
        field: 'canary.staging',
        file: 'relx.gitops.yaml',
        fix: expect.stringContaining('steps: [5, 25, 50]'),
      },
    ],
    [
      'a canary that skips staging',
      () => promoteCanary(at(url, 'prod'), step(5, r3)),
      { field: 'environment', kind: 'conflict' },
    ],
    ['a canary with no manifest', () => promoteCanary(at(url, 'prod'), step(5)), { field: '--manifest' }],
  ])('%s', async (_, attempt, expected) => {
    const head = remote.git('rev-parse', 'main');
    await expect(attempt()).rejects.toMatchObject(expected);
    expect(remote.git('rev-parse', 'main')).toBe(head);
  });

  it('refuses a second canary, a step down, a plain promotion or a rollback under a running canary', async () => {
    await promoteCanary(at(url, 'prod'), step(25, r2));
    const head = remote.git('rev-parse', 'main');
    await expect(promoteCanary(at(url, 'prod'), step(5, r3, true))).rejects.toMatchObject({
      kind: 'conflict',
      field: '--manifest',
      message: 'prod already has a canary of 2026.11.1 in progress.',
      fix: expect.stringContaining('--abort'),
    });
    await expect(promoteCanary(at(url, 'prod'), step(10))).rejects.toMatchObject({
      field: '--canary',
      message: 'The canary of 2026.11.1 is at 25 %: a step only moves traffic up.',
    });
    await expect(promoteEnvironment(at(url, 'prod'), r3, { hotfix: true })).rejects.toMatchObject({
      kind: 'conflict',
      message: expect.stringContaining('canary of 2026.11.1 in progress'),
    });
    await expect(rollbackEnvironment(at(url, 'prod'))).rejects.toMatchObject({ kind: 'conflict' });
    await expect(
      promoteCanary(at(url, 'prod'), { action: 'abort', reason: '  ', gateReport: null, manifest: null }),
    ).rejects.toMatchObject({ field: '--reason' });
    await expect(
      promoteCanary(at(url, 'prod'), {
        action: 'abort',
        reason: 'bad',
        gateReport: 'javascript:alert(1)',
        manifest: null,
      }),
    ).rejects.toMatchObject({ field: '--gate-report' });
    await expect(promoteCanary(at(url, 'prod'), { action: 'complete', manifest: r3 })).rejects.toMatchObject({
      field: '--manifest',
    });
    expect(remote.git('rev-parse', 'main')).toBe(head);
    await promoteCanary(at(url, 'prod'), step(50));
    await expect(promoteCanary(at(url, 'prod'), step('next'))).rejects.toMatchObject({
      field: '--canary',
      message: 'The canary of 2026.11.1 is at its last step (50 %).',
    });
  }, 60_000);
});
