import { aManifest, digestOf } from './manifest-builders.js';
import { infrastructureKinds, type ReleaseManifest } from './release-manifest.js';
import { checkCompatibility, findManifestViolations, validateManifest } from './validate-manifest.js';

const base = aManifest();
const withPackage = (
  change: Partial<ReleaseManifest['components']['packages'][number]>,
): ReleaseManifest => ({
  ...base,
  components: {
    ...base.components,
    packages: base.components.packages.map((p) => (p.name === '@acme/core' ? { ...p, ...change } : p)),
  },
});
const withImage = (change: Partial<ReleaseManifest['components']['images'][number]>): ReleaseManifest => ({
  ...base,
  components: { ...base.components, images: base.components.images.map((i) => ({ ...i, ...change })) },
});
const withInfrastructure = (
  change: Partial<ReleaseManifest['components']['infrastructure'][number]>,
): ReleaseManifest => ({
  ...base,
  components: {
    ...base.components,
    infrastructure: base.components.infrastructure.map((i) => ({ ...i, ...change })),
  },
});

describe('validateManifest: floating references', () => {
  it('accepts a manifest that pins everything', () => {
    expect(findManifestViolations(base)).toEqual([]);
    expect(() => validateManifest(base)).not.toThrow();
  });

  it.each([
    [
      'package at latest',
      withPackage({ version: 'latest' }),
      '@acme/core',
      'components.packages[@acme/core].version',
      /latest/,
    ],
    [
      'package at a caret range',
      withPackage({ version: '^1.3.0' }),
      '@acme/core',
      'components.packages[@acme/core].version',
      /range/,
    ],
    [
      'package at an x-range',
      withPackage({ version: '1.x' }),
      '@acme/core',
      'components.packages[@acme/core].version',
      /range/,
    ],
    [
      'package without integrity',
      withPackage({ integrity: undefined }),
      '@acme/core',
      'components.packages[@acme/core].integrity',
      /no integrity/,
    ],
    [
      'package with a sha1 integrity',
      withPackage({ integrity: 'sha1-abc=' }),
      '@acme/core',
      'components.packages[@acme/core].integrity',
      /sha512/,
    ],
    [
      'image tag without a digest',
      withImage({ digest: undefined }),
      'api',
      'components.images[api].digest',
      /no digest/,
    ],
    ['image at latest', withImage({ tag: 'latest' }), 'api', 'components.images[api].tag', /latest/],
    [
      'image with a short digest',
      withImage({ digest: 'sha256:abc' }),
      'api',
      'components.images[api].digest',
      /sha256/,
    ],
    [
      'image with the tag in the repository',
      withImage({ repository: 'ghcr.io/acme/api:latest' }),
      'api',
      'components.images[api].repository',
      /tag or digest/,
    ],
    [
      'chart at a range',
      withInfrastructure({ version: '~0.7.0' }),
      'api-chart',
      'components.infrastructure[api-chart].version',
      /range/,
    ],
    [
      'chart without a digest',
      withInfrastructure({ digest: undefined }),
      'api-chart',
      'components.infrastructure[api-chart].digest',
      /no digest/,
    ],
    [
      'chart reference at latest',
      withInfrastructure({ reference: 'oci://ghcr.io/acme/charts/api:latest' }),
      'api-chart',
      'components.infrastructure[api-chart].reference',
      /latest/,
    ],
    [
      'terraform module at latest',
      withInfrastructure({ kind: 'terraform-module', version: 'latest' }),
      'api-chart',
      'components.infrastructure[api-chart].version',
      /latest/,
    ],
  ])('refuses a %s, naming the component and the field', (_case, manifest, component, field, message) => {
    expect(findManifestViolations(manifest)).toEqual([
      { component, field, message: expect.stringMatching(message) },
    ]);
    expect(() => validateManifest(manifest, 'releases/1.3.0.yaml')).toThrow(
      expect.objectContaining({
        kind: 'input',
        file: 'releases/1.3.0.yaml',
        field,
        message: expect.stringContaining(component),
      }),
    );
  });

  it.each(
    infrastructureKinds.flatMap(
      (kind) =>
        [
          [kind, 'version', { kind, version: 'latest' }, /latest/],
          [kind, 'version', { kind, version: '>=1.0.0' }, /range/],
          [kind, 'digest', { kind, digest: undefined }, /no digest/],
        ] as const,
    ),
  )('refuses a floating %s (%s), naming it', (_kind, field, change, message) => {
    expect(findManifestViolations(withInfrastructure(change))).toEqual([
      {
        component: 'api-chart',
        field: `components.infrastructure[api-chart].${field}`,
        message: expect.stringMatching(message),
      },
    ]);
  });

  it('lists every violation at once', () => {
    const manifest: ReleaseManifest = {
      ...base,
      components: {
        ...base.components,
        packages: [{ name: '@acme/core', version: 'latest', registry: 'https://registry.npmjs.org/' }],
        images: [{ name: 'api', repository: 'ghcr.io/acme/api', tag: '1.4.2' }],
      },
    };
    expect(() => validateManifest(manifest)).toThrow(
      /3 components are not pinned:\n.*@acme\/core.*\n.*@acme\/core.*\n.*api/,
    );
  });

  it('refuses a component pinned twice', () => {
    const manifest = withImage({ name: '@acme/core', digest: digestOf('e') });
    expect(findManifestViolations(manifest)).toEqual([
      expect.objectContaining({ component: '@acme/core', field: 'components.images[@acme/core].name' }),
    ]);
  });
});

