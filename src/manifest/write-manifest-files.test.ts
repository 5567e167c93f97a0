import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { aManifest } from './manifest-builders.js';
import { renderCycloneDxBom } from './cyclonedx-bom.js';
import { renderReleaseManifest, type ReleaseManifest } from './release-manifest.js';
import { readManifestHistory, releaseHistoryContext, writeManifestFiles } from './write-manifest-files.js';

let root: string;
let dir: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'relx-manifest-'));
  dir = join(root, 'releases');
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const manifest = aManifest();

describe('writeManifestFiles', () => {
  it('writes releases/<name>.yaml and its BOM, and returns their paths and the sha256', async () => {
    const result = await writeManifestFiles(manifest, dir);
    const text = readFileSync(join(dir, '1.3.0.yaml'), 'utf8');
    expect(result).toEqual({
      name: '1.3.0',
      path: join(dir, '1.3.0.yaml'),
      sha256: createHash('sha256').update(text).digest('hex'),
      bomPath: join(dir, '1.3.0.cdx.json'),
      written: true,
    });
    expect(text).toBe(renderReleaseManifest(manifest));
    expect(readFileSync(result.bomPath, 'utf8')).toBe(renderCycloneDxBom(manifest));
  });

  it('is a no-op for the same release written again, even at a later time', async () => {
    const first = await writeManifestFiles(manifest, dir);
    const again = { ...manifest, metadata: { ...manifest.metadata, createdAt: '2026-11-21T00:00:00.000Z' } };
    expect(await writeManifestFiles(again, dir)).toEqual({ ...first, written: false });
    expect(readFileSync(first.path, 'utf8')).toBe(renderReleaseManifest(manifest));
  });

  it('completes a missing BOM on a re-run', async () => {
    const first = await writeManifestFiles(manifest, dir);
    rmSync(first.bomPath);
    await writeManifestFiles(manifest, dir);
    expect(readFileSync(first.bomPath, 'utf8')).toBe(renderCycloneDxBom(manifest));
  });

  it('never overwrites a release of the same name with other content', async () => {
    await writeManifestFiles(manifest, dir);
    const other: ReleaseManifest = {
      ...manifest,
      components: { ...manifest.components, images: [{ ...manifest.components.images[0]!, tag: '1.4.3' }] },
    };
    await expect(writeManifestFiles(other, dir)).rejects.toMatchObject({
      kind: 'conflict',
      file: join(dir, '1.3.0.yaml'),
    });
    expect(readFileSync(join(dir, '1.3.0.yaml'), 'utf8')).toBe(renderReleaseManifest(manifest));
  });

  it('writes nothing when the manifest does not validate', async () => {
    const floating: ReleaseManifest = {
      ...manifest,
      components: {
        ...manifest.components,
        images: [{ ...manifest.components.images[0]!, digest: undefined }],
      },
    };
    await expect(writeManifestFiles(floating, dir)).rejects.toMatchObject({
      kind: 'input',
      field: 'components.images[api].digest',
    });
    expect(() => readdirSync(dir)).toThrow(/ENOENT/);
  });

  it('replaces a BOM left without its manifest by a run killed between the two (it belongs to no release)', async () => {
    await writeManifestFiles(aManifest({ metadata: { ...manifest.metadata, name: 'x' } }), dir);
    // the killed run wrote the BOM of the same release at an earlier time
    const earlier = {
      ...manifest,
      metadata: { ...manifest.metadata, createdAt: '2026-11-19T00:00:00.000Z' },
    };
    writeFileSync(join(dir, '1.3.0.cdx.json'), renderCycloneDxBom(earlier));
    const result = await writeManifestFiles(manifest, dir);
    expect(result.written).toBe(true);
    expect(readFileSync(result.bomPath, 'utf8')).toBe(renderCycloneDxBom(manifest));
    expect(readdirSync(dir).sort()).toEqual(['1.3.0.cdx.json', '1.3.0.yaml', 'x.cdx.json', 'x.yaml']);
  });

  it('a partial file left by a kill mid-write is never taken for the manifest', async () => {
    await import('node:fs').then((fs) => fs.mkdirSync(dir, { recursive: true }));
    writeFileSync(join(dir, '1.3.0.yaml.partial'), 'apiVersion: relx');
    const result = await writeManifestFiles(manifest, dir);
    expect(readFileSync(result.path, 'utf8')).toBe(renderReleaseManifest(manifest));
    expect(readdirSync(dir).sort()).toEqual(['1.3.0.cdx.json', '1.3.0.yaml']);
  });
});

describe('readManifestHistory and releaseHistoryContext', () => {
  const at = (name: string, createdAt: string, commit: string) =>
    aManifest({
      metadata: { ...manifest.metadata, name, createdAt, source: { ...manifest.metadata.source, commit } },
    });

  it('reads the manifests oldest first; an absent folder is an empty history', async () => {
    expect(await readManifestHistory(dir)).toEqual([]);
    await writeManifestFiles(at('2026.11.1', '2026-11-20T00:00:00.000Z', 'b'), dir);
    await writeManifestFiles(at('2026.11.0', '2026-11-10T00:00:00.000Z', 'a'), dir);
    expect((await readManifestHistory(dir)).map((m) => m.metadata.name)).toEqual(['2026.11.0', '2026.11.1']);
  });

  it('follows the latest release of another commit, so a re-run of this commit reproduces itself', () => {
    const history = [at('1', '2026-11-10T00:00:00.000Z', 'a'), at('2', '2026-11-20T00:00:00.000Z', 'b')];
    expect(releaseHistoryContext(history, 'c')).toEqual({ previous: history[1], existingNames: ['1', '2'] });
    expect(releaseHistoryContext(history, 'b')).toEqual({ previous: history[0], existingNames: ['1'] });
  });
});
