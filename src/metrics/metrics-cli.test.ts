import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { aGitOpsRepository, aRelease } from '../../test/gitops/gitops-fixture.js';
import { relxRoot, runWorkflow } from '../../test/step-runner/run-workflow.js';
import { relxInProcess } from '../../test/relx-in-process.js';
import { digestOf } from '../manifest/manifest-builders.js';
import { renderReleaseManifest, type ReleaseManifest } from '../manifest/release-manifest.js';
import type { DeliveryMetrics } from './delivery-metrics.js';

/**
 * A scripted history at known times: the source repository's commits get their author dates,
 * every promotion its committer date (GIT_COMMITTER_DATE), and the report its "now" (RELX_NOW).
 * The expected figures are worked out here from those times, by hand, not by relx's code.
 */
const T0 = Date.UTC(2026, 10, 1) / 1000; // 2026-11-01T00:00:00Z
const now = Date.UTC(2026, 11, 1) / 1000; // 2026-12-01T00:00:00Z, the injected clock
const hours = (h: number) => h * 3600;
const at = (h: number) => new Date((T0 + hours(h)) * 1000).toISOString();

const relx = relxInProcess();
beforeEach(() => {
  process.env.RELX_NOW = new Date(now * 1000).toISOString();
});
afterEach(() => {
  delete process.env.GIT_COMMITTER_DATE;
  delete process.env.RELX_NOW;
});
const ok = async (...args: string[]) => {
  const result = await relx(...args);
  if (result.code !== 0) throw new Error(`relx ${args.join(' ')} exited ${result.code}: ${result.err}`);
  return result.out;
};

/** A source repository whose commits carry the author dates given, in hours after T0. */
class SourceRepo {
  readonly dir = mkdtempSync(join(tmpdir(), 'relx-metrics-source-'));
  constructor() {
    this.git(0, 'init', '-q', '-b', 'main');
  }
  git(hour: number, ...args: string[]): string {
    return execFileSync('git', args, {
      cwd: this.dir,
      encoding: 'utf8',
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: 'dev',
        GIT_AUTHOR_EMAIL: 'dev@relx.invalid',
        GIT_COMMITTER_NAME: 'dev',
        GIT_COMMITTER_EMAIL: 'dev@relx.invalid',
        GIT_AUTHOR_DATE: at(hour),
        GIT_COMMITTER_DATE: at(hour),
      },
    }).trim();
  }
  commit(hour: number, message: string): string {
    writeFileSync(join(this.dir, `${message.replace(/\W+/g, '-')}.txt`), message);
    this.git(hour, 'add', '-A');
    this.git(hour, 'commit', '-q', '--allow-empty', '-m', message);
    return this.git(hour, 'rev-parse', 'HEAD');
  }
}

const manifests = mkdtempSync(join(tmpdir(), 'relx-metrics-manifests-'));
function release(name: string, api: string, web: string, source: string, createdHour: number): string {
  const base = aRelease(name, api, api.replaceAll('.', ''));
  const m: ReleaseManifest = {
    ...base,
    metadata: {
      ...base.metadata,
      createdAt: at(createdHour),
      source: { ...base.metadata.source, commit: source },
    },
    components: {
      ...base.components,
      images: [
        ...base.components.images,
        {
          name: 'web',
          repository: 'ghcr.io/acme/web',
          tag: web,
          digest: digestOf(web.replaceAll('.', '') + 'f'),
        },
      ],
    },
  };
  const path = join(manifests, `${name}.yaml`);
  writeFileSync(path, renderReleaseManifest(m));
  return path;
}

/** What relx writes, run by its CLI at a given committer time. */
async function promote(url: string, env: string, file: string, hour: number, extra: string[] = []) {
  process.env.GIT_COMMITTER_DATE = at(hour);
  await ok(
    'promote',
    '--env',
    env,
    '--manifest',
    file,
    '--gitops',
    url,
    '--run',
    `https://ci/run/${hour}`,
    ...extra,
  );
}

/**
 * A canary step, complete or abort: the commits the canary helper is to write (Relx-Canary). A step
 * writes the canary's manifest beside the stable one, an abort removes it, a complete makes it the
 * environment's release.
 */