describe('validateManifest: compatibility', () => {
  // core 1.3.0, sdk 2.1.4, api 1.4.2, api-chart 0.7.0
  const matrix = (compatibility: ReleaseManifest['compatibility']) => ({ ...base, compatibility });

  it.each<[string, ReleaseManifest['compatibility']]>([
    ['no rows declared', []],
    ['the only row', [{ '@acme/sdk': '2.1.x', api: '>=1.4.0 <2.0.0' }]],
    ['the second row', [{ '@acme/sdk': '2.0.x' }, { '@acme/sdk': '2.1.x', '@acme/core': '^1.3.0' }]],
  ])('passes when the versions satisfy %s', (_case, rows) => {
    expect(() => validateManifest(matrix(rows))).not.toThrow();
  });

  it('refuses a release that no row satisfies, listing each row and its offending versions', () => {
    const manifest = matrix([
      { '@acme/sdk': '2.0.x', api: '>=1.4.0 <2.0.0' },
      { '@acme/sdk': '2.1.x', api: '>=2.0.0', cli: '1.9.x' },
    ]);
    expect(checkCompatibility(manifest)).toEqual({
      satisfiedRow: null,
      rows: [
        {
          row: manifest.compatibility[0],
          offending: [{ component: '@acme/sdk', range: '2.0.x', version: '2.1.4' }],
        },
        {
          row: manifest.compatibility[1],
          offending: [
            { component: 'api', range: '>=2.0.0', version: '1.4.2' },
            { component: 'cli', range: '1.9.x', version: null },
          ],
        },
      ],
    });
    expect(() => validateManifest(manifest, 'releases/1.3.0.yaml')).toThrow(
      expect.objectContaining({
        field: 'compatibility',
        message: [
          'The release satisfies none of the 2 compatibility rows:',
          '  row 1 {@acme/sdk: 2.0.x, api: >=1.4.0 <2.0.0}: @acme/sdk 2.1.4 is not in 2.0.x',
          '  row 2 {@acme/sdk: 2.1.x, api: >=2.0.0, cli: 1.9.x}: api 1.4.2 is not in >=2.0.0; cli is not in the release',
        ].join('\n'),
      }),
    );
  });

  it('refuses a row with something that is not a range, naming the cell', () => {
    expect(() => validateManifest(matrix([{ api: 'one point four' }]))).toThrow(
      expect.objectContaining({ field: 'compatibility[0].api' }),
    );
  });
});
