import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { relxInProcess, type RelxRun } from '../relx-in-process.js';
import { renderReleaseManifest } from '../../src/manifest/release-manifest.js';
import { aRelease } from '../gitops/gitops-fixture.js';
import { aCanaryGitOpsRepository, renderOverlay } from './canary-fixture.js';

/**
 * `relx promote --canary`, `--complete`, `--abort` and what `relx status` / `relx history` show,
 * run through the CLI's own entry on a real GitOps repository. Each commit gets a fixed time
 * (GIT_AUTHOR_DATE), and status a fixed "now" (RELX_NOW), so the bake is known to the second.
 */
const run = relxInProcess();
afterEach(() => {
  for (const name of ['GIT_AUTHOR_DATE', 'GIT_COMMITTER_DATE', 'RELX_NOW']) delete process.env[name];
});

const minute = (m: number) => new Date(Date.UTC(2026, 11, 1, 9, 0) + m * 60_000).toISOString();
/** relx at a minute after 09:00 on 2026-12-01: the commits it makes are dated then. */
async function relx(when: number, ...argv: string[]): Promise<RelxRun> {
  process.env.GIT_AUTHOR_DATE = minute(when);
  process.env.GIT_COMMITTER_DATE = minute(when);
  return run(...argv);
}

const folder = mkdtempSync(join(tmpdir(), 'relx-canary-cli-'));
const file = (name: string, api: string, seed: string) => {
  const path = join(folder, `${name}.yaml`);
  writeFileSync(path, renderReleaseManifest(aRelease(name, api, seed)));
  return path;
};
const r1 = file('2026.12.0', '2.0.0', 'a');
const r2 = file('2026.12.1', '2.1.0', 'c');

