import { jest } from '@jest/globals';
import { writeFileSync } from 'node:fs';
import { runCli } from '../cli/main.js';
import { join } from 'node:path';
import { startVerdaccio, type RunningVerdaccio } from '../../test/npm-registry/verdaccio-fixture.js';
import { FlakyProxy, startRegistry, type RunningRegistry } from '../../test/oci/registry-fixture.js';
import { aReleasedRepository } from '../../test/publish/sample-release.js';
import type { GitRepo } from '../../test/git-repo.js';
import { parsePublishedList } from '../manifest/published-list.js';
import { loadWorkspace } from '../workspace/load-workspace.js';
import { publishRelease, type PublishReleaseOptions } from './publish-release.js';
import { renderPublishSummary } from './render-publish-summary.js';
import { releasedAtCommit } from './released-components.js';

let npm: RunningVerdaccio;
let oci: RunningRegistry;
beforeAll(async () => {
  [npm, oci] = await Promise.all([startVerdaccio(), startRegistry()]);
}, 60_000);
afterAll(async () => {
  await Promise.all([npm?.stop(), oci?.stop()]);
});

async function options(
  repo: GitRepo,
  extra: Partial<PublishReleaseOptions> = {},
): Promise<PublishReleaseOptions> {
  const { components } = await loadWorkspace(repo.dir);
  return {
    root: repo.dir,
    components,
    released: await releasedAtCommit(repo.dir, components, repo.head()),
    commit: repo.head(),
    repository: 'acme/platform',
    runUrl: null,
    npm: { registry: npm.url, token: npm.token, provenance: false },
    oci: { credentials: {} },
    dryRun: false,
    ...extra,
  };
}

const versionsOn = async (name: string) => {
  const response = await fetch(`${npm.url}${name.replace('/', '%2f')}`);
  if (response.status === 404) return {};
  return ((await response.json()) as { versions: Record<string, { dist: { integrity: string } }> }).versions;
};

