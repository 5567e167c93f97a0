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
