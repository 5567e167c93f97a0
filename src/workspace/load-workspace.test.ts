import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
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

  it('loads a dependency cycle: npm takes them, and the plan warns (vitest’s packages peer-depend in a ring)', async () => {
    const root = aFolder({
      'package.json': { name: 'root', private: true, workspaces: ['packages/*'] },
      'packages/a/package.json': pkg('a', { dependencies: { b: '*' } }),
      'packages/b/package.json': pkg('b', { peerDependencies: { c: '*' } }),
      'packages/c/package.json': pkg('c', { dependencies: { a: '*' } }),
    });
    const workspace = await loadWorkspace(root);
    expect(workspace.components.map((c) => c.name)).toEqual(['a', 'b', 'c']);
  });

  it('refuses an explicit config file that does not exist', async () => {
    const root = aFolder({ 'package.json': pkg('solo') });
    await expect(loadWorkspace(root, { configFile: 'nope.yaml' })).rejects.toMatchObject({
      kind: 'input',
      file: 'nope.yaml',
    });
  });
});

describe('monorepos as they are', () => {
  it('plans a vite-shaped repository with exclude: a BOM fixture and duplicate names under excluded folders', async () => {
    const layout = {
      'package.json': { name: '@vitejs/vite-monorepo', private: true },
      'pnpm-workspace.yaml':
        'packages:\n  - "packages/*"\n  - "playground/**"\n  - "packages/**/__tests__/**"\n',
      'packages/vite/package.json': pkg('vite', { version: '8.2.2' }),
      'packages/vite/src/node/__tests__/fixtures/cjs/package.json': pkg('vite'),
      'playground/resolve/utf8-bom-package/package.json': `\uFEFF${JSON.stringify(pkg('@vitejs/test-bom'))}`,
      'playground/alias/package.json': pkg('@vitejs/test-alias', { private: true }),
      'playground/alias/dir/package.json': pkg('@vitejs/test-alias', { private: true }),
    };
    await expect(loadWorkspace(aFolder(layout))).rejects.toMatchObject({
      field: 'name',
      message: expect.stringMatching(/^2 package names are used by more than one/),
      fix: expect.stringContaining('"packages/vite/src/node/__tests__/fixtures/cjs"'),
    });
    const root = aFolder({
      ...layout,
      'relx.config.yaml': 'exclude: ["playground/**", "**/__tests__/**"]\n',
    });
    const { components } = await loadWorkspace(root);
    expect(components.map((c) => [c.name, c.version])).toEqual([['vite', '8.2.2']]);
  });

  it('reads a BOM package.json as a workspace package and as a declared component', async () => {
    const withBom = (value: unknown) => `\uFEFF${JSON.stringify(value, null, 2)}\n`;
    const root = aFolder({
      'package.json': withBom({ name: 'root', workspaces: ['packages/*'] }),
      'packages/core/package.json': withBom(pkg('core', { version: '2.1.0' })),
      'tools/cli/package.json': withBom(pkg('@acme/cli', { version: '0.3.0' })),
      'relx.config.yaml': 'components:\n  - { name: cli, path: tools/cli }\n',
    });
    const { components } = await loadWorkspace(root);
    expect(components.map((c) => [c.name, c.type, c.version])).toEqual([
      ['cli', 'npm-package', '0.3.0'],
      ['core', 'npm-package', '2.1.0'],
    ]);
  });

  it('lists a private package without a version as never released, with why', async () => {
    const root = aFolder({
      'package.json': { name: 'root', workspaces: ['packages/*'] },
      'packages/core/package.json': pkg('core'),
      'packages/playground/package.json': { name: 'playground', private: true, dependencies: { core: '*' } },
      'packages/internal/package.json': pkg('internal', { private: true }),
    });
    const byName = Object.fromEntries((await loadWorkspace(root)).components.map((c) => [c.name, c]));
    expect(byName.playground).toMatchObject({
      version: null,
      notReleased: 'private, no version in its package.json',
    });
    expect(byName.internal?.notReleased).toBeUndefined(); // private with a version: versioned, not published
    expect(byName.core?.notReleased).toBeUndefined();
  });

  it('lists a declared component whose package.json is private without a version as never released', async () => {
    const root = aFolder({
      'tools/demo/package.json': { name: 'demo', private: true },
      'relx.config.yaml': 'components:\n  - { name: demo, path: tools/demo }\n',
    });
    expect((await loadWorkspace(root)).components).toMatchObject([
      {
        name: 'demo',
        type: 'npm-package',
        private: true,
        notReleased: 'private, no version in its package.json',
      },
    ]);
  });

  it('says that discovery is off when it finds nothing with discoverWorkspaces: false', async () => {
    const root = aFolder({ 'package.json': pkg('solo'), 'relx.config.yaml': 'discoverWorkspaces: false\n' });
    await expect(loadWorkspace(root)).rejects.toMatchObject({
      message:
        'No components found: `discoverWorkspaces` is false and relx.config.yaml declares no components.',
    });
  });

  it('refuses a lockstep group naming a package that is never released', async () => {
    const root = aFolder({
      'package.json': { name: 'root', workspaces: ['packages/*'] },
      'packages/core/package.json': pkg('core'),
      'packages/playground/package.json': { name: 'playground', private: true },
      'relx.config.yaml': 'lockstep:\n  - { name: all, components: [core, playground] }\n',
    });
    await expect(loadWorkspace(root)).rejects.toMatchObject({
      field: 'lockstep[0].components[1]',
      message: expect.stringContaining('never released (private, no version'),
    });
  });

  it.each([
    ['lerna.json fixed mode', { 'lerna.json': { packages: ['packages/*'], version: '7.4.0' } }, 'lerna.json'],
    ['nx.json release (fixed by default)', { 'nx.json': { release: { projects: ['*'] } } }, 'nx.json'],
  ])('%s is a lockstep group of the released packages', async (_, tool, group) => {
    const root = aFolder({
      'package.json': { name: 'root', workspaces: ['packages/*'] },
      ...tool,
      'packages/a/package.json': pkg('a', { version: '7.4.0' }),
      'packages/b/package.json': pkg('b', { version: '7.4.0' }),
      'packages/docs/package.json': { name: 'docs', private: true },
    });
    const { config } = await loadWorkspace(root);
    expect(config.lockstep).toEqual([{ name: group, components: ['a', 'b'] }]);
  });

  it('keeps a configured lockstep group and leaves its members out of the inferred one', async () => {
    const root = aFolder({
      'lerna.json': { packages: ['packages/*'], version: '1.0.0' },
      'packages/a/package.json': pkg('a'),
      'packages/b/package.json': pkg('b'),
      'packages/c/package.json': pkg('c'),
      'relx.config.yaml': 'lockstep:\n  - { name: ab, components: [a, b] }\n',
    });
    expect((await loadWorkspace(root)).config.lockstep).toEqual([{ name: 'ab', components: ['a', 'b'] }]);
  });

  it('lists packages outside nx.json release.projects as not released', async () => {
    const root = aFolder({
      'package.json': { name: 'root', workspaces: ['packages/*'] },
      'nx.json': { release: { projects: ['!website'], projectsRelationship: 'independent' } },
      'packages/a/package.json': pkg('a'),
      'packages/website/package.json': pkg('website', { private: true }),
    });
    const { components, config } = await loadWorkspace(root);
    expect(components.map((c) => [c.name, c.notReleased ?? null])).toEqual([
      ['a', null],
      ['website', 'not in nx.json release.projects'],
    ]);
    expect(config.lockstep).toEqual([]);
  });

  it.each([
    [
      'a folder with a package.json',
      { 'tools/cli/package.json': pkg('@acme/cli', { version: '0.9.0' }) },
      'npm-package',
      '0.9.0',
      'tools/cli/package.json',
    ],
    ['a folder without one', { 'tools/cli/main.sh': 'echo\n' }, 'files', null, null],
  ])('a declared component without type in %s is %s', async (_, files, type, version, versionFile) => {
    const root = aFolder({
      ...files,
      'relx.config.yaml': 'components:\n  - { name: cli, path: tools/cli }\n',
    });
    expect((await loadWorkspace(root)).components).toMatchObject([
      { name: 'cli', type, version, versionFile },
    ]);
  });

  it.each([
    [
      'Cargo.toml',
      { 'Cargo.toml': '[workspace]\nmembers = ["crates/*"]\n' },
      /Cargo\.toml \(a crate or `\[workspace\] members`\)/,
    ],
    ['go.work', { 'go.work': 'go 1.22\n' }, /go\.work and go\.mod files/],
    [
      'pom.xml',
      { 'pom.xml': '<project/>\n' },
      /Found pom\.xml \(a Maven project\), which relx does not discover\./,
    ],
    [
      'an empty workspace',
      { 'package.json': { private: true, workspaces: ['packages/*'] } },
      /package\.json workspaces matched no folder/,
    ],
    [
      'everything excluded',
      {
        'package.json': { workspaces: ['packages/*'] },
        'packages/a/package.json': pkg('a'),
        'relx.config.yaml': 'exclude: [packages]\n',
      },
      /`exclude` left out 1 folder\(s\): packages\./,
    ],
  ])('nothing discovered (%s): says what was looked for, and fails', async (_, files, found) => {
    const error = (await loadWorkspace(aFolder(files)).catch((e: unknown) => e)) as RelxError;
    expect(error).toBeInstanceOf(RelxError);
    expect(error.message).toMatch(
      /^No components found\. relx looked for components in relx\.config\.yaml, npm\/yarn `workspaces` in package\.json, pnpm-workspace\.yaml, lerna\.json/,
    );
    expect(error.message).toMatch(found);
    expect(error.fix).toMatch(/Declare what to release under `components:`/);
  });
});

