import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getOctokit } from '@actions/github';
import { GitHubApiServer } from '../github-api/github-api-server.js';
import { GitRepo } from '../git-repo.js';
import { assembleManifest } from '../../src/manifest/assemble-manifest.js';
import { renderCycloneDxBom } from '../../src/manifest/cyclonedx-bom.js';
import { parsePublishedList } from '../../src/manifest/published-list.js';
import { parseReleaseManifest, renderReleaseManifest } from '../../src/manifest/release-manifest.js';
import { validateManifest } from '../../src/manifest/validate-manifest.js';
import { publishRelease } from '../../src/publish/publish-release.js';
import { loadWorkspace } from '../../src/workspace/load-workspace.js';
import type { GitHubRequest } from '../../src/github/github-request.js';
import { collectReleaseAssets, renderChecksums } from '../../src/release-assets/release-assets.js';
import { uploadReleaseAssets } from '../../src/release-assets/upload-release-assets.js';

let server: GitHubApiServer;
beforeEach(async () => {
  server = await GitHubApiServer.start();
});
afterEach(() => server.close());

const request = () =>
  getOctokit('ghs_test', { baseUrl: server.url, request: { retries: 0 } })
    .request as unknown as GitHubRequest;
const target = { owner: 'acme', repo: 'orion', tag: 'cli@1.9.0' };

/** What CI built: the CLI for three platforms, in dist/. */
function aBuild(): string {
  const root = mkdtempSync(join(tmpdir(), 'relx-assets-'));
  mkdirSync(join(root, 'dist'));
  for (const platform of ['linux-amd64', 'darwin-arm64', 'windows-amd64.exe']) {
    writeFileSync(join(root, 'dist', `orion-${platform}`), `binary for ${platform}\n`);
  }
  writeFileSync(join(root, 'dist', 'build.log'), 'not an asset\n');
  return root;
}

async function aRelease(): Promise<void> {
  await request()('POST /repos/{owner}/{repo}/releases', {
    ...target,
    tag_name: target.tag,
    name: 'cli 1.9.0',
  });
}