describe('publishing a release', () => {
  it('relx publish --dry-run checks every target and publishes nothing', async () => {
    const repo = aReleasedRepository(oci.host);
    let out = '';
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((out += String(chunk)), true));
    jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    process.env.NPM_TOKEN = npm.token;
    try {
      const code = await runCli([
        'publish',
        '--dry-run',
        '--cwd',
        repo.dir,
        '--npm-registry',
        npm.url,
        '--repository',
        'acme/platform',
      ]);
      expect(code).toBe(0);
      expect(
        out
          .split('\n')
          .filter(Boolean)
          .map((l) => l.split(/\s+/)[0]),
      ).toEqual(Array(5).fill('planned'));
      expect(out).toContain(`planned       oci://${oci.host}/charts/api:0.1.0`);
      expect(await versionsOn('@acme/core')).toEqual({});
    } finally {
      delete process.env.NPM_TOKEN;
      jest.restoreAllMocks();
    }
  }, 60_000);
  it('publishes packages in dependency order, promotes the image by digest, pushes the chart; a re-run skips everything', async () => {
    const repo = aReleasedRepository(oci.host);
    const first = await publishRelease(await options(repo));
    expect(first.failure).toBeNull();
    expect(first.outcomes.map((o) => `${o.component} ${o.outcome}`)).toEqual([
      '@acme/core published',
      '@acme/utils published',
      '@acme/client published',
      'api published',
      'api-chart published',
    ]);
    expect(parsePublishedList(JSON.stringify(first.list), 'published')).toEqual(first.list);
    const core = first.list.items.find((i) => i.component === '@acme/core');
    expect((await versionsOn('@acme/core'))['1.2.0']?.dist.integrity).toBe(core?.integrity);
    const image = first.list.items.find((i) => i.component === 'api');
    expect(image).toMatchObject({
      kind: 'container-image',
      reference: `${oci.host}/acme/api:1.2.0`,
      digest: expect.stringMatching(/^sha256:/),
    });
    expect(first.list.items.find((i) => i.component === 'api-chart')).toMatchObject({
      kind: 'helm-chart',
      reference: `oci://${oci.host}/charts/api:0.1.0`,
    });

    const again = await publishRelease(await options(repo));
    expect(again.outcomes.map((o) => o.outcome)).toEqual(Array(5).fill('skipped'));
    expect(again.list.items.map((i) => [i.component, i.digest ?? i.integrity])).toEqual(
      first.list.items.map((i) => [i.component, i.digest ?? i.integrity]),
    );
    expect(Object.keys(await versionsOn('@acme/core'))).toEqual(['1.2.0']);
  }, 120_000);

  it('refuses a version that is published with other content, and publishes nothing', async () => {
    const repo = aReleasedRepository(oci.host);
    // same versions as the first test, different content
    writeFileSync(join(repo.dir, 'packages', 'utils', 'index.js'), 'module.exports = "changed";\n');
    const result = publishRelease(await options(repo));
    await expect(result).rejects.toMatchObject({
      kind: 'conflict',
      message: expect.stringContaining('Nothing was published'),
    });
    await expect(result).rejects.toMatchObject({
      message: expect.stringContaining('@acme/utils@2.0.0 is already on'),
    });
  }, 120_000);

  describe('when the npm registry misbehaves', () => {
    let proxy: FlakyProxy;
    beforeEach(async () => {
      proxy = await new FlakyProxy(npm.url.replace(/^http:\/\//, '').replace(/\/$/, '')).start();
    });
    afterEach(() => proxy.stop());
    const throughProxy = async (repo: GitRepo) =>
      options(repo, { npm: { registry: `http://${proxy.host}/`, token: npm.token, provenance: false } });

    it('a credential the registry echoes in a 4xx body never reaches the job summary', async () => {
      const repo = aReleasedRepository(oci.host, 'echo');
      proxy.refuseNextPutsEchoingCredentials(1);
      const result = await publishRelease(await throughProxy(repo));
      expect(result.outcomes[0]).toMatchObject({ outcome: 'failed', error: expect.stringContaining('403') });
      const summary = renderPublishSummary(result, false);
      expect(summary).toContain('may not publish');
      expect(summary).not.toContain(npm.token);
      expect(JSON.stringify(result)).not.toContain(npm.token);
    }, 120_000);

    it('retries a registry that answers 503 twice, and publishes each package once', async () => {
      const repo = aReleasedRepository(oci.host, 'flaky');
      proxy.failNext(2);
      const result = await publishRelease(await throughProxy(repo));
      expect(result.failure).toBeNull();
      expect(result.outcomes.map((o) => o.outcome)).toEqual(Array(5).fill('published'));
      for (const name of ['@flaky/core', '@flaky/utils', '@flaky/client'])
        expect(Object.keys(await versionsOn(name))).toHaveLength(1);
    }, 120_000);

    it('reports exactly what was published when the registry dies part-way, and a re-run completes the rest', async () => {
      const repo = aReleasedRepository(oci.host, 'dying');
      proxy.dieAfterPuts(1); // @dying/core lands, then the registry is gone
      const first = await publishRelease(await throughProxy(repo));
      expect(first.outcomes.map((o) => `${o.component} ${o.outcome}`)).toEqual([
        '@dying/core published',
        '@dying/utils failed',
        '@dying/client not attempted',
        'api not attempted',
        'api-chart not attempted',
      ]);
      expect(first.failure).toMatchObject({ kind: 'transient', fix: expect.stringContaining('Re-run') });
      expect(first.outcomes[1]?.error).toMatch(/@dying\/utils/);
      expect(first.list.items.map((i) => i.component)).toEqual(['@dying/core']);
      expect(Object.keys(await versionsOn('@dying/utils'))).toEqual([]);

      proxy.revive();
      const again = await publishRelease(await throughProxy(repo));
      expect(again.failure).toBeNull();
      expect(again.outcomes.map((o) => `${o.component} ${o.outcome}`)).toEqual([
        '@dying/core skipped',
        '@dying/utils published',
        '@dying/client published',
        'api published',
        'api-chart published',
      ]);
      const core = again.list.items.find((i) => i.component === '@dying/core');
      expect(core?.integrity).toBe(first.list.items[0]?.integrity);
      expect(Object.keys(await versionsOn('@dying/core'))).toEqual(['1.2.0']);
    }, 120_000);
  });
});
