import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { npmPurl, ociPurl, renderCycloneDxBom } from './cyclonedx-bom.js';
import { aManifest, digestOf } from './manifest-builders.js';
import type { ReleaseManifest } from './release-manifest.js';

// The official CycloneDX 1.6 JSON schema as shipped by @cyclonedx/cyclonedx-library, with the
// SPDX and JSF schemas it references, loaded the way the library's own validator loads them.
const schemaDir = join(
  dirname(createRequire(import.meta.url).resolve('@cyclonedx/cyclonedx-library/package.json')),
  'res',
  'schema',
);
const readSchema = (file: string) => JSON.parse(readFileSync(join(schemaDir, file), 'utf8')) as object;
const ajv = new Ajv({
  strict: false,
  allErrors: true,
  addUsedSchema: false,
  schemas: {
    'http://cyclonedx.org/schema/spdx.SNAPSHOT.schema.json': readSchema('spdx.SNAPSHOT.schema.json'),
    'http://cyclonedx.org/schema/jsf-0.82.SNAPSHOT.schema.json': readSchema('jsf-0.82.SNAPSHOT.schema.json'),
  },
});
addFormats.default(ajv);
ajv.addFormat('idn-email', true);
ajv.addFormat('iri-reference', true);
const validateCycloneDx16 = ajv.compile(readSchema('bom-1.6.SNAPSHOT.schema.json'));

const integrityOfBytes = (bytes: string) => `sha512-${createHash('sha512').update(bytes).digest('base64')}`;

/** Every kind of component: npm on npmjs and elsewhere, an image, OCI charts, a terraform module and files off OCI. */
const everyKind: ReleaseManifest = aManifest({
  components: {
    packages: [
      {
        name: '@acme/core',
        version: '1.3.0',
        registry: 'https://registry.npmjs.org/',
        integrity: integrityOfBytes('core'),
      },
      {
        name: 'acme-cli',
        version: '1.9.2',
        registry: 'https://npm.pkg.github.com/',
        integrity: integrityOfBytes('cli'),
      },
    ],
    images: [{ name: 'api', repository: 'ghcr.io/acme/api', tag: '1.3.0', digest: digestOf('1') }],
    infrastructure: [
      {
        name: 'api-chart',
        kind: 'helm-chart',
        reference: 'oci://ghcr.io/acme/charts/api:1.3.0',
        version: '1.3.0',
        digest: digestOf('2'),
      },
      {
        name: 'base',
        kind: 'kustomize-base',
        reference: 'oci://ghcr.io/acme/kustomize/base:0.4.0',
        version: '0.4.0',
        digest: digestOf('3'),
      },
      {
        name: 'network',
        kind: 'terraform-module',
        reference: 'https://github.com/acme/platform/releases/download/network-v2.0.0/network.tgz',
        version: '2.0.0',
        digest: digestOf('4'),
      },
      {
        name: 'cdk',
        kind: 'cdk-app',
        reference: 'oci://ghcr.io/acme/cdk:3.1.0',
        version: '3.1.0',
        digest: digestOf('5'),
      },
      { name: 'docs', kind: 'files', reference: 'docs-1.0.0.tgz', version: '1.0.0', digest: digestOf('6') },
    ],
  },
});

interface BomComponent {
  name: string;
  purl: string;
  'bom-ref': string;
  hashes?: Array<{ alg: string; content: string }>;
}
interface Bom {
  serialNumber: string;
  metadata: { timestamp: string; component: { name: string; version: string; 'bom-ref': string } };
  components: BomComponent[];
  dependencies: Array<{ ref: string; dependsOn?: string[] }>;
  compositions: Array<{ aggregate: string; assemblies: string[] }>;
}
const bomOf = (manifest: ReleaseManifest) => JSON.parse(renderCycloneDxBom(manifest)) as Bom;
const componentNamed = (bom: Bom, name: string) => bom.components.find((c) => c.name === name);