describe('release assets on a GitHub Release', () => {
  it('uploads the built files and a checksums.txt that `sha256sum -c` accepts', async () => {
    const root = aBuild();
    await aRelease();
    const assets = await collectReleaseAssets(root, ['dist/orion-*']);
    const uploaded = await uploadReleaseAssets(request(), target, assets);
    expect(server.violations).toEqual([]);
    expect(uploaded.map((a) => [a.name, a.uploaded])).toEqual([
      ['checksums.txt', true],
      ['orion-darwin-arm64', true],
      ['orion-linux-amd64', true],
      ['orion-windows-amd64.exe', true],
    ]);
    const checksums = server.requests.find((r) => r.query.name === 'checksums.txt')?.body as Buffer;
    expect(checksums.toString()).toBe(renderChecksums(assets));
    writeFileSync(join(root, 'dist', 'checksums.txt'), checksums);
    const check = execFileSync('sha256sum', ['-c', 'checksums.txt'], {
      cwd: join(root, 'dist'),
      encoding: 'utf8',
    });
    expect(check.trim().split('\n')).toEqual([
      'orion-darwin-arm64: OK',
      'orion-linux-amd64: OK',
      'orion-windows-amd64.exe: OK',
    ]);
    for (const asset of uploaded) {
      expect(asset.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(asset.url).toBe(`https://github.com/acme/orion/releases/download/cli@1.9.0/${asset.name}`);
    }
  });

  it('uploads nothing new on a re-run', async () => {
    const root = aBuild();
    await aRelease();
    await uploadReleaseAssets(request(), target, await collectReleaseAssets(root, ['dist/orion-*']));
    const before = server.requests.length;
    const again = await uploadReleaseAssets(
      request(),
      target,
      await collectReleaseAssets(root, ['dist/orion-*']),
    );
    expect(again.every((a) => !a.uploaded)).toBe(true);
    expect(server.requests.slice(before).map((r) => r.method)).toEqual(['GET']);
  });

  it('refuses an asset of the same name with other content, and uploads nothing', async () => {
    const root = aBuild();
    await aRelease();
    await uploadReleaseAssets(request(), target, await collectReleaseAssets(root, ['dist/orion-linux-*']));
    writeFileSync(join(root, 'dist', 'orion-linux-amd64'), 'a different build\n');
    const before = server.requests.length;
    await expect(
      uploadReleaseAssets(request(), target, await collectReleaseAssets(root, ['dist/orion-*'])),
    ).rejects.toMatchObject({
      kind: 'conflict',
      message: expect.stringMatching(
        /orion-linux-amd64 is on release cli@1\.9\.0 with sha256:[0-9a-f]{64}, not sha256:/,
      ),
    });
    expect(server.requests.slice(before).map((r) => r.method)).toEqual(['GET']);
  });

  it('refuses globs that match nothing, naming the field', async () => {
    await expect(collectReleaseAssets(aBuild(), ['out/*'])).rejects.toMatchObject({
      kind: 'configuration',
      field: 'assets',
    });
  });
});

describe('a release-assets component, published and pinned', () => {
  it('goes on its GitHub Release, into the published list, the manifest and the BOM by sha256; a re-run uploads nothing', async () => {
    const repo = GitRepo.create();
    repo.commit('chore: cli', {
      'relx.config.yaml':
        'components:\n  - { name: cli, type: release-assets, path: cli, version: 1.9.0, assets: ["dist/orion-*"] }\n',
      'cli/main.go': 'package main\n',
      '.gitignore': 'dist/\n',
    });
    repo.tag('cli@1.9.0');
    mkdirSync(join(repo.dir, 'dist'));
    for (const platform of ['linux-amd64', 'darwin-arm64', 'windows-amd64.exe']) {
      writeFileSync(join(repo.dir, 'dist', `orion-${platform}`), `binary for ${platform}\n`);
    }
    await aRelease();
    const { components } = await loadWorkspace(repo.dir);
    const publish = () =>
      publishRelease({
        root: repo.dir,
        components,
        released: new Map([['cli', '1.9.0']]),
        commit: repo.head(),
        repository: 'acme/orion',
        runUrl: null,
        npm: { registry: 'http://127.0.0.1:9/', provenance: false },
        oci: { credentials: {} },
        github: request(),
        dryRun: false,
      });
    const first = await publish();
    expect(first.failure).toBeNull();
    expect(server.violations).toEqual([]);
    const [item] = parsePublishedList(JSON.stringify(first.list), 'published.json').items;
    expect(item).toMatchObject({
      component: 'cli',
      kind: 'release-assets',
      reference: 'cli@1.9.0',
      skipped: false,
    });
    expect(item?.assets?.map((a) => a.name)).toEqual([
      'checksums.txt',
      'orion-darwin-arm64',
      'orion-linux-amd64',
      'orion-windows-amd64.exe',
    ]);

    const uploads = server.requests.filter((r) => r.method === 'POST' && r.query.name).length;
    const again = await publish();
    expect(again.outcomes.map((o) => o.outcome)).toEqual(['skipped']);
    expect(server.requests.filter((r) => r.method === 'POST' && r.query.name).length).toBe(uploads);
    expect(again.list.items[0]?.assets).toEqual(item?.assets);

    const manifest = assembleManifest({
      published: first.list,
      previous: null,
      naming: { scheme: 'semver' },
      clock: { now: () => new Date('2026-12-01T12:00:00Z') },
    });
    expect(() => validateManifest(manifest)).not.toThrow();
    expect(manifest.components.assets?.[0]).toMatchObject({
      name: 'cli',
      release: 'cli@1.9.0',
      checksums: item?.digest,
      files: [
        { name: 'orion-darwin-arm64', digest: expect.stringMatching(/^sha256:/) },
        { name: 'orion-linux-amd64', digest: expect.stringMatching(/^sha256:/) },
        { name: 'orion-windows-amd64.exe', digest: expect.stringMatching(/^sha256:/) },
      ],
    });
    const text = renderReleaseManifest(manifest);
    expect(renderReleaseManifest(parseReleaseManifest(text, 'release.yaml'))).toBe(text);
    const bom = JSON.parse(renderCycloneDxBom(manifest)) as {
      components: Array<{ type: string; name: string; hashes: Array<{ alg: string; content: string }> }>;
    };
    expect(bom.components.map((c) => [c.type, c.name, c.hashes[0]?.alg])).toEqual([
      ['file', 'orion-darwin-arm64', 'SHA-256'],
      ['file', 'orion-linux-amd64', 'SHA-256'],
      ['file', 'orion-windows-amd64.exe', 'SHA-256'],
    ]);
  });
});
