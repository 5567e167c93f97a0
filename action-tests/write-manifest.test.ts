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

  it('pushes the manifest commit; a re-run from the original checkout sees it and writes no second release', async () => {
    const origin = GitRepo.create({ bare: true });
    const first = GitRepo.create();
    first.commit('chore(release): core 1.0.0', {
      'published.json': JSON.stringify(aPublishedList([aPackage('@acme/core', '1.0.0')])),
    });
    first.git('remote', 'add', 'origin', origin.dir);
    first.git('push', '-q', 'origin', 'main');
    const started = first.head();
    const inputs = { 'published-file': 'published.json', naming: 'sequence', commit: 'true', push: 'true' };
    const run = await runAction('write-manifest', { workspace: first.dir, inputs });
    expect(run.exitCode).toBe(0);
    expect(origin.git('log', '-1', '--format=%s', 'main')).toBe(
      `chore(release): manifest ${run.outputs.name}`,
    );

    // someone else pushes meanwhile; then the workflow is re-run from the commit it started at
    const other = GitRepo.create();
    other.git('remote', 'add', 'origin', origin.dir);
    other.git('fetch', '-q', 'origin', 'main');
    other.git('reset', '-q', '--hard', 'FETCH_HEAD');
    other.commit('docs: unrelated', { 'NOTES.md': 'x\n' });
    other.git('push', '-q', 'origin', 'HEAD:main');
    const rerun = GitRepo.create();
    rerun.git('remote', 'add', 'origin', origin.dir);
    rerun.git('fetch', '-q', 'origin', 'main');
    rerun.git('reset', '-q', '--hard', started);
    const again = await runAction('write-manifest', { workspace: rerun.dir, inputs });
    expect(again.exitCode).toBe(0);
    expect(again.outputs.name).toBe(run.outputs.name);
    expect(again.summary).toContain('already written');
    expect(origin.git('log', '--format=%s', 'main').split('\n')).toEqual([
      'docs: unrelated',
      `chore(release): manifest ${run.outputs.name}`,
      'chore(release): core 1.0.0',
    ]);
  });

  it('fast-forwards past a push made after its checkout, keeping both', async () => {
    const origin = GitRepo.create({ bare: true });
    const repo = GitRepo.create();
    repo.commit('chore(release): core 1.0.0', {
      'published.json': JSON.stringify(aPublishedList([aPackage('@acme/core', '1.0.0')])),
    });
    repo.git('remote', 'add', 'origin', origin.dir);
    repo.git('push', '-q', 'origin', 'main');
    // the remote moves after our checkout; the fetch before writing fast-forwards past it
    const other = GitRepo.create();
    other.git('remote', 'add', 'origin', origin.dir);
    other.git('fetch', '-q', 'origin', 'main');
    other.git('reset', '-q', '--hard', 'FETCH_HEAD');
    other.commit('fix: meanwhile', { 'OTHER.md': 'y\n' });
    other.git('push', '-q', 'origin', 'HEAD:main');
    const run = await runAction('write-manifest', {
      workspace: repo.dir,
      inputs: { 'published-file': 'published.json', naming: 'sequence', commit: 'true', push: 'true' },
    });
    expect(run.exitCode).toBe(0);
    expect(origin.git('log', '--format=%s', 'main').split('\n').slice(0, 2)).toEqual([
      `chore(release): manifest ${run.outputs.name}`,
      'fix: meanwhile',
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

  it('killed after writing and before its commit: the re-run commits the files it finds', async () => {
    const repo = GitRepo.create();
    repo.commit('chore: start', { 'README.md': 'x\n' });
    const published = JSON.stringify(aPublishedList([aPackage('@acme/core', '1.0.0')]));
    // what the killed run left: the two files, no commit
    await runAction('write-manifest', { workspace: repo.dir, inputs: { published } });
    expect(repo.git('log', '--format=%s')).toBe('chore: start');
    const rerun = await runAction('write-manifest', {
      workspace: repo.dir,
      inputs: { published, commit: 'true' },
    });
    expect(rerun.exitCode).toBe(0);
    expect(repo.git('log', '-1', '--format=%s')).toBe('chore(release): manifest 1.0.0');
    expect(repo.git('status', '--porcelain')).toBe('');
  });

  it('says when the previous release cannot be read, instead of calling this one the first', async () => {
    const first = JSON.stringify(aPublishedList([aPackage('@acme/core', '1.0.0')]));
    await runAction('write-manifest', { workspace, inputs: { published: first } });
    // the previous manifest is kept under another file name than its release's
    const releases = join(workspace, 'releases');
    writeFileSync(join(releases, 'kept.yaml'), readFileSync(join(releases, '1.0.0.yaml')));
    rmSync(join(releases, '1.0.0.yaml'));
    rmSync(join(releases, '1.0.0.cdx.json'));
    const list = aPublishedList([aPackage('@acme/core', '1.1.0')]);
    const next = JSON.stringify({ ...list, source: { ...list.source, commit: 'b'.repeat(40) } });
    const run = await runAction('write-manifest', { workspace, inputs: { published: next } });
    expect(run.exitCode).toBe(0);
    expect(run.summary).not.toContain('The first release.');
    expect(run.summary).toMatch(/Follows 1\.0\.0, whose manifest could not be read/);
  });
});
