import { aPublishedList, digestOf } from '../manifest/manifest-builders.js';
import { attestationSubjects } from './render-publish-summary.js';

describe('attestation subjects', () => {
  it('lists what went to OCI registries by digest and repository, not npm packages', () => {
    const list = aPublishedList([
      {
        component: '@acme/core',
        kind: 'npm-package',
        version: '1.2.0',
        reference: 'npm:@acme/core@1.2.0',
        registry: 'https://registry.npmjs.org/',
        integrity: 'sha512-x',
        skipped: false,
      },
      {
        component: 'api',
        kind: 'container-image',
        version: '1.2.0',
        reference: 'localhost:5000/acme/api:1.2.0',
        digest: digestOf('a'),
        skipped: false,
      },
      {
        component: 'api-chart',
        kind: 'helm-chart',
        version: '0.1.0',
        reference: 'oci://ghcr.io/acme/charts/api:0.1.0',
        digest: digestOf('b'),
        skipped: true,
      },
    ]);
    expect(attestationSubjects(list)).toEqual([
      `${digestOf('a').slice(7)}  localhost:5000/acme/api`,
      `${digestOf('b').slice(7)}  ghcr.io/acme/charts/api`,
    ]);
  });

  it('lists each release asset by its own digest and file name, for attest-build-provenance', () => {
    const list = aPublishedList([
      {
        component: 'cli',
        kind: 'release-assets',
        version: '1.9.0',
        reference: 'cli@1.9.0',
        digest: digestOf('c'),
        assets: [
          {
            name: 'checksums.txt',
            digest: digestOf('c'),
            url: 'https://github.com/acme/orion/releases/download/cli@1.9.0/checksums.txt',
          },
          {
            name: 'orion-linux-amd64',
            digest: digestOf('l'),
            url: 'https://github.com/acme/orion/releases/download/cli@1.9.0/orion-linux-amd64',
          },
        ],
        skipped: false,
      },
    ]);
    expect(attestationSubjects(list)).toEqual([
      `${digestOf('c').slice(7)}  checksums.txt`,
      `${digestOf('l').slice(7)}  orion-linux-amd64`,
    ]);
  });
});
