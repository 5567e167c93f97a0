import { RelxError } from '../relx-error.js';
import { topologicalOrder } from './component-graph.js';
import { loadWorkspace } from './load-workspace.js';
import { aFolder, aPackage as pkg } from './workspace-fixture.js';

describe('discovering components', () => {
  it.each([
    ['npm workspaces', { 'package.json': { name: 'root', workspaces: ['packages/*'] } }],
    [
      'yarn workspaces (object form)',
      { 'package.json': { name: 'root', workspaces: { packages: ['packages/*'] } } },
    ],
    [
      'pnpm workspaces',
      { 'package.json': { name: 'root' }, 'pnpm-workspace.yaml': 'packages:\n  - "packages/*"\n' },
    ],
  ])('%s: names, folders, versions and internal edges of every kind', async (_, layout) => {
    const root = aFolder({
      ...layout,
      'packages/core/package.json': pkg('@acme/core', { private: true }),
      'packages/api/package.json': pkg('@acme/api', {
        dependencies: { '@acme/core': '^1.0.0', lodash: '^4.0.0' },
        devDependencies: { '@acme/testkit': 'workspace:*' },
        peerDependencies: { '@acme/core': '^1.0.0' },
        optionalDependencies: { '@acme/testkit': '*' },
      }),
      'packages/testkit/package.json': pkg('@acme/testkit'),
      'packages/api/node_modules/x/package.json': pkg('x'),
    });
    const { components } = await loadWorkspace(root);
    expect(components.map((c) => [c.name, c.paths, c.version, c.type, c.private])).toEqual([
      ['@acme/api', ['packages/api'], '1.0.0', 'npm-package', false],
      ['@acme/core', ['packages/core'], '1.0.0', 'npm-package', true],
      ['@acme/testkit', ['packages/testkit'], '1.0.0', 'npm-package', false],
    ]);
    expect(components[0]?.dependsOn).toEqual([
      { name: '@acme/core', kind: 'dependencies', range: '^1.0.0' },
      { name: '@acme/testkit', kind: 'devDependencies', range: 'workspace:*' },
      { name: '@acme/core', kind: 'peerDependencies', range: '^1.0.0' },
      { name: '@acme/testkit', kind: 'optionalDependencies', range: '*' },
    ]);
    expect(components[0]?.versionFile).toBe('packages/api/package.json');
  });

  it('refuses a workspace package whose name could reach a shell', async () => {
    const root = aFolder({
      'package.json': { name: 'root', workspaces: ['packages/*'] },
      'packages/evil/package.json': pkg('x; rm -rf ~'),
    });
    await expect(loadWorkspace(root)).rejects.toMatchObject({
      kind: 'configuration',
      field: 'packages/evil/package.json name',
      message: expect.stringContaining('"x; rm -rf ~"'),
    });
  });

  it('follows nested globs and negations', async () => {
    const root = aFolder({
      'package.json': { name: 'root' },
      'pnpm-workspace.yaml': 'packages:\n  - "apps/**"\n  - "libs/*/"\n  - "!libs/internal"\n',
      'apps/web/package.json': pkg('web'),
      'apps/group/admin/package.json': pkg('admin'),
      'libs/ui/package.json': pkg('ui'),
      'libs/internal/package.json': pkg('internal'),
    });
    expect((await loadWorkspace(root)).components.map((c) => c.name)).toEqual(['admin', 'ui', 'web']);
  });

  it('treats a repository without workspaces as one component at the root', async () => {
    const root = aFolder({ 'package.json': pkg('solo') });
    expect((await loadWorkspace(root)).components).toMatchObject([
      { name: 'solo', paths: [''], versionFile: 'package.json' },
    ]);
  });

  it('declares images, charts and CalVer components in the config, with dependsOn', async () => {
    const root = aFolder({
      'package.json': { name: 'root', workspaces: ['packages/*'] },
      'packages/core/package.json': pkg('@acme/core'),
      'services/api/Dockerfile': 'FROM scratch\n',
      'charts/api/Chart.yaml': 'apiVersion: v2\nname: api\nversion: 0.3.1 # chart version\n',
      'site/index.html': '',
      'relx.config.yaml': [
        'components:',
        '  - { name: api-image, type: container-image, path: services/api, dependsOn: ["@acme/core"], tagFormat: "api-v{version}" }',
        '  - { name: api-chart, type: helm-chart, path: charts/api, dependsOn: [api-image] }',
        '  - { name: site, type: files, paths: [site, ./docs-assets/], versioning: calver, calverFormat: YYYY.0M.MICRO }',
        '',
      ].join('\n'),
      'docs-assets/logo.svg': '',
    });
    const { components } = await loadWorkspace(root);
    const byName = Object.fromEntries(components.map((c) => [c.name, c]));
    expect(byName['api-image']).toMatchObject({
      type: 'container-image',
      paths: ['services/api'],
      version: null,
      versionFile: null,
      tagFormat: 'api-v{version}',
      dependsOn: [{ name: '@acme/core', kind: 'dependsOn' }],
    });
    expect(byName['api-chart']).toMatchObject({ version: '0.3.1', versionFile: 'charts/api/Chart.yaml' });
    expect(byName.site).toMatchObject({
      paths: ['site', 'docs-assets'],
      scheme: { kind: 'calver', format: 'YYYY.0M.MICRO' },
    });
    expect(topologicalOrder(components, ['dependsOn'])).toEqual([
      '@acme/core',
      'api-image',
      'api-chart',
      'site',
    ]);
  });

  it('allows a devDependency cycle (it carries no release)', async () => {
    const root = aFolder({
      'package.json': { name: 'root', workspaces: ['packages/*'] },
      'packages/a/package.json': pkg('a', { devDependencies: { b: '*' } }),
      'packages/b/package.json': pkg('b', { dependencies: { a: '*' } }),
    });
    expect((await loadWorkspace(root)).components).toHaveLength(2);
  });
});

