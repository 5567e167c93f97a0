import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { aGitOpsRepository, aRelease } from '../../test/gitops/gitops-fixture.js';
import { relxInProcess } from '../../test/relx-in-process.js';
import { digestOf } from '../manifest/manifest-builders.js';
import { renderReleaseManifest, type ReleaseManifest } from '../manifest/release-manifest.js';

const run = relxInProcess();
const relx = async (...args: string[]) => {
  const { code, out, err } = await run(...args);
  if (code !== 0) throw new Error(`relx ${args.join(' ')} exited ${code}: ${err}`);
  return out;
};
const json = async (...args: string[]) => JSON.parse(await relx(...args, '--json'));

describe('the seven questions, after a scripted series of releases, promotions and a rollback', () => {
  it('answers each from the GitOps repository', async () => {
    const { url } = aGitOpsRepository();
    const dir = mkdtempSync(join(tmpdir(), 'relx-seven-'));
    const file = (m: ReleaseManifest) => {
      const path = join(dir, `${m.metadata.name}.yaml`);
      writeFileSync(path, renderReleaseManifest(m));
      return path;
    };
    const r1 = aRelease('2026.11.0', '1.4.0', 'b');
    const r2 = {
      ...aRelease('2026.11.1', '1.5.0', 'e', '2026.11.0'),
      compatibility: [{ api: '>=1.4.0 <2.0.0', '@acme/sdk': '2.1.x' }],
    };
    r2.metadata = {
      ...r2.metadata,
      source: { ...r2.metadata.source, commit: '1111111111111111111111111111111111111111' },
    };
    for (const release of [r1, r2]) {
      for (const env of ['dev', 'staging', 'prod']) {
        await relx(
          'promote',
          '--env',
          env,
          '--manifest',
          file(release),
          '--gitops',
          url,
          '--approved-by',
          env === 'prod' ? 'alice' : 'ci',
        );
      }
    }

    // 1. What is the current version of every component in production?
    const status = await json('status', '--env', 'prod', '--gitops', url);
    expect(status.release).toBe('2026.11.1');
    expect(
      Object.fromEntries(
        status.components.map((c: { name: string; version: string }) => [c.name, c.version]),
      ),
    ).toEqual({
      '@acme/core': '1.3.0',
      '@acme/sdk': '2.1.4',
      api: '1.5.0',
      'api-chart': '0.7.0',
    });
    expect(await relx('status', '--env', 'prod', '--gitops', url)).toMatch(
      /^prod runs 2026\.11\.1\n {2}built from acme\/platform@1{40}/,
    );

    // 2. Which git commit is running in production right now?
    expect(status.sourceCommit).toBe('1111111111111111111111111111111111111111');

    // 3. What changed between the last two production releases?
    const diff = await json('diff', '--env', 'prod', '--gitops', url);
    expect(diff).toMatchObject({
      from: '2026.11.0',
      to: '2026.11.1',
      changed: [{ name: 'api', from: '1.4.0', to: '1.5.0' }],
    });

    // 4. How do I roll back one component to its previous version without touching the others?
    await relx('rollback', '--env', 'prod', '--component', 'api', '--gitops', url, '--approved-by', 'bob');
    const after = await json('status', '--env', 'prod', '--gitops', url);
    const pins = (s: { components: Array<{ name: string; version: string; pin: string }> }) =>
      Object.fromEntries(s.components.map((c) => [c.name, `${c.version} ${c.pin}`]));
    expect(pins(after)).toEqual({ ...pins(status), api: `1.4.0 ${digestOf('b')}` });

    // 5. What is the supported version matrix between components?
    const compat = await json('compat', '--env', 'prod', '--gitops', url);
    expect(compat).toMatchObject({
      satisfiedRow: 0,
      rows: [{ row: { api: '>=1.4.0 <2.0.0', '@acme/sdk': '2.1.x' }, offending: [] }],
    });

    // 6. Who approved the last production deploy, and when?
    const history = await json('history', '--env', 'prod', '--gitops', url);
    expect(history[0].record).toMatchObject({ approvedBy: 'bob', rollbackOf: '2026.11.1', component: 'api' });
    expect(history[1].record).toMatchObject({ approvedBy: 'alice', manifest: '2026.11.1' });
    expect(Date.parse(history[0].time)).not.toBeNaN();

    // 7. How do I ship a hotfix to production in the next 30 minutes? Straight to prod, recorded.
    const hotfix = aRelease('2026.11.2', '1.5.1', 'f', '2026.11.1');
    await expect(
      relx('promote', '--env', 'prod', '--manifest', file(hotfix), '--gitops', url),
    ).rejects.toThrow(/not been released to staging/);
    await relx(
      'promote',
      '--env',
      'prod',
      '--manifest',
      file(hotfix),
      '--gitops',
      url,
      '--hotfix',
      '--approved-by',
      'carol',
    );
    const last = await json('history', '--env', 'prod', '--gitops', url);
    expect(last[0].record).toMatchObject({ manifest: '2026.11.2', hotfix: true, approvedBy: 'carol' });
    expect((await json('status', '--env', 'prod', '--gitops', url)).release).toBe('2026.11.2');
  }, 60_000);
});