describe('relx promote --canary / --complete / --abort, relx status and history', () => {
  const { remote, url } = aCanaryGitOpsRepository();
  const g = ['--gitops', url];

  beforeAll(async () => {
    for (const env of ['dev', 'staging', 'prod'])
      expect((await relx(0, 'promote', '--env', env, '--manifest', r1, ...g)).code).toBe(0);
    for (const env of ['dev', 'staging'])
      expect((await relx(1, 'promote', '--env', env, '--manifest', r2, ...g)).code).toBe(0);
  }, 60_000);

  it('starts with a dry run that writes nothing, then steps, shows the bake, and records the abort', async () => {
    const head = remote.git('rev-parse', 'main');
    const dry = await relx(
      10,
      'promote',
      '--env',
      'prod',
      '--manifest',
      r2,
      '--canary',
      'next',
      '--dry-run',
      ...g,
    );
    expect(dry).toMatchObject({ code: 0 });
    expect(dry.out).toBe(
      'would run the canary of 2026.12.1 at 5 % in prod (stable 2026.12.0), writing environments/prod/stable/kustomization.yaml, environments/prod/canary/kustomization.yaml, environments/prod/httproute.yaml, environments/prod/values.yaml, environments/prod/rollout/rollout.yaml, environments/prod/canary-release.yaml\n',
    );
    expect(remote.git('rev-parse', 'main')).toBe(head);

    const start = await relx(
      10,
      'promote',
      '--env',
      'prod',
      '--manifest',
      r2,
      '--canary',
      '5',
      '--json',
      ...g,
    );
    expect(start.code).toBe(0);
    expect(JSON.parse(start.out)).toMatchObject({
      status: 'promoted',
      canary: { status: 'started', weight: 5 },
    });
    expect((await relx(25, 'promote', '--env', 'prod', '--canary', 'next', ...g)).out).toMatch(
      /^prod: canary 2026\.12\.1 advanced at 25 % beside 2026\.12\.0 — [0-9a-f]{40}\n$/,
    );
    expect(renderOverlay(remote, 'prod').weights).toEqual({ 'api-stable': 75, 'api-canary': 25 });

    process.env.RELX_NOW = minute(37);
    const status = await relx(37, 'status', '--env', 'prod', '--json', ...g);
    expect(JSON.parse(status.out).canary).toEqual({
      release: '2026.12.1',
      weight: 25,
      steps: [5, 25, 50],
      startedAt: minute(10),
      stepStartedAt: minute(25),
      bakedMs: 12 * 60_000,
      bakeMs: 30 * 60_000,
      components: expect.arrayContaining([expect.objectContaining({ name: 'api', version: '2.1.0' })]),
    });
    const text = (await relx(37, 'status', '--env', 'prod', ...g)).out;
    expect(text).toContain('prod runs 2026.12.0');
    expect(text).toContain('canary 2026.12.1 at 25 % (steps 5, 25, 50; next: 50)');
    expect(text).toContain('baked 12m0s of 30m0s');

    const abort = await relx(
      40,
      'promote',
      '--env',
      'prod',
      '--abort',
      '--reason',
      'p99 latency 840 ms > 600 ms',
      '--gate-report',
      'https://github.com/acme/deploy/actions/runs/77',
      ...g,
    );
    expect(abort.out).toMatch(/^prod: canary of 2026\.12\.1 aborted; 2026\.12\.0 keeps all traffic/);
    const history = (await relx(41, 'history', '--env', 'prod', ...g)).out.split('\n');
    expect(history[0]).toContain(
      'canary 2026.12.1 ABORTED: p99 latency 840 ms > 600 ms — gate report https://github.com/acme/deploy/actions/runs/77 (stable 2026.12.0 stays)',
    );
    expect(history[1]).toContain('canary 2026.12.1 at 25 % (stable 2026.12.0)');
    expect(history[2]).toContain('canary 2026.12.1 at 5 % (stable 2026.12.0)');
    expect(history[3]).toContain('2026.12.0');
    const json = JSON.parse((await relx(41, 'history', '--env', 'prod', '--json', ...g)).out);
    expect(json[0].record).toMatchObject({ canary: 'abort', abortReason: 'p99 latency 840 ms > 600 ms' });
    expect(JSON.parse((await relx(41, 'status', '--env', 'prod', '--json', ...g)).out)).toMatchObject({
      release: '2026.12.0',
      canary: null,
    });
    // relx metrics reads the same commits: one promotion through a canary, aborted (a failure)
    const metrics = await relx(
      42,
      'metrics',
      '--env',
      'prod',
      '--now',
      minute(60),
      '--source',
      folder,
      '--json',
      ...g,
    );
    expect(metrics.err).toBe('');
    expect(JSON.parse(metrics.out)).toMatchObject({ canary: { through: 1 } });
  }, 60_000);

  it.each([
    [['--canary', '0', '--manifest', r2], '--canary: Canary weight "0" is not a whole number from 1 to 99.'],
    [['--canary', '150', '--manifest', r2], '--canary: Canary weight "150"'],
    [['--canary', 'half', '--manifest', r2], '--canary: Canary weight "half"'],
    [['--complete'], '--complete: prod has no canary to complete.'],
    [['--abort', '--reason', 'x'], '--abort: prod has no canary to abort.'],
    [['--abort'], '--reason: An abort needs a reason'],
    [['--canary', '5', '--complete'], '--complete: --canary and --complete cannot go together.'],
    [['--reason', 'x', '--manifest', r2], '--reason: --reason and --gate-report go with --abort.'],
  ])('prod %j → a clear error, nothing written', async (args, message) => {
    const head = remote.git('rev-parse', 'main');
    const result = await relx(50, 'promote', '--env', 'prod', ...args, ...g);
    expect(result.out).toBe('');
    expect(result.code).toBe(2);
    expect(result.err).toContain(message);
    expect(result.err).toContain('Fix: ');
    expect(remote.git('rev-parse', 'main')).toBe(head);
  });

  it('refuses --canary on an environment with none configured, naming the config field', async () => {
    const head = remote.git('rev-parse', 'main');
    const result = await relx(50, 'promote', '--env', 'staging', '--canary', '5', '--manifest', r2, ...g);
    expect(result.code).toBe(78);
    expect(result.err).toContain('relx.gitops.yaml: canary.staging: staging has no canary steps configured.');
    expect(remote.git('rev-parse', 'main')).toBe(head);
  });
});
