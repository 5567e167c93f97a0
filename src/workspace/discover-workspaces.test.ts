import { RelxError } from '../relx-error.js';
import { discoverWorkspaces } from './discover-workspaces.js';
import { aFolder, aPackage } from './workspace-fixture.js';

const folders = async (files: Record<string, unknown>) =>
  (await discoverWorkspaces(aFolder(files))).packages.map((p) => p.path);

describe('discoverWorkspaces', () => {
  it.each([
    ['npm array', { 'package.json': { workspaces: ['libs/*'] } }],
    ['yarn object', { 'package.json': { workspaces: { packages: ['libs/*'] } } }],
    ['pnpm', { 'pnpm-workspace.yaml': 'packages:\n  - libs/*\n' }],
  ])('reads %s workspaces with versions, privacy and declared ranges', async (_, layout) => {
    const { packages } = await discoverWorkspaces(
      aFolder({
        ...layout,
        'libs/a/package.json': aPackage('a', { private: true }),
        'libs/b/package.json': aPackage('b', {
          dependencies: { a: 'workspace:^', react: '^19.0.0' },
          devDependencies: { a: 'workspace:*' },
        }),
        'libs/c/package.json': { name: 'c' },
      }),
    );
    expect(packages).toEqual([
      { name: 'a', path: 'libs/a', version: '1.0.0', private: true, dependsOn: [] },
      {
        name: 'b',
        path: 'libs/b',
        version: '1.0.0',
        private: false,
        dependsOn: [
          { name: 'a', kind: 'dependencies', range: 'workspace:^' },
          { name: 'a', kind: 'devDependencies', range: 'workspace:*' },
        ],
      },
      { name: 'c', path: 'libs/c', version: null, private: false, dependsOn: [] },
    ]);
  });

  it.each([
    [['libs/*'], ['libs/a', 'libs/b']],
    [['libs/*/'], ['libs/a', 'libs/b']],
    [['./libs/a'], ['libs/a']],
    [['libs/*', '!libs/b'], ['libs/a']],
    [['apps/**'], ['apps/deep/er/x', 'apps/web']],
    [['apps/**/x'], ['apps/deep/er/x']],
    [['*/web'], ['apps/web']],
  ])('%j matches %j and never node_modules', async (globs, expected) => {
    const found = await folders({
      'pnpm-workspace.yaml': `packages:\n${globs.map((g) => `  - "${g}"`).join('\n')}\n`,
      'libs/a/package.json': aPackage('a'),
      'libs/b/package.json': aPackage('b'),
      'libs/a/node_modules/dep/package.json': aPackage('dep'),
      'apps/web/package.json': aPackage('web'),
      'apps/deep/er/x/package.json': aPackage('x'),
      'apps/web/node_modules/y/package.json': aPackage('y'),
    });
    expect(found).toEqual(expected);
  });

  it('is the root package alone when there are no workspaces, and nothing without a name', async () => {
    expect(await folders({ 'package.json': aPackage('solo') })).toEqual(['']);
    expect(await folders({ 'package.json': { private: true } })).toEqual([]);
    expect(await folders({})).toEqual([]);
  });

  it('refuses two workspace packages with the same name', async () => {
    const error = await discoverWorkspaces(
      aFolder({
        'package.json': { workspaces: ['libs/*'] },
        'libs/a/package.json': aPackage('same'),
        'libs/b/package.json': aPackage('same'),
      }),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RelxError);
    expect(error).toMatchObject({ kind: 'configuration', file: 'libs/b/package.json', field: 'name' });
  });

  it('refuses a package.json that is not JSON, naming it', async () => {
    await expect(
      discoverWorkspaces(aFolder({ 'package.json': { workspaces: ['libs/*'] }, 'libs/a/package.json': '{' })),
    ).rejects.toMatchObject({ kind: 'configuration', file: 'libs/a/package.json' });
  });
});

const bom = (value: unknown) => `\uFEFF${JSON.stringify(value, null, 2)}\n`;