function canaryCommit(
  url: string,
  file: string | null,
  name: string,
  value: string,
  hour: number,
  previous: string,
) {
  const work = mkdtempSync(join(tmpdir(), 'relx-metrics-canary-'));
  const env = { ...process.env, GIT_COMMITTER_DATE: at(hour), GIT_AUTHOR_DATE: at(hour) };
  const git = (...args: string[]) => execFileSync('git', args, { cwd: work, env, encoding: 'utf8' });
  git('clone', '-q', url, '.');
  const canary = 'environments/prod/canary-release.yaml';
  if (value === 'abort' || value === 'complete') git('rm', '-q', canary);
  if (value === 'complete')
    writeFileSync(join(work, 'environments/prod/release.yaml'), readFileSync(file ?? ''));
  else if (file) {
    writeFileSync(join(work, canary), readFileSync(file));
    // the traffic split is an overlay beside it, not a manifest
    writeFileSync(join(work, 'environments/prod/canary-route.yaml'), `kind: HTTPRoute\nweight: ${value}\n`);
  }
  git('add', '-A');
  const message = [
    `canary(prod): ${name} ${value}`,
    '',
    `Relx-Manifest: ${name}`,
    'Relx-Environment: prod',
    `Relx-Previous: ${previous}`,
    'Relx-Approved-By: alice',
    `Relx-Run: https://ci/run/${hour}`,
    `Relx-Canary: ${value}`,
  ].join('\n');
  git('-c', 'user.name=relx', '-c', 'user.email=relx@x', 'commit', '-q', '--allow-empty', '-m', message);
  git('push', '-q', 'origin', 'HEAD:main');
  rmSync(work, { recursive: true, force: true });
}

/** Nearest-rank percentile, as the docs define it, over durations in hours. */
const rank = (xs: number[], p: number) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return hours(sorted[Math.ceil(p * sorted.length) - 1] as number);
};

