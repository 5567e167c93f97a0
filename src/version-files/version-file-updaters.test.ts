import { RelxError } from '../relx-error.js';
import { updateDependencyRange } from './dependency-range.js';
import { updaterNameForFile, versionFileUpdater } from './version-file-updaters.js';

const update = (name: string, content: string, change: object, file = 'some/file') =>
  versionFileUpdater(name)(content, change, file);

describe('package.json', () => {
  const original = [
    '{',
    '    "name": "@acme/api",',
    '    "version": "0.4.1",',
    '    "config": { "version": "keep-me" },',
    '    "dependencies": { "@acme/core": "^1.2.0", "left-pad": "^1.0.0" },',
    '    "devDependencies": {',
    '        "@acme/testkit": "workspace:*"',
    '    },',
    '    "peerDependencies": { "@acme/core": ">=1.2.0" },',
    '    "optionalDependencies": { "@acme/core": "1.2.0" }',
    '}',
  ].join('\r\n');

  it('changes only the values: indentation, key order, CRLF and no final newline are kept', () => {
    const out = update('package-json', original, {
      version: '0.4.2',
      dependencies: { '@acme/core': '1.3.0', '@acme/testkit': '2.0.0' },
    });
    expect(out).toBe(
      original
        .replace('"version": "0.4.1"', '"version": "0.4.2"')
        .replace('"@acme/core": "^1.2.0"', '"@acme/core": "^1.3.0"')
        .replace('"@acme/core": ">=1.2.0"', '"@acme/core": ">=1.3.0"')
        .replace('"@acme/core": "1.2.0"', '"@acme/core": "1.3.0"'),
    );
    expect(out).toContain('"version": "keep-me"');
  });

  it('is idempotent: already at the target, the bytes are unchanged', () => {
    const once = update('package-json', original, {
      version: '0.4.2',
      dependencies: { '@acme/core': '1.3.0' },
    });
    expect(update('package-json', once, { version: '0.4.2', dependencies: { '@acme/core': '1.3.0' } })).toBe(
      once,
    );
  });

  it('names the file and the field when there is no version', () => {
    expect(() =>
      update('package-json', '{"name":"x"}\n', { version: '1.0.0' }, 'packages/x/package.json'),
    ).toThrow(expect.objectContaining({ file: 'packages/x/package.json', field: 'version' }));
  });
});

describe('dependency ranges keep their style', () => {
  it.each([
    ['^1.2.0', '1.3.0', '^1.3.0'],
    ['~1.2.0', '1.2.1', '~1.2.1'],
    ['1.2.0', '1.3.0', '1.3.0'],
    ['>=1.2.0', '2.0.0', '>=2.0.0'],
    ['workspace:*', '2.0.0', 'workspace:*'],
    ['workspace:^', '2.0.0', 'workspace:^'],
    ['workspace:~', '2.0.0', 'workspace:~'],
    ['workspace:^1.2.0', '1.3.0', 'workspace:^1.3.0'],
    ['1.x', '1.3.0', '1.x'],
    ['1.x', '2.0.0', '^2.0.0'],
    ['*', '9.0.0', '*'],
  ])('%s with %s → %s', (range, version, expected) => {
    expect(updateDependencyRange(range, version)).toBe(expected);
  });
});

describe('package-lock.json', () => {
  const lock = `${JSON.stringify(
    {
      name: 'root',
      lockfileVersion: 3,
      requires: true,
      packages: {
        '': { name: 'root', workspaces: ['packages/*'] },
        'node_modules/@acme/core': { resolved: 'packages/core', link: true },
        'packages/api': { name: '@acme/api', version: '0.4.1', dependencies: { '@acme/core': '^1.2.0' } },
        'packages/core': { name: '@acme/core', version: '1.2.0' },
      },
    },
    null,
    2,
  )}\n`;

  it('updates the workspace entries and their internal ranges', () => {
    const out = update('package-lock', lock, {
      workspaceVersions: { 'packages/core': '1.3.0', 'packages/api': '0.4.2' },
      workspaceDependencies: { 'packages/api': { '@acme/core': '1.3.0' } },
    });
    const parsed = JSON.parse(out) as {
      packages: Record<string, { version?: string; dependencies?: Record<string, string> }>;
    };
    expect(parsed.packages['packages/core']?.version).toBe('1.3.0');
    expect(parsed.packages['packages/api']).toMatchObject({
      version: '0.4.2',
      dependencies: { '@acme/core': '^1.3.0' },
    });
    expect(out.split('\n').length).toBe(lock.split('\n').length);
  });
});

