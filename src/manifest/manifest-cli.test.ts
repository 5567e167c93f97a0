import { jest } from '@jest/globals';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../cli/main.js';
import { aManifest, anImage, aPackage, aPublishedList, digestOf } from './manifest-builders.js';
import { parseReleaseManifest, renderReleaseManifest, type ReleaseManifest } from './release-manifest.js';

let root: string;
let dir: string;
let out: string;
let err: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'relx-manifest-cli-'));
  dir = join(root, 'releases');
  out = '';
  err = '';
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((out += String(chunk)), true));
  jest
    .spyOn(console, 'error')
    .mockImplementation((...args: unknown[]) => void (err += `${args.join(' ')}\n`));
});
afterEach(() => {
  jest.restoreAllMocks();
  rmSync(root, { recursive: true, force: true });
});

const file = (name: string, content: unknown) => {
  const path = join(root, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
};
const withCommit = (list: ReturnType<typeof aPublishedList>, commit: string) => ({
  ...list,
  source: { ...list.source, commit },
});

describe('relx manifest', () => {
  it('writes the first release, then the next with unchanged components carried over', async () => {
    const first = file(
      'first.json',
      withCommit(aPublishedList([aPackage('@acme/core', '1.0.0'), anImage('api', '1.0.0')]), 'a'),
    );
    expect(
      await runCli(['manifest', '--published', first, '--dir', dir, '--now', '2026-11-01T00:00:00Z']),
    ).toBe(0);
    expect(out).toMatch(
      /^Wrote release 1\.0\.0: .*1\.0\.0\.yaml \(sha256 [0-9a-f]{64}\) and .*1\.0\.0\.cdx\.json\n$/,
    );

    const second = file(
      'second.json',
      withCommit(aPublishedList([anImage('api', '1.1.0', { digest: digestOf('e') })]), 'b'),
    );
    out = '';
    expect(
      await runCli([
        'manifest',
        '--published',
        second,
        '--dir',
        dir,
        '--now',
        '2026-11-02T00:00:00Z',
        '--json',
      ]),
    ).toBe(0);
    expect(JSON.parse(out)).toMatchObject({ name: '1.1.0', path: join(dir, '1.1.0.yaml'), written: true });
    const manifest = parseReleaseManifest(readFileSync(join(dir, '1.1.0.yaml'), 'utf8'), '1.1.0.yaml');
    expect(manifest.metadata.previous).toBe('1.0.0');
    expect(manifest.components.packages.map((p) => `${p.name}@${p.version}`)).toEqual(['@acme/core@1.0.0']);
    expect(manifest.components.images.map((i) => `${i.name}@${i.tag}`)).toEqual(['api@1.1.0']);

    // A re-run of the same commit finds the same release: nothing new is written.
    out = '';
    expect(
      await runCli(['manifest', '--published', second, '--dir', dir, '--now', '2026-11-03T00:00:00Z']),
    ).toBe(0);
    expect(out).toMatch(/^Release 1\.1\.0 is already written with this content/);
    expect(readdirSync(dir).sort()).toEqual(['1.0.0.cdx.json', '1.0.0.yaml', '1.1.0.cdx.json', '1.1.0.yaml']);
  });

  it('names by CalVer, sequence or a given name', async () => {
    const published = file('p.json', aPublishedList([aPackage('@acme/core', '1.0.0')]));
    const now = ['--now', '2026-11-24T00:00:00Z'];
    expect(
      await runCli([
        'manifest',
        '--published',
        published,
        '--dir',
        join(root, 'c'),
        '--naming',
        'calver',
        ...now,
      ]),
    ).toBe(0);
    expect(
      await runCli([
        'manifest',
        '--published',
        published,
        '--dir',
        join(root, 's'),
        '--naming',
        'sequence',
        ...now,
      ]),
    ).toBe(0);
    expect(
      await runCli([
        'manifest',
        '--published',
        published,
        '--dir',
        join(root, 'n'),
        '--name',
        'launch',
        ...now,
      ]),
    ).toBe(0);
    expect([
      readdirSync(join(root, 'c')),
      readdirSync(join(root, 's')),
      readdirSync(join(root, 'n')),
    ]).toEqual([
      ['2026.11.0.cdx.json', '2026.11.0.yaml'],
      ['1.cdx.json', '1.yaml'],
      ['launch.cdx.json', 'launch.yaml'],
    ]);
  });

  it('prints the manifest on --dry-run and writes nothing', async () => {
    const published = file('p.json', aPublishedList([aPackage('@acme/core', '1.0.0')]));
    expect(
      await runCli([
        'manifest',
        '--published',
        published,
        '--dir',
        dir,
        '--dry-run',
        '--now',
        '2026-11-24T00:00:00Z',
      ]),
    ).toBe(0);
    expect(out).toMatch(/^apiVersion: relx\.dev\/v1\nkind: ReleaseManifest\n/);
    expect(existsSync(dir)).toBe(false);
  });

  it.each([
    [
      'a published list of another schema',
      { ...aPublishedList([]), schemaVersion: 2 },
      /published\.json: schemaVersion: .*schemaVersion 2/,
      78,
    ],
    [
      'a published item missing its kind',
      aPublishedList([{ ...aPackage('a', '1.0.0'), kind: undefined as never }]),
      /items\[0\]\.kind/,
      78,
    ],
    [
      'an unsafe component name',
      aPublishedList([aPackage('x; rm -rf ~', '1.0.0')]),
      /items\[0\]\.component/,
      78,
    ],
    [
      'an image without a digest',
      aPublishedList([anImage('api', '1.0.0', { digest: undefined })]),
      /components\.images\[api\]\.digest: Component api is not pinned/,
      2,
    ],
    [
      'a package at latest',
      aPublishedList([aPackage('@acme/core', 'latest')]),
      /components\.packages\[@acme\/core\]\.version/,
      2,
    ],
  ])('refuses %s, naming the field, and writes nothing', async (_case, list, message, code) => {
    const published = file('published.json', list);
    // 78 when the error names the file it is in (exit-codes.ts), else 2
    expect(await runCli(['manifest', '--published', published, '--dir', dir])).toBe(code);
    expect(err).toMatch(message);
    expect(existsSync(dir)).toBe(false);
  });

  it('refuses a previous manifest that fails its schema, naming the field', async () => {
    const published = file('p.json', aPublishedList([aPackage('@acme/core', '1.0.0')]));
    const previous = file(
      'prev.yaml',
      renderReleaseManifest(aManifest()).replace('kind: helm-chart', 'kind: ansible'),
    );
    expect(await runCli(['manifest', '--published', published, '--previous', previous, '--dir', dir])).toBe(
      78,
    );
    expect(err).toMatch(/prev\.yaml: components\.infrastructure\[0\]\.kind: /);
    expect(existsSync(dir)).toBe(false);
  });

  it('refuses a release that satisfies no compatibility row, listing the rows', async () => {
    const published = file(
      'p.json',
      aPublishedList([aPackage('@acme/core', '2.0.0'), anImage('api', '1.4.0')]),
    );
    const rows = file(
      'compat.yaml',
      '- {"@acme/core": 1.x, api: ">=1.4.0 <2.0.0"}\n- {"@acme/core": 2.x, api: ">=2.0.0"}\n',
    );
    expect(await runCli(['manifest', '--published', published, '--compatibility', rows, '--dir', dir])).toBe(
      2,
    );
    expect(err).toContain('compatibility: The release satisfies none of the 2 compatibility rows:');
    expect(err).toContain('row 1 {@acme/core: 1.x, api: >=1.4.0 <2.0.0}: @acme/core 2.0.0 is not in 1.x');
    expect(err).toContain('row 2 {@acme/core: 2.x, api: >=2.0.0}: api 1.4.0 is not in >=2.0.0');
    expect(existsSync(dir)).toBe(false);
  });
});

describe('relx diff', () => {
  const before = aManifest();
  const after: ReleaseManifest = aManifest({
    metadata: { ...before.metadata, name: '1.4.0', previous: '1.3.0' },
    components: {
      packages: [{ ...before.components.packages[0]!, version: '1.4.0' }],
      images: [
        { ...before.components.images[0]!, tag: '1.5.0' },
        { name: 'worker', repository: 'ghcr.io/acme/worker', tag: '0.1.0', digest: digestOf('f') },
      ],
      infrastructure: before.components.infrastructure,
    },
  });

  it('shows changed, added and removed components between two releases by name', async () => {
    writeFileSync(join(root, '1.3.0.yaml'), renderReleaseManifest(before));
    writeFileSync(join(root, '1.4.0.yaml'), renderReleaseManifest(after));
    expect(await runCli(['diff', '1.3.0', '1.4.0', '--dir', root])).toBe(0);
    expect(out).toBe(
      [
        '1.3.0 → 1.4.0',
        '',
        'Changed (2):',
        '  @acme/core  1.3.0 → 1.4.0  package',
        '  api         1.4.2 → 1.5.0  image',
        '',
        'Added (1):',
        '  worker  0.1.0  image',
        '',
        'Removed (1):',
        '  @acme/sdk  2.1.4  package',
        '',
        'Unchanged: 1',
        '',
      ].join('\n'),
    );
  });

  it("adds each change's changelog entries from the source repository given by --cwd", async () => {
    const repo = join(root, 'source');
    const put = (path: string, text: string) => {
      mkdirSync(join(repo, path, '..'), { recursive: true });
      writeFileSync(join(repo, path), text);
    };
    put('package.json', JSON.stringify({ name: 'platform', private: true, workspaces: ['packages/*'] }));
    put('packages/core/package.json', JSON.stringify({ name: '@acme/core', version: '1.4.0' }));
    put(
      'packages/core/CHANGELOG.md',
      '# Changelog\n\n# [1.4.0](https://github.com/acme/platform/compare/a...b) (2026-11-24)\n\n### Features\n\n' +
        '* **core:** retries with backoff ([3a41039](https://github.com/acme/platform/commit/3a41039))\n\n' +
        '## 1.3.0 (2026-11-01)\n\n### Features\n\n* already released before\n',
    );
    const a = file('a.yaml', renderReleaseManifest(before));
    const b = file('b.yaml', renderReleaseManifest(after));
    expect(await runCli(['diff', a, b, '--cwd', repo])).toBe(0);
    expect(out).toContain(
      '  @acme/core  1.3.0 → 1.4.0  package\n      1.4.0: Features: core: retries with backoff\n  api',
    );
    expect(out).not.toContain('already released before');
    out = '';
    expect(await runCli(['diff', a, b, '--cwd', repo, '--no-changelog'])).toBe(0);
    expect(out).not.toContain('retries with backoff');
  });

  it('prints JSON with --json, from file paths', async () => {
    const a = file('a.yaml', renderReleaseManifest(before));
    const b = file('b.yaml', renderReleaseManifest(after));
    expect(await runCli(['diff', a, b, '--json'])).toBe(0);
    expect(JSON.parse(out)).toMatchObject({
      from: '1.3.0',
      to: '1.4.0',
      changed: [{ name: '@acme/core' }, { name: 'api' }],
      added: [{ name: 'worker' }],
      removed: [{ name: '@acme/sdk' }],
      unchanged: 1,
    });
  });

  it('refuses a manifest that fails its schema, naming the field', async () => {
    const a = file('a.yaml', renderReleaseManifest(before));
    const b = file(
      'b.yaml',
      renderReleaseManifest(after).replace('apiVersion: relx.dev/v1', 'apiVersion: v0'),
    );
    expect(await runCli(['diff', a, b])).toBe(78);
    expect(err).toMatch(/b\.yaml: apiVersion: The release manifest does not match its schema/);
  });
});
