import {
  aChart,
  aClock,
  aManifest,
  anImage,
  aPackage,
  aPublishedList,
  digestOf,
  integrityOf,
} from './manifest-builders.js';
import { assembleManifest, parseImageReference } from './assemble-manifest.js';
import type { ReleaseNaming } from './release-naming.js';

describe('assembleManifest: every component, every time', () => {
  const previous = aManifest(); // core 1.3.0, sdk 2.1.4, api 1.4.2, api-chart 0.7.0; name 1.3.0

  it('carries over the components not published now, and takes the published ones', () => {
    const manifest = assembleManifest({
      published: aPublishedList([
        aPackage('@acme/core', '1.4.0', { integrity: integrityOf('f') }),
        anImage('worker', '0.1.0'),
      ]),
      previous,
      naming: { scheme: 'semver' },
      clock: aClock(),
    });
    expect(manifest.components).toEqual({
      packages: [
        {
          name: '@acme/core',
          version: '1.4.0',
          registry: 'https://registry.npmjs.org/',
          integrity: integrityOf('f'),
        },
        previous.components.packages[1],
      ],
      images: [
        previous.components.images[0],
        { name: 'worker', repository: 'ghcr.io/acme/worker', tag: '0.1.0', digest: digestOf('b') },
      ],
      infrastructure: previous.components.infrastructure,
    });
    expect(manifest.metadata).toEqual({
      name: '1.4.0',
      createdAt: '2026-11-24T15:00:00.000Z',
      source: {
        repository: 'acme/platform',
        commit: '0123456789abcdef0123456789abcdef01234567',
        runUrl: 'https://github.com/acme/platform/actions/runs/42',
      },
      previous: '1.3.0',
    });
  });

  it('writes a first manifest from the published list alone', () => {
    const manifest = assembleManifest({
      published: aPublishedList([aChart('api-chart', '0.1.0'), aPackage('@acme/core', '1.0.0')]),
      previous: null,
      naming: { scheme: 'semver' },
      clock: aClock(),
    });
    expect(manifest.metadata.previous).toBeNull();
    expect(manifest.metadata.name).toBe('1.0.0');
    expect(manifest.components.infrastructure).toEqual([
      {
        name: 'api-chart',
        kind: 'helm-chart',
        reference: 'oci://ghcr.io/acme/charts/api-chart:0.1.0',
        version: '0.1.0',
        digest: digestOf('c'),
      },
    ]);
  });

  it('carries the compatibility rows over unless new ones are given', () => {
    const rows = [{ api: '1.x' }];
    const published = aPublishedList([]);
    const withRows = aManifest({ compatibility: rows });
    expect(
      assembleManifest({ published, previous: withRows, naming: { scheme: 'semver' }, clock: aClock() })
        .compatibility,
    ).toEqual(rows);
    expect(
      assembleManifest({
        published,
        previous: withRows,
        naming: { scheme: 'name', name: 'x' },
        clock: aClock(),
        compatibility: [],
      }).compatibility,
    ).toEqual([]);
  });
});

describe('assembleManifest: naming', () => {
  const previous = aManifest();
  const name = (
    naming: ReleaseNaming,
    items = [aPackage('@acme/core', '1.3.1')],
    options: { previousName?: string | null; existingNames?: string[]; now?: string } = {},
  ) =>
    assembleManifest({
      published: aPublishedList(items),
      previous:
        options.previousName === null
          ? null
          : aManifest({ metadata: { ...previous.metadata, name: options.previousName ?? '1.3.0' } }),
      naming,
      clock: aClock(options.now),
      existingNames: options.existingNames ?? [],
    }).metadata.name;

  it.each([
    ['a patch of a component → patch', [aPackage('@acme/core', '1.3.1')], '1.3.1'],
    [
      'a minor of one, a patch of another → minor',
      [aPackage('@acme/core', '1.3.1'), anImage('api', '1.5.0')],
      '1.4.0',
    ],
    ['a major of any component → major', [aPackage('@acme/sdk', '3.0.0'), anImage('api', '1.4.3')], '2.0.0'],
    ['a new component → minor', [anImage('worker', '0.1.0')], '1.4.0'],
    [
      'only skipped items (already published) → patch',
      [aPackage('@acme/core', '2.0.0', { skipped: true })],
      '1.3.1',
    ],
  ])('semver: %s', (_case, items, expected) => {
    expect(name({ scheme: 'semver' }, items)).toBe(expected);
  });

  it('semver: a named product component gives its version', () => {
    expect(name({ scheme: 'semver', product: 'api' }, [anImage('api', '1.5.0')])).toBe('1.5.0');
    expect(() => name({ scheme: 'semver', product: 'cli' })).toThrow(
      expect.objectContaining({ field: 'naming.product' }),
    );
  });

  it.each([
    ['the first of the month', [], '2026.11.0'],
    ['counting this month only', ['2026.10.0', '2026.10.1', '2026.11.0'], '2026.11.1'],
    ['after the highest number this month', ['2026.11.0', '2026.11.4'], '2026.11.5'],
  ])('calver: %s', (_case, existingNames, expected) => {
    expect(name({ scheme: 'calver' }, undefined, { previousName: null, existingNames })).toBe(expected);
  });

  it.each([
    [null, '1'],
    ['41', '42'],
  ])('sequence: after %s comes %s', (previousName, expected) => {
    expect(name({ scheme: 'sequence' }, undefined, { previousName })).toBe(expected);
  });

  it('sequence: refuses to follow a release that is not a number', () => {
    expect(() => name({ scheme: 'sequence' }, undefined, { previousName: '1.3.0' })).toThrow(
      expect.objectContaining({ field: 'naming' }),
    );
  });

  it('a given name, which must be usable as a file name', () => {
    expect(name({ scheme: 'name', name: 'black-friday-2026' })).toBe('black-friday-2026');
    expect(() => name({ scheme: 'name', name: '../etc/passwd' })).toThrow(
      expect.objectContaining({ kind: 'configuration', field: 'name' }),
    );
  });
});

describe('parseImageReference', () => {
  it.each([
    ['ghcr.io/acme/api:1.3.0', { repository: 'ghcr.io/acme/api', tag: '1.3.0' }],
    ['localhost:5000/api:1.3.0', { repository: 'localhost:5000/api', tag: '1.3.0' }],
    ['localhost:5000/api', { repository: 'localhost:5000/api' }],
    [
      `ghcr.io/acme/api:1.3.0@${digestOf('b')}`,
      { repository: 'ghcr.io/acme/api', tag: '1.3.0', digest: digestOf('b') },
    ],
    [`docker://ghcr.io/acme/api@${digestOf('b')}`, { repository: 'ghcr.io/acme/api', digest: digestOf('b') }],
  ])('%s', (reference, expected) => {
    expect(parseImageReference(reference)).toEqual(expected);
  });
});
