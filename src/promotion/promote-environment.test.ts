import { parse } from 'yaml';
import { aGitOpsRepository, aRelease } from '../../test/gitops/gitops-fixture.js';
import { digestOf } from '../manifest/manifest-builders.js';
import { renderReleaseManifest } from '../manifest/release-manifest.js';
import { readEnvironment } from './environment-status.js';
import {
  promoteEnvironment,
  readManifestForPromotion,
  rollbackComponent,
  rollbackEnvironment,
  type PromotionContext,
} from './promote-environment.js';

const r1 = aRelease('2026.11.0', '1.4.0', 'b');
const r2 = aRelease('2026.11.1', '1.4.1', 'e', '2026.11.0');
const context = (
  url: string,
  environment: string,
  extra: Partial<PromotionContext> = {},
): PromotionContext => ({
  remote: { url },
  environment,
  ...extra,
});

describe('promoting by GitOps commits', () => {
  it('promotes dev → staging → prod, editing the overlays and recording the audit trailers', async () => {
    const { remote, url } = aGitOpsRepository();
    for (const env of ['dev', 'staging', 'prod']) {
      const result = await promoteEnvironment(
        context(url, env, { approvedBy: 'alice', run: 'https://github.com/acme/deploy/actions/runs/7' }),
        r1,
      );
      expect(result).toMatchObject({
        status: 'promoted',
        environment: env,
        manifest: '2026.11.0',
        previous: null,
      });
    }
    expect(remote.git('show', 'main:environments/prod/release.yaml')).toBe(
      renderReleaseManifest(r1).trimEnd(),
    );
    const kustomization = remote.git('show', 'main:environments/prod/kustomization.yaml');
    expect(kustomization).toContain('# Argo CD reconciles this folder');
    expect(parse(kustomization).images).toEqual([
      { name: 'ghcr.io/acme/api', digest: digestOf('b') },
      { name: 'ghcr.io/acme/worker', newTag: '7.1' },
    ]);
    expect(parse(remote.git('show', 'main:environments/prod/values.yaml'))).toEqual({
      replicas: 2,
      image: { pullPolicy: 'IfNotPresent', chartDigest: digestOf('c') },
    });
    expect(remote.git('log', '-1', '--format=%B', 'main').trim().split('\n')).toEqual([
      'deploy(prod): 2026.11.0',
      '',
      'Relx-Manifest: 2026.11.0',
      'Relx-Environment: prod',
      'Relx-Approved-By: alice',
      'Relx-Run: https://github.com/acme/deploy/actions/runs/7',
    ]);
  });

  it('refuses to skip staging, writing nothing; a hotfix may, and says so in the history', async () => {
    const { remote, url } = aGitOpsRepository();
    await promoteEnvironment(context(url, 'dev'), r1);
    const before = remote.git('rev-parse', 'main');
    await expect(promoteEnvironment(context(url, 'prod'), r1)).rejects.toMatchObject({
      kind: 'conflict',
      message: '2026.11.0 has not been released to staging, so it cannot go to prod.',
      fix: expect.stringContaining('dev → staging → prod'),
    });
    expect(remote.git('rev-parse', 'main')).toBe(before);

    const hotfix = await promoteEnvironment(context(url, 'prod', { approvedBy: 'bob' }), r1, {
      hotfix: true,
    });
    expect(hotfix.status).toBe('promoted');
    const { history } = await readEnvironment({ url }, 'prod');
    expect(history[0]?.record).toMatchObject({ manifest: '2026.11.0', hotfix: true, approvedBy: 'bob' });
    expect(remote.git('log', '-1', '--format=%s', 'main')).toBe('deploy(prod): 2026.11.0 (hotfix)');
  });

  it('is a no-op when the environment already runs the release', async () => {
    const { remote, url } = aGitOpsRepository();
    await promoteEnvironment(context(url, 'dev'), r1);
    const head = remote.git('rev-parse', 'main');
    expect(await promoteEnvironment(context(url, 'dev'), r1)).toMatchObject({
      status: 'unchanged',
      commit: null,
    });
    expect(remote.git('rev-parse', 'main')).toBe(head);
  });

  it('lands 10 promotions at once, to the same and to different environments, losing none', async () => {
    const { remote, url } = aGitOpsRepository();
    const releases = Array.from({ length: 10 }, (_, i) =>
      aRelease(`2026.12.${i}`, `2.0.${i}`, 'abcdef0123'[i] as string),
    );
    const results = await Promise.all(
      releases.map((release, i) =>
        i < 5
          ? promoteEnvironment(context(url, 'dev'), release)
          : promoteEnvironment(context(url, 'staging'), release, { hotfix: true }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(Array(10).fill('promoted'));
    const dev = await readEnvironment({ url }, 'dev');
    const staging = await readEnvironment({ url }, 'staging');
    expect(dev.history.map((h) => h.manifest).sort()).toEqual(
      releases
        .slice(0, 5)
        .map((r) => r.metadata.name)
        .sort(),
    );
    expect(staging.history.map((h) => h.manifest).sort()).toEqual(
      releases
        .slice(5)
        .map((r) => r.metadata.name)
        .sort(),
    );
    // each promotion names the one it replaced: the chain is unbroken
    const chain = dev.history.map((h) => [h.manifest, h.record?.previous]);
    for (let i = 0; i < chain.length - 1; i++) expect(chain[i]?.[1]).toBe(chain[i + 1]?.[0]);
    expect(remote.git('rev-list', '--count', 'main')).toBe('11');
  }, 60_000);

  it('rolls back a whole environment, then one component, each visible in relx status', async () => {
    const { url } = aGitOpsRepository();
    const r3 = { ...aRelease('2026.11.2', '1.4.2', 'f', '2026.11.1') };
    r3.components = {
      ...r3.components,
      packages: r3.components.packages.map((p) => (p.name === '@acme/core' ? { ...p, version: '1.3.1' } : p)),
    };
    for (const release of [r1, r2, r3]) await promoteEnvironment(context(url, 'dev'), release);

    const back = await rollbackEnvironment(context(url, 'dev', { approvedBy: 'carol' }));
    expect(back).toMatchObject({ status: 'promoted', manifest: '2026.11.1', previous: '2026.11.2' });
    const afterRollback = await readEnvironment({ url }, 'dev');
    expect(afterRollback.status.release).toBe('2026.11.1');
    expect(afterRollback.history[0]?.record).toMatchObject({ rollbackOf: '2026.11.2', approvedBy: 'carol' });

    // forward again, then only the api image goes back; @acme/core stays at 1.3.1
    await promoteEnvironment(context(url, 'dev'), { ...r3, metadata: { ...r3.metadata, name: '2026.11.3' } });
    const one = await rollbackComponent(
      context(url, 'dev'),
      'api',
      undefined,
      new Date('2026-11-25T00:00:00Z'),
    );
    expect(one).toMatchObject({ status: 'promoted', manifest: '2026.11.3-rollback-api-1.4.1' });
    const { status } = await readEnvironment({ url }, 'dev');
    const versions = Object.fromEntries(status.components.map((c) => [c.name, [c.version, c.pin]]));
    expect(versions.api).toEqual(['1.4.1', digestOf('e')]);
    expect(versions['@acme/core']?.[0]).toBe('1.3.1');
    expect(status.manifest?.metadata.previous).toBe('2026.11.3');
  });

  it('refuses bad input with a clear error and leaves the repository untouched', async () => {
    const { remote, url } = aGitOpsRepository();
    const head = remote.git('rev-parse', 'main');
    await expect(promoteEnvironment(context(url, 'qa'), r1)).rejects.toMatchObject({
      field: 'environment',
      fix: expect.stringContaining('dev, staging, prod'),
    });
    await expect(promoteEnvironment(context(url, '../prod'), r1)).rejects.toMatchObject({
      message: 'Unknown environment "../prod".',
    });
    await expect(rollbackComponent(context(url, 'dev'), '../api')).rejects.toMatchObject({
      field: 'component',
    });
    const floating = renderReleaseManifest({
      ...r1,
      components: {
        ...r1.components,
        images: [{ name: 'api', repository: 'ghcr.io/acme/api', tag: 'latest' }],
      },
    });
    expect(() => readManifestForPromotion(floating, 'release.yaml')).toThrow(/api/);
    expect(() => readManifestForPromotion('kind: Nonsense\n', 'release.yaml')).toThrow(
      /does not match its schema/,
    );
    expect(remote.git('rev-parse', 'main')).toBe(head);
  });

  it('runs a rollback once per run: the re-run of a run whose rollback landed changes nothing', async () => {
    const { remote, url } = aGitOpsRepository();
    const r3 = aRelease('2026.11.2', '1.4.2', 'f', '2026.11.1');
    for (const r of [r1, r2, r3]) await promoteEnvironment(context(url, 'dev'), r);
    const run = { run: 'https://github.com/acme/deploy/actions/runs/9' };

    expect(await rollbackEnvironment(context(url, 'dev', run))).toMatchObject({
      status: 'promoted',
      manifest: '2026.11.1',
    });
    const head = remote.git('rev-parse', 'main');
    // the same run again (its job re-run after the push): recognised, not a second rollback to r1
    expect(await rollbackEnvironment(context(url, 'dev', run))).toMatchObject({ status: 'unchanged' });
    expect(remote.git('rev-parse', 'main')).toBe(head);

    // one component, the same way
    await promoteEnvironment(context(url, 'dev'), r3);
    const other = { run: 'https://github.com/acme/deploy/actions/runs/10' };
    expect(await rollbackComponent(context(url, 'dev', other), 'api')).toMatchObject({
      status: 'promoted',
    });
    const after = remote.git('rev-parse', 'main');
    expect(await rollbackComponent(context(url, 'dev', other), 'api')).toMatchObject({ status: 'unchanged' });
    expect(remote.git('rev-parse', 'main')).toBe(after);

    // another run (or none) is another rollback
    expect(await rollbackEnvironment(context(url, 'dev'))).toMatchObject({ status: 'promoted' });
    expect(remote.git('rev-parse', 'main')).not.toBe(after);
  });

  it('promotes a manifest handed over twice once: the second is the one the environment runs', async () => {
    const { remote, url } = aGitOpsRepository();
    await promoteEnvironment(context(url, 'dev'), r1);
    const first = await promoteEnvironment(context(url, 'dev', { run: 'https://x/runs/1' }), r2);
    expect(first).toMatchObject({ status: 'promoted', previous: '2026.11.0' });
    const head = remote.git('rev-parse', 'main');
    // a second dispatch of the same release (the re-run of the release after its dispatch step)
    const second = await promoteEnvironment(context(url, 'dev', { run: 'https://x/runs/2' }), r2);
    expect(second).toMatchObject({ status: 'unchanged', manifest: '2026.11.1', commit: null, files: [] });
    expect(remote.git('rev-parse', 'main')).toBe(head);
  });
});