describe('refusing a bad config before anything runs', () => {
  const failure = async (config: string, extra: Record<string, unknown> = {}) => {
    const root = aFolder({
      'package.json': { name: 'root', workspaces: ['packages/*'] },
      'packages/core/package.json': pkg('core'),
      'relx.config.yaml': config,
      ...extra,
    });
    const error = await loadWorkspace(root).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(RelxError);
    return error as RelxError;
  };

  it.each([
    ['an unknown key', 'tagFormt: "{name}@{version}"\n', 'tagFormt', /did you mean `tagFormat`/],
    ['an unknown nested key', 'propagation:\n  bumps: same\n', 'propagation.bumps', /did you mean `bump`/],
    [
      'an unknown component type',
      'components:\n  - { name: x, type: docker, path: packages/core }\n',
      'components[0].type',
      /container-image/,
    ],
    ['a bad CalVer format', 'calverFormat: YYYY-MM\n', 'calverFormat', /calverFormat/],
    [
      'dependsOn naming a missing component',
      'components:\n  - { name: core, dependsOn: [cor] }\n',
      'components[0].dependsOn[0]',
      /Did you mean "core"/,
    ],
    [
      'a component without a path',
      'components:\n  - { name: image, type: container-image }\n',
      'components[0]',
      /path:/,
    ],
    [
      'a path that does not exist',
      'components:\n  - { name: image, type: container-image, path: nowhere }\n',
      'components[0].path',
      /relative to the repository root/,
    ],
    [
      'a lockstep member that is not a component',
      'lockstep:\n  - { name: g, components: [core, cor] }\n',
      'lockstep[0].components[1]',
      /Did you mean "core"/,
    ],
    [
      'a component declared twice',
      'components:\n  - { name: img, path: packages/core }\n  - { name: img, path: packages }\n',
      'components[1].name',
      /Merge the two entries/,
    ],
    [
      'two components in the same folder',
      'components:\n  - { name: img, type: container-image, path: ./packages/core/ }\n',
      'components',
      /own folder/,
    ],
    [
      'one of several paths that does not exist',
      'components:\n  - { name: site, paths: [packages, gone] }\n',
      'components[0].paths[1]',
      /"gone"/,
    ],
    ['a YAML syntax error', 'components: [\n  - name: x\n', '', /YAML syntax/],
  ])('%s', async (_, config, field, fix) => {
    const error = await failure(config);
    expect(error.kind).toBe('configuration');
    expect(error.file).toBe('relx.config.yaml');
    if (field) expect(error.field).toBe(field);
    expect(`${error.message} ${error.fix ?? ''}`).toMatch(fix);
  });

  it('reports every problem at once', async () => {
    const error = await failure('tagFormt: x\nversioning: calvar\n');
    expect(error.message).toBe(
      '2 problems:\n  versioning: must be one of "semver", "calver"\n  tagFormt: unknown key `tagFormt`',
    );
    expect(error.fix).toMatch(/semver.*tagFormat/s);
  });

  it('reports a dependency cycle as a path', async () => {
    const error = await failure('{}\n', {
      'packages/a/package.json': pkg('a', { dependencies: { b: '*' } }),
      'packages/b/package.json': pkg('b', { peerDependencies: { c: '*' } }),
      'packages/c/package.json': pkg('c', { dependencies: { a: '*' } }),
    });
    expect(error.message).toBe('Dependency cycle: a → b → c → a.');
    expect(error.fix).toMatch(/devDependency/);
  });

  it('refuses an explicit config file that does not exist', async () => {
    const root = aFolder({ 'package.json': pkg('solo') });
    await expect(loadWorkspace(root, { configFile: 'nope.yaml' })).rejects.toMatchObject({
      kind: 'input',
      file: 'nope.yaml',
    });
  });
});
