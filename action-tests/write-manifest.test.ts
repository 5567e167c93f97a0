import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GitRepo } from '../test/git-repo.js';
import { aChart, anImage, aPackage, aPublishedList, digestOf } from '../src/manifest/manifest-builders.js';
import { parseReleaseManifest } from '../src/manifest/release-manifest.js';
import { runAction } from './run-action.js';

describe('write-manifest, run as the runner runs it', () => {
  let workspace: string;
  beforeEach(() => {
    workspace = mkdtempSync(join(tmpdir(), 'relx-write-manifest-'));
  });
  afterEach(() => rmSync(workspace, { recursive: true, force: true }));

  it('writes the manifest and its BOM, sets the outputs, and a re-run writes nothing new', async () => {
    const published = JSON.stringify(
      aPublishedList([
        aPackage('@acme/core', '1.0.0'),
        anImage('api', '1.0.0'),
        aChart('api-chart', '0.1.0'),
      ]),
    );
    const run = await runAction('write-manifest', { workspace, inputs: { published } });
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    const text = readFileSync(join(workspace, 'releases', '1.0.0.yaml'), 'utf8');
    expect(run.outputs).toEqual({
      name: '1.0.0',
      path: join('releases', '1.0.0.yaml'),
      sha256: createHash('sha256').update(text).digest('hex'),
      'bom-path': join('releases', '1.0.0.cdx.json'),
    });
    expect(parseReleaseManifest(text, 'x').components.images).toEqual([
      { name: 'api', repository: 'ghcr.io/acme/api', tag: '1.0.0', digest: digestOf('b') },
    ]);
    expect(JSON.parse(readFileSync(join(workspace, 'releases', '1.0.0.cdx.json'), 'utf8'))).toMatchObject({
      bomFormat: 'CycloneDX',
      specVersion: '1.6',
    });
    expect(run.summary).toContain('## Release manifest 1.0.0');

    const again = await runAction('write-manifest', { workspace, inputs: { published } });
    expect(again.exitCode).toBe(0);
    expect(again.outputs.sha256).toBe(run.outputs.sha256);
    expect(again.summary).toContain('already written');
    expect(readdirSync(join(workspace, 'releases'))).toEqual(['1.0.0.cdx.json', '1.0.0.yaml']);
  });

  it('commits the two files when asked', async () => {
    const repo = GitRepo.create();
    const published = join(repo.dir, 'published.json');
    writeFileSync(published, JSON.stringify(aPublishedList([aPackage('@acme/core', '1.0.0')])));
    const run = await runAction('write-manifest', {
      workspace: repo.dir,
      inputs: { 'published-file': 'published.json', naming: 'calver', commit: 'true' },
    });
    expect(run.exitCode).toBe(0);
    expect(run.outputs.name).toMatch(/^\d{4}\.\d{1,2}\.0$/);
    expect(repo.git('log', '-1', '--format=%s')).toBe(`chore(release): manifest ${run.outputs.name}`);
    expect(repo.git('show', '--name-only', '--format=', 'HEAD').split('\n').sort()).toEqual([
      run.outputs['bom-path'],
      run.outputs.path,
    ]);
  });

  it('fails naming the component when an image floats, and writes nothing', async () => {
    const published = JSON.stringify(aPublishedList([anImage('api', '1.0.0', { digest: undefined })]));
    const run = await runAction('write-manifest', { workspace, inputs: { published } });
    expect(run.exitCode).not.toBe(0);
    expect(run.stdout).toContain('::error::components.images[api].digest: Component api is not pinned');
    expect(readdirSync(workspace)).toEqual([]);
  });

  it('fails naming the field when the published list has another schema', async () => {
    const run = await runAction('write-manifest', {
      workspace,
      inputs: { published: JSON.stringify({ schemaVersion: 1, kind: 'PublishedList', items: [] }) },
    });
    expect(run.exitCode).not.toBe(0);
    expect(run.stdout).toContain('::error::input `published`: source:');
    expect(readdirSync(workspace)).toEqual([]);
  });
});
