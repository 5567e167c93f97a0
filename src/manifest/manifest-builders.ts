import type { PublishedItem, PublishedList } from './published-list.js';
import type { ReleaseManifest } from './release-manifest.js';

/** Builders for tests: a published list and a manifest that read like the domain. */

export const digestOf = (seed: string) => `sha256:${seed.repeat(64).slice(0, 64)}`;
export const integrityOf = (seed: string) => `sha512-${seed.repeat(86).slice(0, 86)}==`;

export function aPackage(
  component: string,
  version: string,
  extra: Partial<PublishedItem> = {},
): PublishedItem {
  return {
    component,
    kind: 'npm-package',
    version,
    reference: `npm:${component}@${version}`,
    integrity: integrityOf('a'),
    skipped: false,
    ...extra,
  };
}

export function anImage(
  component: string,
  version: string,
  extra: Partial<PublishedItem> = {},
): PublishedItem {
  return {
    component,
    kind: 'container-image',
    version,
    reference: `ghcr.io/acme/${component}:${version}`,
    digest: digestOf('b'),
    skipped: false,
    ...extra,
  };
}

export function aChart(
  component: string,
  version: string,
  extra: Partial<PublishedItem> = {},
): PublishedItem {
  return {
    component,
    kind: 'helm-chart',
    version,
    reference: `oci://ghcr.io/acme/charts/${component}:${version}`,
    digest: digestOf('c'),
    skipped: false,
    ...extra,
  };
}

export function aPublishedList(items: PublishedItem[]): PublishedList {
  return {
    schemaVersion: 1,
    kind: 'PublishedList',
    source: {
      repository: 'acme/platform',
      commit: '0123456789abcdef0123456789abcdef01234567',
      runUrl: 'https://github.com/acme/platform/actions/runs/42',
    },
    items,
  };
}

export const aClock = (iso = '2026-11-24T15:00:00.000Z') => ({ now: () => new Date(iso) });

/** A valid manifest: @acme/core and @acme/sdk packages, the api image, the api chart. */
export function aManifest(overrides: Partial<ReleaseManifest> = {}): ReleaseManifest {
  return {
    apiVersion: 'relx.dev/v1',
    kind: 'ReleaseManifest',
    metadata: {
      name: '1.3.0',
      createdAt: '2026-11-20T10:00:00.000Z',
      source: {
        repository: 'acme/platform',
        commit: 'fedcba9876543210fedcba9876543210fedcba98',
        runUrl: 'https://github.com/acme/platform/actions/runs/41',
      },
      previous: '1.2.0',
    },
    components: {
      packages: [
        {
          name: '@acme/core',
          version: '1.3.0',
          registry: 'https://registry.npmjs.org/',
          integrity: integrityOf('a'),
        },
        {
          name: '@acme/sdk',
          version: '2.1.4',
          registry: 'https://registry.npmjs.org/',
          integrity: integrityOf('d'),
        },
      ],
      images: [{ name: 'api', repository: 'ghcr.io/acme/api', tag: '1.4.2', digest: digestOf('b') }],
      infrastructure: [
        {
          name: 'api-chart',
          kind: 'helm-chart',
          reference: 'oci://ghcr.io/acme/charts/api-chart:0.7.0',
          version: '0.7.0',
          digest: digestOf('c'),
        },
      ],
    },
    compatibility: [],
    ...overrides,
  };
}
