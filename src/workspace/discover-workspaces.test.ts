import { RelxError } from '../relx-error.js';
import { discoverWorkspaces } from './discover-workspaces.js';
import { aFolder, aPackage } from './workspace-fixture.js';

const folders = async (files: Record<string, unknown>) =>
  (await discoverWorkspaces(aFolder(files))).map((p) => p.path);

describe('discoverWorkspaces', () => {
  it.each([
    ['npm array', { 'package.json': { workspaces: ['libs/*'] } }],
    ['yarn object', { 'package.json': { workspaces: { packages: ['libs/*'] } } }],
    ['pnpm', { 'pnpm-workspace.yaml': 'packages:\n  - libs/*\n' }],
  ])('reads %s workspaces with versions, privacy and declared ranges', async (_, layout) => {
    const packages = await discoverWorkspaces(
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