describe('renderCycloneDxBom', () => {
  it.each([
    ['a manifest with every kind of component', everyKind],
    ['an empty release', aManifest({ components: { packages: [], images: [], infrastructure: [] } })],
    ['the sample manifest', aManifest()],
  ])('validates against the official CycloneDX 1.6 JSON schema: %s', (_case, manifest) => {
    const valid = validateCycloneDx16(JSON.parse(renderCycloneDxBom(manifest)));
    expect(validateCycloneDx16.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('keeps bom-refs unique when two components share a purl', () => {
    const image = everyKind.components.images[0]!;
    const twice = {
      ...everyKind,
      components: { ...everyKind.components, images: [image, { ...image, name: 'api-copy' }] },
    };
    const bom = bomOf(twice);
    expect(validateCycloneDx16(bom)).toBe(true);
    expect(new Set(bom.components.map((c) => c['bom-ref'])).size).toBe(bom.components.length);
  });

  it('is checked by a validator that does refuse a broken BOM', () => {
    const bom = bomOf(everyKind);
    const broken = { ...bom, components: [{ ...bom.components[0], type: 'spaceship' }] };
    expect(validateCycloneDx16(broken)).toBe(false);
  });

  it('describes the release as metadata.component, depending on every component, composition complete', () => {
    const bom = bomOf(everyKind);
    expect(bom.metadata).toMatchObject({
      timestamp: '2026-11-20T10:00:00.000Z',
      component: { name: 'acme/platform', version: '1.3.0', 'bom-ref': 'relx:release/1.3.0' },
    });
    expect(bom.components).toHaveLength(8);
    const release = bom.dependencies.find((d) => d.ref === 'relx:release/1.3.0');
    expect(release?.dependsOn?.sort()).toEqual(bom.components.map((c) => c['bom-ref']).sort());
    expect(bom.compositions).toEqual([{ aggregate: 'complete', assemblies: ['relx:release/1.3.0'] }]);
  });

  it.each([
    ['@acme/core', 'pkg:npm/%40acme/core@1.3.0'],
    ['acme-cli', 'pkg:npm/acme-cli@1.9.2?repository_url=https%3A%2F%2Fnpm.pkg.github.com%2F'],
    ['api', `pkg:oci/api@sha256%3A${'1'.repeat(64)}?repository_url=ghcr.io/acme/api&tag=1.3.0`],
    ['api-chart', `pkg:oci/api@sha256%3A${'2'.repeat(64)}?repository_url=ghcr.io/acme/charts/api&tag=1.3.0`],
    [
      'network',
      'pkg:generic/network@2.0.0?download_url=https%3A%2F%2Fgithub.com%2Facme%2Fplatform%2Freleases%2Fdownload%2Fnetwork-v2.0.0%2Fnetwork.tgz',
    ],
    ['docs', 'pkg:generic/docs@1.0.0'],
  ])('gives %s the purl %s', (name, purl) => {
    expect(componentNamed(bomOf(everyKind), name)).toMatchObject({ purl, 'bom-ref': purl });
  });

  it('turns a digest into SHA-256 and an integrity into SHA-512, both hex', () => {
    const bom = bomOf(everyKind);
    expect(componentNamed(bom, 'api')?.hashes).toEqual([{ alg: 'SHA-256', content: '1'.repeat(64) }]);
    expect(componentNamed(bom, '@acme/core')?.hashes).toEqual([
      { alg: 'SHA-512', content: createHash('sha512').update('core').digest('hex') },
    ]);
  });

  it('writes the same bytes for the same manifest, and another serial number for another', () => {
    expect(renderCycloneDxBom(everyKind)).toBe(renderCycloneDxBom(structuredClone(everyKind)));
    const other = { ...everyKind, metadata: { ...everyKind.metadata, name: '1.3.1' } };
    expect(bomOf(other).serialNumber).not.toBe(bomOf(everyKind).serialNumber);
    expect(bomOf(everyKind).serialNumber).toMatch(
      /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });
});

describe('purls', () => {
  it.each([
    [npmPurl('left-pad', '1.3.0', 'https://registry.npmjs.org'), 'pkg:npm/left-pad@1.3.0'],
    [npmPurl('@acme/core', '1.3.0-rc.1', 'https://registry.npmjs.org/'), 'pkg:npm/%40acme/core@1.3.0-rc.1'],
    [
      ociPurl('localhost:5000/Acme/API', digestOf('a'), undefined),
      `pkg:oci/api@sha256%3A${'a'.repeat(64)}?repository_url=localhost:5000/Acme/API`,
    ],
  ])('%s', (actual, expected) => {
    expect(actual).toBe(expected);
  });
});