describe('Chart.yaml', () => {
  const chart = [
    '# the API chart',
    'apiVersion: v2',
    'name: api',
    'version: 0.3.1   # chart version, managed by relx',
    "appVersion: '1.4.0'",
    'dependencies:',
    '  - name: redis',
    '    version: 17.0.0',
    '',
  ].join('\n');

  it('sets version and appVersion, keeping comments, quotes and nested versions', () => {
    expect(update('chart-yaml', chart, { version: '0.4.0', appVersion: '1.5.0' })).toBe(
      chart
        .replace('version: 0.3.1 ', 'version: 0.4.0 ')
        .replace("appVersion: '1.4.0'", "appVersion: '1.5.0'"),
    );
  });

  it('is idempotent and names a missing field', () => {
    expect(update('chart-yaml', chart, { version: '0.3.1' })).toBe(chart);
    expect(() => update('chart-yaml', 'name: x\n', { appVersion: '1.0.0' }, 'charts/x/Chart.yaml')).toThrow(
      expect.objectContaining({ field: 'appVersion', file: 'charts/x/Chart.yaml' }),
    );
  });
});

describe('TOML', () => {
  it.each([
    [
      'pyproject-toml',
      '[build-system]\nrequires = ["hatchling"]\n\n[project]\nname = "acme"\nversion = "0.1.0"  # x\n',
    ],
    ['pyproject-toml', '[tool.poetry]\nname = "acme"\nversion = \'0.1.0\'\n'],
    [
      'cargo-toml',
      '[package]\r\nname = "acme"\r\nversion = "0.1.0"\r\n\r\n[dependencies]\r\nserde = { version = "1.0.0" }\r\n',
    ],
    ['cargo-toml', '[workspace.package]\nversion = "0.1.0"\n'],
  ])('%s: only the version line of the right table changes', (name, content) => {
    const out = update(name, content, { version: '0.2.0' });
    expect(out).toBe(content.replace('0.1.0', '0.2.0'));
    expect(update(name, out, { version: '0.2.0' })).toBe(out);
  });

  it('names the table when the version is missing', () => {
    expect(() =>
      update('cargo-toml', '[dependencies]\nversion = "1.0.0"\n', { version: '1.0.0' }, 'Cargo.toml'),
    ).toThrow(/\[package\]/);
  });
});

describe('marked lines and structured paths', () => {
  it('replaces the version on lines marked x-relx-version, anywhere', () => {
    const content =
      'VERSION = "1.2.3"  # x-relx-version\nOTHER = "9.9.9"\n<version>1.2.3</version><!-- x-relx-version -->\n';
    expect(update('marker-line', content, { version: '1.3.0-rc.1' })).toBe(
      'VERSION = "1.3.0-rc.1"  # x-relx-version\nOTHER = "9.9.9"\n<version>1.3.0-rc.1</version><!-- x-relx-version -->\n',
    );
    expect(() => update('marker-line', 'nothing\n', { version: '1.0.0' })).toThrow(/x-relx-version/);
  });

  it.each([
    [
      'values.yaml',
      'image:\n  repository: ghcr.io/acme/api\n  tag: "1.2.0" # pinned\n',
      'image.tag',
      'image:\n  repository: ghcr.io/acme/api\n  tag: "1.3.0" # pinned\n',
    ],
    [
      'versions.yml',
      'spec:\n  versions:\n    - 1.2.0\n    - 1.1.0\n',
      'spec.versions[0]',
      'spec:\n  versions:\n    - 1.3.0\n    - 1.1.0\n',
    ],
    ['meta.json', '{\n\t"image": {"tag": "1.2.0"}\n}', 'image.tag', '{\n\t"image": {"tag": "1.3.0"}\n}'],
  ])('%s at %s', (file, content, path, expected) => {
    expect(update('structured-path', content, { version: '1.3.0', path }, file)).toBe(expected);
  });

  it('refuses an unknown updater, listing the known ones', () => {
    expect(() => versionFileUpdater('gradle')).toThrow(RelxError);
    expect(() => versionFileUpdater('gradle')).toThrow(
      expect.objectContaining({ fix: expect.stringContaining('package-json') }),
    );
  });

  it.each([
    ['packages/a/package.json', 'package-json'],
    ['Chart.yaml', 'chart-yaml'],
    ['py/pyproject.toml', 'pyproject-toml'],
    ['Cargo.toml', 'cargo-toml'],
    ['src/version.py', 'marker-line'],
  ])('%s → %s', (file, name) => expect(updaterNameForFile(file)).toBe(name));
});