describe('relx metrics over a scripted history', () => {
  const source = new SourceRepo();
  const { url } = aGitOpsRepository();
  const s1 = source.commit(0, 'feat: one');
  const s2 = source.commit(1, 'feat: two');
  source.git(20, 'checkout', '-q', '-b', 'topic');
  source.commit(20, 'feat: topic start');
  source.commit(26, 'feat: topic end');
  source.git(24, 'checkout', '-q', 'main');
  source.commit(24, 'fix: three');
  source.git(27, 'merge', '-q', '--no-ff', '-m', 'merge topic', 'topic');
  const m1 = source.git(27, 'rev-parse', 'HEAD');
  const s4 = source.commit(50, 'feat: four');
  const s5 = source.commit(70, 'feat: five');
  const s6 = source.commit(80, 'feat: six');
  const s7 = source.commit(90, 'fix: seven');
  void s1;

  const r1 = release('r1', '1.0.0', '1.0.0', s2, 2);
  const r2 = release('r2', '1.1.0', '2.0.0', m1, 28);
  const r3 = release('r3', '1.2.0', '2.0.0', s4, 51);
  const r4 = release('r4', '1.3.0', '2.0.0', s5, 71);
  const r5 = release('r5', '1.4.0', '2.0.0', s6, 81);
  const r6 = release('r6', '1.4.1', '2.0.0', s7, 91);

  beforeAll(async () => {
    const approved = ['--approved-by', 'alice'];
    for (const [file, created] of [
      [r1, 2],
      [r2, 28],
      [r3, 51],
      [r4, 71],
      [r5, 81],
    ] as const) {
      await promote(url, 'dev', file, created + 0.1, approved);
      await promote(url, 'staging', file, created + 0.2, approved);
    }
    await promote(url, 'prod', r1, 3, approved);
    await promote(url, 'prod', r2, 30, approved);
    await promote(url, 'prod', r3, 52, approved);
    process.env.GIT_COMMITTER_DATE = at(53);
    await ok(
      'rollback',
      '--env',
      'prod',
      '--gitops',
      url,
      '--approved-by',
      'bob',
      '--run',
      'https://ci/run/53',
    );
    canaryCommit(url, r4, 'r4', '5', 72, 'r2');
    canaryCommit(url, null, 'r4', 'abort', 72.5, 'r2');
    canaryCommit(url, r5, 'r5', '5', 82, 'r2');
    canaryCommit(url, r5, 'r5', '25', 82.5, 'r2');
    canaryCommit(url, r5, 'r5', 'complete', 83, 'r2');
    await promote(url, 'prod', r6, 92, ['--hotfix']); // no approver: the audit must notice
  }, 120_000);

  it('computes every figure, to the second, as worked out from the script', async () => {
    const m = JSON.parse(
      await ok('metrics', '--env', 'prod', '--gitops', url, '--source', source.dir, '--json'),
    ) as DeliveryMetrics;
    // lead time: promotion time − author time of the change's first commit (hours)
    const r1Lead = [3 - 1, 3 - 0]; // s2, s1
    const r2Lead = [30 - 20, 30 - 24]; // the merge (its first commit: topic start at 20), fix: three
    const r3Lead = [52 - 50];
    const r5Lead = [83 - 80, 83 - 70]; // s5 was in the aborted canary: it reached prod with r5
    const r6Lead = [92 - 90];
    const all = [...r1Lead, ...r2Lead, ...r3Lead, ...r5Lead, ...r6Lead];
    const web = [...r1Lead, ...r2Lead]; // web changed in r1 (first release) and r2 only
    const buildToDeploy = [3 - 2, 30 - 28, 52 - 51, 83 - 81, 92 - 91];
    const restore = [53 - 52, 72.5 - 72, 92 - 83]; // r3 by the rollback, r4's abort, r5 by the hotfix
    expect(m).toMatchObject({
      environment: 'prod',
      period: { since: '2026-09-02T00:00:00Z', until: '2026-12-01T00:00:00Z', days: 90 },
      promotions: 6,
      deployments: 5,
      rollbacks: 1,
      deploymentFrequency: { perDay: 5 / 90, perWeek: 35 / 90 },
      leadTime: {
        count: all.length,
        median: rank(all, 0.5),
        p90: rank(all, 0.9),
        unmeasured: 0,
        byComponent: {
          api: { count: all.length, median: rank(all, 0.5), p90: rank(all, 0.9) },
          web: { count: web.length, median: rank(web, 0.5), p90: rank(web, 0.9) },
        },
      },
      buildToDeploy: { count: 5, median: rank(buildToDeploy, 0.5), p90: rank(buildToDeploy, 0.9) },
      changeFailure: { failed: 3, of: 6, rate: 0.5, byCause: { rollback: 1, abort: 1, hotfix: 1 } },
      timeToRestore: { count: 3, median: rank(restore, 0.5), p90: rank(restore, 0.9), unrestored: 0 },
      canary: { through: 2, of: 6, share: 2 / 6 },
      audit: { commits: 10, withApprover: 9, withRun: 10, validManifest: 10, complete: 9, share: 0.9 },
    });
    expect(m.leadTime.median).toBe(hours(3));
    expect(m.leadTime.p90).toBe(hours(13));
    // weeks run from 2026-09-02; T0 + 72 h (2026-11-04) starts the tenth
    const week = (i: number) => m.weeks[i];
    expect(m.weeks).toHaveLength(13);
    expect(week(8)).toEqual({
      start: '2026-10-28T00:00:00Z',
      deployments: 3,
      leadTimeMedian: rank([...r1Lead, ...r2Lead, ...r3Lead], 0.5),
    });
    expect(week(9)).toEqual({
      start: '2026-11-04T00:00:00Z',
      deployments: 2,
      leadTimeMedian: rank([...r5Lead, ...r6Lead], 0.5),
    });
    expect(m.weeks.reduce((n, w) => n + w.deployments, 0)).toBe(5);
  });

  it('a repository by URL (fetched into a private clone) gives the same figures as the path read in place', async () => {
    const args = ['metrics', '--env', 'prod', '--source', source.dir, '--json'];
    const inPlace = JSON.parse(await ok(...args, '--gitops', url)) as DeliveryMetrics;
    const fetched = JSON.parse(await ok(...args, '--gitops', `file://${url}`)) as DeliveryMetrics;
    expect(fetched).toEqual(inPlace);
    expect(fetched.deployments).toBe(5);
  });

  it('--component web counts only the promotions that changed web', async () => {
    const m = JSON.parse(
      await ok(
        'metrics',
        '--env',
        'prod',
        '--component',
        'web',
        '--gitops',
        url,
        '--source',
        source.dir,
        '--json',
      ),
    ) as DeliveryMetrics;
    expect(m).toMatchObject({
      component: 'web',
      deployments: 2,
      promotions: 2,
      changeFailure: { failed: 0, of: 2 },
    });
    expect(Object.keys(m.leadTime.byComponent)).toEqual(['web']);
  });

  it('without the source repository, lead time is not guessed: it is reported as not measured', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'relx-metrics-nosource-'));
    const m = JSON.parse(
      await ok('metrics', '--env', 'prod', '--gitops', url, '--source', empty, '--json'),
    ) as DeliveryMetrics;
    expect(m.leadTime).toMatchObject({ count: 0, median: null, unmeasured: 5 });
    expect(m.buildToDeploy.count).toBe(5);
  });

  it('prints a table, and Markdown with a Mermaid chart', async () => {
    const table = await ok('metrics', '--env', 'prod', '--gitops', url, '--source', source.dir);
    expect(table).toMatch(/^lead time for changes +median 3h, p90 13h \(8\)$/m);
    expect(table).toMatch(
      /^change failure rate +50\.0% \(3 of 6: 1 rolled back, 1 canaries aborted, 1 hotfixed\)$/m,
    );
    const markdown = await ok(
      'metrics',
      '--env',
      'prod',
      '--gitops',
      url,
      '--source',
      source.dir,
      '--markdown',
    );
    expect(markdown).toContain('```mermaid\nxychart-beta');
    expect(markdown).toMatch(/bar \[(0, ){8}3, 3, 0, 0, 0\]/);
  });

  it('--openmetrics output passes promtool check metrics', async () => {
    const text = await ok(
      'metrics',
      '--env',
      'prod',
      '--gitops',
      url,
      '--source',
      source.dir,
      '--openmetrics',
    );
    expect(text).toContain('relx_delivery_change_failure_ratio{environment="prod",window_days="90"} 0.5');
    expect(text).toContain(
      `relx_delivery_lead_time_p90_seconds{environment="prod",window_days="90"} ${hours(13)}`,
    );
    const promtool = execFileSync('/usr/bin/promtool', ['check', 'metrics'], {
      input: text,
      encoding: 'utf8',
    });
    expect(promtool).toBe('');
  });

  it('an environment with one promotion, and one with none', async () => {
    const fresh = aGitOpsRepository();
    let m = JSON.parse(
      await ok('metrics', '--env', 'prod', '--gitops', fresh.url, '--source', source.dir, '--json'),
    ) as DeliveryMetrics;
    expect(m).toMatchObject({
      promotions: 0,
      deployments: 0,
      deploymentFrequency: { perDay: 0, perWeek: 0 },
      leadTime: { count: 0, median: null, p90: null },
      changeFailure: { failed: 0, of: 0, rate: null },
      timeToRestore: { count: 0, median: null },
      canary: { share: null },
      audit: { commits: 0, share: null },
    });
    expect(await ok('metrics', '--env', 'prod', '--gitops', fresh.url)).toMatch(
      /^deployments +0 of 0 promotions/m,
    );
    await promote(fresh.url, 'dev', r1, 3);
    m = JSON.parse(
      await ok('metrics', '--env', 'dev', '--gitops', fresh.url, '--source', source.dir, '--json'),
    ) as DeliveryMetrics;
    expect(m).toMatchObject({
      promotions: 1,
      deployments: 1,
      leadTime: { count: 2, median: hours(2), p90: hours(3) },
      buildToDeploy: { count: 1, median: hours(1) },
      changeFailure: { failed: 0, of: 1, rate: 0 },
      audit: { commits: 1, withApprover: 0, withRun: 1, complete: 0 },
    });
  });

  it('a rewritten history is refused with a clear error, and no figures', async () => {
    const work = mkdtempSync(join(tmpdir(), 'relx-metrics-rewrite-'));
    const git = (date: string, ...args: string[]) =>
      execFileSync('git', args, {
        cwd: work,
        encoding: 'utf8',
        env: { ...process.env, GIT_COMMITTER_DATE: date },
      });
    git(at(100), 'clone', '-q', url, '.');
    // squash the canary and the hotfix into one commit: the hotfix's Relx-Previous (r5) is gone
    const hotfix = git(at(100), 'log', '-1', '--format=%B');
    git(at(100), 'reset', '-q', '--soft', 'HEAD~6');
    git(at(100), '-c', 'user.name=x', '-c', 'user.email=x@x', 'commit', '-q', '-m', hotfix);
    const squashed = await relx('metrics', '--env', 'prod', '--gitops', work, '--source', source.dir);
    expect(squashed.code).toBe(73);
    expect(squashed.out).toBe('');
    expect(squashed.err).toMatch(
      /says prod ran r5 before it, but no earlier promotion of prod in this history brought r5 \(it ran r2\)/,
    );
    expect(squashed.err).toMatch(/Relx-Previous/);
    expect(squashed.err).toMatch(/rewritten/);

    // a promotion dated a day before the one it follows
    git(at(100), 'reset', '-q', '--hard', 'origin/main');
    git(at(92 - 24), '-c', 'user.name=x', '-c', 'user.email=x@x', 'commit', '-q', '--amend', '--no-edit');
    const backwards = await relx('metrics', '--env', 'prod', '--gitops', work, '--source', source.dir);
    expect(backwards.code).toBe(73);
    expect(backwards.out).toBe('');
    expect(backwards.err).toMatch(/is dated 2026-11-03T20:00:00\.000Z, before the promotion it follows/);
  });

  it('the metrics.yml template writes the report, with its chart, to the job summary (step runner, built CLI)', async () => {
    const run = await runWorkflow(join(relxRoot, 'workflows-templates', 'metrics.yml'), {
      workspace: source.dir,
      eventName: 'workflow_dispatch',
      event: {},
      inputs: { environment: 'prod', since: '90d' },
      repository: 'acme/platform',
      vars: { RELX_GITOPS_REPOSITORY: url },
      // $GITHUB_SERVER_URL/<repository> becomes file://<path of the bare GitOps repository>
      env: { GITHUB_SERVER_URL: 'file://', RELX_NOW: new Date(now * 1000).toISOString() },
      standIns: {
        'actions/checkout': ({ with: w, workspace }) => {
          if (w.repository === 'relx-dev/relx') symlinkSync(relxRoot, join(workspace, w.path ?? ''));
        },
        'actions/setup-node': () => {},
      },
    });
    const failed = run.steps.filter((s) => s.outcome === 'failure').map((s) => `${s.name}: ${s.stderr}`);
    expect(failed).toEqual([]);
    const summary = run.summaries.join('\n');
    expect(summary).toContain(
      '### Delivery metrics: prod, 2026-09-02T00:00:00Z → 2026-12-01T00:00:00Z (90 days)',
    );
    expect(summary).toMatch(/\| change failure rate \| 50\.0% \(3 of 6/);
    expect(summary).toMatch(/```mermaid\nxychart-beta[\s\S]*bar \[(0, ){8}3, 3, 0, 0, 0\]\n```/);
    const log = run.steps.map((s) => s.stdout).join('');
    expect(log).toContain('relx_delivery_deployments{environment="prod",window_days="90"} 5');
  });

  it('a message with the record separator in it is still one promotion', async () => {
    const fresh = aGitOpsRepository();
    await promote(fresh.url, 'dev', r1, 3);
    const work = mkdtempSync(join(tmpdir(), 'relx-metrics-separator-'));
    const env = { ...process.env, GIT_COMMITTER_DATE: at(31) };
    const git = (...args: string[]) => execFileSync('git', args, { cwd: work, env, encoding: 'utf8' });
    git('clone', '-q', fresh.url, '.');
    writeFileSync(join(work, 'environments/dev/release.yaml'), readFileSync(r2));
    const message = `deploy(dev): r2\n\nnotes \x1e${'a'.repeat(40)} 123 more\n\nRelx-Manifest: r2\nRelx-Environment: dev\nRelx-Previous: r1\nRelx-Run: https://ci/run/31\n`;
    writeFileSync(join(work, '.message'), message);
    git('add', 'environments');
    git('-c', 'user.name=relx', '-c', 'user.email=relx@x', 'commit', '-q', '-F', '.message');
    git('push', '-q', 'origin', 'HEAD:main');
    const m = JSON.parse(
      await ok('metrics', '--env', 'dev', '--gitops', fresh.url, '--source', source.dir, '--json'),
    ) as DeliveryMetrics;
    expect(m).toMatchObject({ deployments: 2, leadTime: { count: 4 }, audit: { commits: 2, withRun: 2 } });
  });

  it('--now ends the period where it says', async () => {
    const m = JSON.parse(
      await ok(
        'metrics',
        '--env',
        'prod',
        '--since',
        '1d',
        '--now',
        at(53.5),
        '--gitops',
        url,
        '--source',
        source.dir,
        '--json',
      ),
    ) as DeliveryMetrics;
    // 2026-11-02T05:30Z → 2026-11-03T05:30Z: r2 (30 h) and r3 (52 h), the rollback (53 h)
    expect(m).toMatchObject({ deployments: 2, rollbacks: 1, changeFailure: { failed: 1, of: 2 } });
    expect((await relx('metrics', '--env', 'prod', '--now', 'soon', '--gitops', url)).err).toMatch(
      /--now "soon" is not a date/,
    );
  });

  it('a GitOps repository on disk without the branch its config names is refused', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'relx-metrics-branch-'));
    const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, encoding: 'utf8' });
    git('init', '-q', '-b', 'main');
    writeFileSync(join(dir, 'relx.gitops.yaml'), 'environments: [prod]\nbranch: live\n');
    git('add', '-A');
    git('-c', 'user.name=x', '-c', 'user.email=x@x', 'commit', '-q', '-m', 'layout');
    const result = await relx('metrics', '--env', 'prod', '--gitops', dir);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/has no branch live/);
  });

  it("per component, a change counts where the source repository's components say it belongs", async () => {
    const mono = new SourceRepo();
    const config = [
      'components:',
      '  - { name: api, type: container-image, path: services/api, version: 1.0.0 }',
      '  - { name: web, type: container-image, path: web, version: 1.0.0 }',
      '',
    ].join('\n');
    writeFileSync(join(mono.dir, 'relx.config.yaml'), config);
    for (const [hour, folder] of [
      [10, 'services/api'],
      [11, 'web'],
      [12, 'services/api'],
    ] as const) {
      execFileSync('mkdir', ['-p', join(mono.dir, folder)]);
      writeFileSync(join(mono.dir, folder, `f${hour}.ts`), `${hour}`);
      mono.git(hour, 'add', '-A');
      mono.git(hour, 'commit', '-q', '-m', `feat: ${folder} ${hour}`);
    }
    const head = mono.git(12, 'rev-parse', 'HEAD');
    const fresh = aGitOpsRepository();
    await promote(fresh.url, 'dev', release('m1', '1.0.0', '1.0.0', head, 13), 14);
    const m = JSON.parse(
      await ok('metrics', '--env', 'dev', '--gitops', fresh.url, '--source', mono.dir, '--json'),
    ) as DeliveryMetrics;
    // the first release changes every pin; api's changes are at 10 h and 12 h (the config commit
    // came with the first), web's at 11 h
    expect(m.leadTime.byComponent.api).toEqual({ count: 2, median: hours(14 - 12), p90: hours(14 - 10) });
    expect(m.leadTime.byComponent.web).toEqual({ count: 1, median: hours(14 - 11), p90: hours(14 - 11) });
    expect(m.leadTime.count).toBe(3);
  });

  it('--since must be a period', async () => {
    const bad = await relx('metrics', '--env', 'prod', '--since', 'yesterday', '--gitops', url);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--since yesterday.*90d or 12w/s);
  });
});