describe('every path stays inside the repository', () => {
  const refusal = async (config: string, files: Record<string, unknown> = {}) => {
    const root = aFolder({
      'services/api/Dockerfile': 'FROM scratch\n',
      'relx.config.yaml': config,
      ...files,
    });
    return (await loadWorkspace(root).catch((e: unknown) => e)) as RelxError;
  };

  it.each([
    ['path', '{ name: ssl, type: files, path: ../../../../etc/ssl }', 'components[0].path'],
    ['an absolute path', '{ name: ssl, type: files, path: /etc/ssl }', 'components[0].path'],
    [
      'one of several paths',
      '{ name: api, type: files, paths: [services/api, "services/../../x"] }',
      'components[0].paths[1]',
    ],
    ['a Windows drive', '{ name: ssl, type: files, path: "C:\\\\Windows" }', 'components[0].path'],
    [
      'an oci-layout folder',
      '{ name: api, type: container-image, path: services/api, publish: { source: "oci-layout:../../x:1" } }',
      'components[0].publish.source',
    ],
  ])('%s leaving it is refused, naming the field', async (_, entry, field) => {
    const error = await refusal(`components:\n  - ${entry}\n`);
    expect(error).toBeInstanceOf(RelxError);
    expect(error).toMatchObject({ kind: 'configuration', file: 'relx.config.yaml', field });
    expect(error.message).toMatch(/inside the repository/);
    expect(error.fix).toMatch(/relative to the repository root, inside it/);
  });

  it('refuses a folder that is a symbolic link out of the repository', async () => {
    const outside = aFolder({ 'cert.pem': 'x\n' });
    const root = aFolder({
      'relx.config.yaml': 'components:\n  - { name: certs, type: files, path: certs }\n',
    });
    symlinkSync(outside, join(root, 'certs'));
    await expect(loadWorkspace(root)).rejects.toMatchObject({
      field: 'components[0].path',
      message: expect.stringContaining('outside the repository'),
    });
  });

  it('accepts a link that stays inside', async () => {
    const root = aFolder({
      'real/x.txt': '',
      'relx.config.yaml': 'components:\n  - { name: x, type: files, path: linked }\n',
    });
    symlinkSync(join(root, 'real'), join(root, 'linked'));
    expect((await loadWorkspace(root)).components[0]?.paths).toEqual(['linked']);
  });

  it.each([
    ['ghcr.io/acme/api\n', false],
    ['ghcr.io/acme/api\nX-Injected: 1', false],
    ['ghcr.io/acme/API', false],
    ['ghcr.io/acme/-api', false],
    ['ghcr.io/acme/a..b', false],
    ['ghcr.io//api', false],
    ['ghcr.io', false],
    ['ghcr.io/acme/api', true],
    ['localhost:5000/team/my_app__x', true],
    ['registry.example.com/a/b-c.d', true],
  ])('image repository %j is a valid OCI repository name: %s', async (repository, valid) => {
    const root = aFolder({
      'services/api/Dockerfile': '',
      'relx.config.yaml': `components:\n  - name: api\n    type: container-image\n    path: services/api\n    publish: { repository: ${JSON.stringify(repository)} }\n`,
    });
    const outcome = await loadWorkspace(root).then(
      () => 'ok',
      (e: RelxError) => e.field,
    );
    expect(outcome).toBe(valid ? 'ok' : 'components[0].publish.repository');
  });
});