describe('Cargo.toml dependents', () => {
  it('follows an internal crate in every form Cargo writes, and leaves path-only and other crates alone', () => {
    const original = [
      '[package]',
      'name = "cli"',
      'version = "0.4.0"',
      '',
      '[dependencies]',
      'core = { path = "../core", version = "1.2.0" }',
      '"quoted" = "1.2.0"',
      'pathonly = { path = "../pathonly" }',
      'serde = "1"',
      '',
      "[target.'cfg(unix)'.dev-dependencies]",
      'core = "~1.2.0"',
      '',
      '[dependencies.table]',
      'path = "../table"',
      'version = "=1.2.0" # pinned',
      '',
    ].join('\n');
    const out = update('cargo-toml', original, {
      version: '0.4.1',
      dependencies: { core: '1.3.0', quoted: '1.3.0', pathonly: '1.3.0', table: '1.3.0' },
    });
    expect(out).toBe(
      original
        .replace('version = "0.4.0"', 'version = "0.4.1"')
        .replace('version = "1.2.0" }', 'version = "1.3.0" }')
        .replace('"quoted" = "1.2.0"', '"quoted" = "1.3.0"')
        .replace('core = "~1.2.0"', 'core = "~1.3.0"')
        .replace('version = "=1.2.0" # pinned', 'version = "=1.3.0" # pinned'),
    );
  });
});

describe('pyproject.toml dependents', () => {
  it('moves the lower bound or pin of a PEP 508 requirement, by normalized name, keeping extras, markers and upper bounds', () => {
    const original = [
      '[project]',
      'name = "cli"',
      'version = "2.0.0"',
      'dependencies = ["Orion.Client[fast] >=1.0.0, <2 ; python_version >= \'3.9\'", "click>=8"]',
      '',
      '[project.optional-dependencies]',
      'extra = [',
      '  "orion-core==1.0.0",',
      ']',
      '',
      '[tool.poetry.dependencies]',
      'orion-core = "^1.0.0"',
      '',
    ].join('\n');
    const out = update('pyproject-toml', original, {
      dependencies: { 'orion-client': '1.1.0', orion_core: '1.0.1' },
    });
    expect(out).toBe(
      original
        .replace('>=1.0.0, <2', '>=1.1.0, <2')
        .replace('"orion-core==1.0.0"', '"orion-core==1.0.1"')
        .replace('orion-core = "^1.0.0"', 'orion-core = "^1.0.1"'),
    );
  });
});

describe('go.mod', () => {
  const original = [
    'module example.test/orion.git/cli',
    '',
    'go 1.19',
    '',
    'require example.test/orion.git/sdk/go v1.2.0',
    '',
    'require (',
    '\texample.test/orion.git/sdk/go/extra v0.1.0 // indirect',
    '\tgolang.org/x/mod v0.12.0',
    ')',
    '',
  ].join('\n');

  it('sets the required versions of internal modules (Go form, no build metadata) and the module path', () => {
    const out = update(
      'go-mod',
      original,
      {
        version: '9.9.9',
        modulePath: 'example.test/orion.git/cli/v2',
        dependencies: {
          'example.test/orion.git/sdk/go': '1.3.0+sha.abc',
          'example.test/orion.git/sdk/go/extra': '0.2.0',
        },
      },
      'cli/go.mod',
    );
    expect(out).toBe(
      original
        .replace('module example.test/orion.git/cli', 'module example.test/orion.git/cli/v2')
        .replace('sdk/go v1.2.0', 'sdk/go v1.3.0')
        .replace('extra v0.1.0', 'extra v0.2.0'),
    );
  });

  it('refuses a go.mod without a module line, naming the file', () => {
    expect(() => update('go-mod', 'go 1.19\n', { version: '1.0.0' }, 'sdk/go.mod')).toThrow(
      expect.objectContaining({ file: 'sdk/go.mod', field: 'module' }),
    );
  });
});

describe('json-path and yaml-path', () => {
  it('edit the configured path whatever the file is called', () => {
    expect(update('json-path', '{"a": {"v": "1.0.0"}}', { version: '1.1.0', path: 'a.v' }, 'meta.lock')).toBe(
      '{"a": {"v": "1.1.0"}}',
    );
    expect(
      update('yaml-path', 'a:\n  - v: 1.0.0 # here\n', { version: '1.1.0', path: 'a[0].v' }, 'values.txt'),
    ).toBe('a:\n  - v: 1.1.0 # here\n');
  });
});