describe('discovery that real monorepos need', () => {
  it('reads package.json, lerna.json and nx.json with a UTF-8 byte order mark, as npm does', async () => {
    const { packages, lockstep } = await discoverWorkspaces(
      aFolder({
        'package.json': bom({ name: 'root', private: true, workspaces: ['packages/*'] }),
        'lerna.json': bom({ version: '2.0.0' }),
        'packages/a/package.json': bom(aPackage('a')),
        'packages/b/package.json': aPackage('b', { dependencies: { a: '^1.0.0' } }),
      }),
    );
    expect(packages.map((p) => [p.name, p.version, p.dependsOn.length])).toEqual([
      ['a', '1.0.0', 0],
      ['b', '1.0.0', 1],
    ]);
    expect(lockstep).toEqual([{ name: 'lerna.json', components: ['a', 'b'] }]);
  });

  it('leaves out excluded folders without reading them, and says which', async () => {
    const discovery = await discoverWorkspaces(
      aFolder({
        'pnpm-workspace.yaml':
          'packages:\n  - "packages/*"\n  - "playground/**"\n  - "packages/**/__tests__/**"\n',
        'packages/vite/package.json': aPackage('vite'),
        'packages/vite/src/__tests__/fixtures/dep/package.json': aPackage('vite'),
        'playground/alias/package.json': aPackage('@vitejs/test-alias', { private: true }),
        'playground/resolve/bom/package.json': '\uFEFF{ not even JSON',
      }),
      { exclude: ['playground', '**/__tests__/**'] },
    );
    expect(discovery.packages.map((p) => p.path)).toEqual(['packages/vite']);
    expect(discovery.excluded).toEqual(['packages/vite/src/__tests__', 'playground']);
  });

  it('counts the folders of one name used three times (vitest’s test fixtures)', async () => {
    const error = (await discoverWorkspaces(
      aFolder({
        'pnpm-workspace.yaml': 'packages:\n  - "test/**"\n',
        'test/dts/a/package.json': aPackage('dts'),
        'test/dts/b/package.json': aPackage('dts'),
        'test/dts/c/package.json': aPackage('dts'),
      }),
    ).catch((e: unknown) => e)) as RelxError;
    expect(error.message).toBe(
      '3 workspace packages are named dts: "test/dts/a" and "test/dts/b" and "test/dts/c".',
    );
    expect(error.fix).toContain('exclude: ["test/dts/b", "test/dts/c"]');
  });

  it('reports every name used twice with both folders, and the exclude that fixes it', async () => {
    const error = (await discoverWorkspaces(
      aFolder({
        'pnpm-workspace.yaml': 'packages:\n  - "packages/**"\n',
        'packages/vite/package.json': aPackage('vite'),
        'packages/vite/test/fixtures/a/package.json': aPackage('vite'),
        'packages/lib/package.json': aPackage('dep'),
        'packages/lib/test/dep/package.json': aPackage('dep'),
      }),
    ).catch((e: unknown) => e)) as RelxError;
    expect(error).toBeInstanceOf(RelxError);
    expect(error.message).toBe(
      '2 package names are used by more than one workspace package:\n' +
        '  dep: "packages/lib" and "packages/lib/test/dep"\n' +
        '  vite: "packages/vite" and "packages/vite/test/fixtures/a"',
    );
    expect(error.fix).toContain('exclude: ["packages/lib/test/dep", "packages/vite/test/fixtures/a"]');
  });

  it.each([
    [
      'lerna.json packages, no workspaces',
      { 'lerna.json': { packages: ['modules/*'], version: 'independent' } },
      [],
    ],
    [
      'lerna.json packages win over workspaces',
      {
        'package.json': { workspaces: ['packages/*'] },
        'lerna.json': { packages: ['modules/*'], version: '3.1.0' },
      },
      [{ name: 'lerna.json', components: ['a', 'b'] }],
    ],
  ])('%s', async (_, layout, lockstep) => {
    const discovery = await discoverWorkspaces(
      aFolder({
        ...layout,
        'modules/a/package.json': aPackage('a'),
        'modules/b/package.json': aPackage('b'),
        'packages/other/package.json': aPackage('other'),
      }),
    );
    expect(discovery.packages.map((p) => p.name)).toEqual(['a', 'b']);
    expect(discovery.source).toBe('lerna.json packages');
    expect(discovery.lockstep).toEqual(lockstep);
  });

  it('reads packages/* for a lerna.json without packages or workspaces, as lerna does', async () => {
    const discovery = await discoverWorkspaces(
      aFolder({ 'lerna.json': { version: '1.0.0' }, 'packages/a/package.json': aPackage('a') }),
    );
    expect(discovery.packages.map((p) => p.path)).toEqual(['packages/a']);
  });

  const nxRepository = (release: unknown) =>
    aFolder({
      'package.json': { name: 'repo', workspaces: ['packages/*'] },
      'nx.json': { release },
      'packages/parser/package.json': aPackage('@ts/parser', { nx: { name: 'parser' } }),
      'packages/utils/package.json': aPackage('@ts/utils', { nx: { tags: ['lib'] } }),
      'packages/website/package.json': { name: 'website', private: true },
      'packages/website-eslint/package.json': {
        name: '@ts/website-eslint',
        private: true,
        nx: { name: 'website-eslint' },
      },
    });

  it.each([
    [
      'exclusions only, fixed by default (typescript-eslint)',
      { projects: ['!website*'] },
      [{ name: 'nx.json', components: ['@ts/parser', '@ts/utils'] }],
      { website: 'not in nx.json release.projects', '@ts/website-eslint': 'not in nx.json release.projects' },
    ],
    [
      'independent, one project by name and one by tag',
      { projects: ['parser', 'tag:lib'], projectsRelationship: 'independent' },
      [],
      { website: 'not in nx.json release.projects', '@ts/website-eslint': 'not in nx.json release.projects' },
    ],
    [
      'a folder glob, fixed',
      { projects: 'packages/website*', projectsRelationship: 'fixed' },
      [{ name: 'nx.json', components: ['website', '@ts/website-eslint'] }],
      { '@ts/parser': 'not in nx.json release.projects', '@ts/utils': 'not in nx.json release.projects' },
    ],
    [
      'release groups',
      {
        groups: {
          libs: { projects: ['@ts/*'] },
          site: { projects: ['website'], projectsRelationship: 'independent' },
        },
      },
      [{ name: 'nx.json/libs', components: ['@ts/parser', '@ts/utils', '@ts/website-eslint'] }],
      {},
    ],
  ])('nx.json release: %s', async (_, release, lockstep, notReleased) => {
    const discovery = await discoverWorkspaces(nxRepository(release));
    expect(discovery.lockstep).toEqual(lockstep);
    expect(Object.fromEntries(discovery.notReleased)).toEqual(notReleased);
  });

  it('ignores nx.json without release settings (Nx runs tasks, something else releases)', async () => {
    const discovery = await discoverWorkspaces(
      aFolder({
        'package.json': { workspaces: ['packages/*'] },
        'nx.json': { targetDefaults: {} },
        'packages/a/package.json': aPackage('a'),
      }),
    );
    expect(discovery).toMatchObject({ lockstep: [], notReleased: new Map() });
  });
});
