import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GitRepo } from '../../test/git-repo.js';
import { applyReleasePlan } from '../release/apply-release-plan.js';
import { planRepositoryRelease } from '../release-plan/plan-repository-release.js';
import { loadWorkspace } from '../workspace/load-workspace.js';

const now = new Date('2026-12-01T12:00:00Z');
const apply = (repo: GitRepo, plan: Parameters<typeof applyReleasePlan>[1]) =>
  applyReleasePlan(repo.dir, plan, { dryRun: false, push: null, publisher: null, repositoryUrl: null, now });
const planOf = async (repo: GitRepo) => (await planRepositoryRelease(repo.dir, { now })).plan;
const read = (repo: GitRepo, path: string) => readFileSync(join(repo.dir, path), 'utf8');

const config = `components:
  - name: engine
    type: files
    path: engine
    versionFiles:
      - { file: engine/pyproject.toml }
      - { file: engine/version.py }
      - { file: engine/meta.json, updater: json-path, path: build.version }
      - { file: engine/values.yaml, updater: yaml-path, path: image.tag }
  - name: tools
    type: files
    path: tools
    versionFiles:
      - { file: tools/VERSION.txt, updater: marker-line }
`;

/** A repository whose components declare their version files in relx.config.yaml, tagged, then a feature. */
function aRepo(extra: Record<string, string> = {}): GitRepo {
  const repo = GitRepo.create();
  repo.commit('chore: start', {
    'relx.config.yaml': config,
    'engine/pyproject.toml':
      '# the engine\n[project]\nname = "engine"\nversion = "1.2.0"  # bumped by relx\ndependencies = ["requests>=2"]\n',
    'engine/version.py': '__version__ = "1.2.0"  # x-relx-version\n',
    'engine/meta.json': '{\n  "build": { "version": "1.2.0", "by": "ci" }\n}\n',
    'engine/values.yaml': 'image:\n  repository: ghcr.io/acme/engine\n  tag: "1.2.0" # pinned\n',
    'tools/VERSION.txt': 'tools 0.3.0 x-relx-version\n',
    ...extra,
  });
  repo.tag('engine@1.2.0').tag('tools@0.3.0');
  repo.commit('feat(engine): faster', { 'engine/run.py': 'print(1)\n', 'tools/run.sh': 'echo\n' });
  return repo;
}

describe('version files declared in relx.config.yaml', () => {
  it('reads each component version from its first file and bumps every file with its updater', async () => {
    const repo = aRepo();
    const workspace = await loadWorkspace(repo.dir);
    expect(workspace.components.map((c) => [c.name, c.version])).toEqual([
      ['engine', '1.2.0'],
      ['tools', '0.3.0'],
    ]);
    const result = await apply(repo, await planOf(repo));
    expect(result.files).toEqual(
      expect.arrayContaining([
        'engine/meta.json',
        'engine/pyproject.toml',
        'engine/values.yaml',
        'engine/version.py',
        'tools/VERSION.txt',
      ]),
    );
    expect(read(repo, 'engine/pyproject.toml')).toBe(
      '# the engine\n[project]\nname = "engine"\nversion = "1.3.0"  # bumped by relx\ndependencies = ["requests>=2"]\n',
    );
    expect(read(repo, 'engine/version.py')).toBe('__version__ = "1.3.0"  # x-relx-version\n');
    expect(read(repo, 'engine/meta.json')).toBe('{\n  "build": { "version": "1.3.0", "by": "ci" }\n}\n');
    expect(read(repo, 'engine/values.yaml')).toBe(
      'image:\n  repository: ghcr.io/acme/engine\n  tag: "1.3.0" # pinned\n',
    );
    expect(read(repo, 'tools/VERSION.txt')).toBe('tools 0.4.0 x-relx-version\n');
    expect(repo.git('tag', '--list').split('\n').sort()).toEqual(
      expect.arrayContaining(['engine@1.3.0', 'tools@0.4.0']),
    );
  });

  it('refuses a declared file that is missing, naming it and the fix, before anything is written', async () => {
    const repo = aRepo();
    repo.git('rm', '-q', 'engine/meta.json');
    repo.commit('chore: drop meta');
    const head = repo.head();
    await expect(loadWorkspace(repo.dir)).rejects.toMatchObject({
      kind: 'configuration',
      field: 'components[0].versionFiles[2]',
      message: expect.stringContaining('engine/meta.json does not exist'),
      fix: expect.stringContaining('correct or remove this entry of versionFiles'),
    });
    expect(repo.head()).toBe(head);
    expect(repo.git('status', '--porcelain')).toBe('');
    expect(read(repo, 'engine/pyproject.toml')).toContain('version = "1.2.0"');
  });

  it.each([
    ['engine/values.yaml', 'image:\n  repository: x\n', 'image.tag'],
    ['engine/version.py', 'VERSION = "1.2.0"\n', 'x-relx-version'],
    ['engine/pyproject.toml', '[project]\nname = "engine"\n', 'project.version'],
  ])('refuses %s without a version where its updater looks', async (file, content, hint) => {
    const repo = aRepo({ [file]: content });
    const error = await loadWorkspace(repo.dir).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'configuration', file });
    expect(JSON.stringify(error)).toContain(hint);
  });

  it('lists the known updaters for an unknown one', async () => {
    const repo = aRepo({
      'relx.config.yaml': config.replace('updater: marker-line', 'updater: marker-lines'),
    });
    await expect(loadWorkspace(repo.dir)).rejects.toMatchObject({
      field: 'components[1].versionFiles[0].updater',
      fix: expect.stringMatching(/Did you mean "marker-line"\?.*package-json, .*go-mod/),
    });
  });

  it('refuses a version file outside the repository', async () => {
    const repo = aRepo({
      'relx.config.yaml': config.replace('tools/VERSION.txt', '../VERSION.txt'),
    });
    await expect(loadWorkspace(repo.dir)).rejects.toMatchObject({
      message: expect.stringContaining('must stay inside the repository'),
    });
  });

  it('refuses a version file that disappears before the release is applied, writing nothing', async () => {
    const repo = aRepo();
    const plan = await planOf(repo);
    repo.git('rm', '-q', 'engine/meta.json');
    repo.commit('chore: drop meta');
    const stale = { ...plan, head: repo.head() };
    await expect(apply(repo, stale)).rejects.toMatchObject({ kind: 'configuration' });
    expect(read(repo, 'engine/pyproject.toml')).toContain('version = "1.2.0"');
    expect(repo.git('tag', '--list')).not.toContain('engine@1.3.0');
  });
});

describe('a chart that tracks an image', () => {
  it('follows the image as appVersion even when the chart itself is not released (propagation none)', async () => {
    const repo = GitRepo.create();
    repo.commit('chore: start', {
      'relx.config.yaml':
        'propagation: { bump: none }\ncomponents:\n  - { name: api, type: container-image, path: api, version: 1.4.0 }\n  - { name: api-chart, type: helm-chart, path: chart, dependsOn: [api] }\n',
      'api/Dockerfile': 'FROM scratch\n',
      'chart/Chart.yaml': 'apiVersion: v2\nname: api\nversion: 0.3.0\nappVersion: "1.4.0"\n',
    });
    repo.tag('api@1.4.0').tag('api-chart@0.3.0');
    repo.commit('feat(api): limits', { 'api/limits.txt': 'x\n' });
    await apply(repo, await planOf(repo));
    expect(read(repo, 'chart/Chart.yaml')).toBe(
      'apiVersion: v2\nname: api\nversion: 0.3.0\nappVersion: "1.5.0"\n',
    );
  });
});
