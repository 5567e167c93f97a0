import { createHash } from 'node:crypto';
import * as Enums from '@cyclonedx/cyclonedx-library/Enums';
import * as Models from '@cyclonedx/cyclonedx-library/Models';
import * as Serialize from '@cyclonedx/cyclonedx-library/Serialize';
import * as Spec from '@cyclonedx/cyclonedx-library/Spec';
import { parseImageReference } from './assemble-manifest.js';
import { renderReleaseManifest, type ReleaseManifest } from './release-manifest.js';

/**
 * The release manifest as a CycloneDX 1.6 JSON BOM: the release is `metadata.component`, each
 * package, image and infrastructure item a component with its purl and hashes; the release
 * depends on every one of them, and the composition says the list is complete. Deterministic: the
 * serial number is derived from the manifest's content, the timestamp is its createdAt.
 *
 * Imported by subpath: the package's root entry resolves resources by __dirname, which ncc's ESM
 * bundles do not have.
 */

const npmjs = /^https:\/\/registry\.npmjs\.org\/?$/;

/** `sha256:<hex>` → `<hex>`; anything else → null. */
function sha256Hex(digest: string | undefined): string | null {
  const match = digest === undefined ? null : /^sha256:([a-f0-9]{64})$/.exec(digest);
  return match?.[1] ?? null;
}

/** `sha512-<base64>` → `<hex>`; anything else → null. */
function sha512Hex(integrity: string | undefined): string | null {
  const match = integrity === undefined ? null : /^sha512-([A-Za-z0-9+/]+={0,2})$/.exec(integrity);
  return match?.[1] ? Buffer.from(match[1], 'base64').toString('hex') : null;
}

/** `pkg:npm/%40acme/core@1.3.0`, with `repository_url` when the registry is not npmjs. */
export function npmPurl(name: string, version: string, registry: string): string {
  const path = name.startsWith('@') ? `%40${name.slice(1)}` : name;
  const qualifiers = npmjs.test(registry) ? '' : `?repository_url=${encodeURIComponent(registry)}`;
  return `pkg:npm/${path}@${encodeURIComponent(version)}${qualifiers}`;
}

/** `pkg:oci/api@sha256%3A…?repository_url=ghcr.io/acme/api&tag=1.3.0` (the name is the last path segment). */
export function ociPurl(repository: string, digest: string, tag: string | undefined): string {
  const name = (repository.split('/').at(-1) ?? repository).toLowerCase();
  const tagQualifier = tag === undefined ? '' : `&tag=${encodeURIComponent(tag)}`;
  return `pkg:oci/${encodeURIComponent(name)}@${encodeURIComponent(digest)}?repository_url=${repository}${tagQualifier}`;
}

/** `pkg:generic/<name>@<version>` with the reference as download_url, for what is not in an OCI registry. */
function genericPurl(name: string, version: string, reference: string): string {
  const download = /^https?:\/\//.test(reference) ? `?download_url=${encodeURIComponent(reference)}` : '';
  return `pkg:generic/${encodeURIComponent(name)}@${encodeURIComponent(version)}${download}`;
}

/** `pkg:golang/github.com/acme/orion/sdk/go/v2@v2.1.0`: the module path's segments as namespace and name. */
export function golangPurl(modulePath: string, version: string): string {
  const path = modulePath.split('/').map(encodeURIComponent).join('/');
  return `pkg:golang/${path}@${encodeURIComponent(version)}`;
}

function hashes(sha256: string | null, sha512: string | null): Models.HashDictionary {
  const dictionary = new Models.HashDictionary();
  if (sha256) dictionary.set(Enums.HashAlgorithm['SHA-256'], sha256);
  if (sha512) dictionary.set(Enums.HashAlgorithm['SHA-512'], sha512);
  return dictionary;
}

const properties = (entries: Array<[string, string | null]>) =>
  new Models.PropertyRepository(
    entries.filter((e): e is [string, string] => e[1] !== null).map(([n, v]) => new Models.Property(n, v)),
  );

type Components = ReleaseManifest['components'];

function packageComponent(p: Components['packages'][number]): Models.Component {
  const purl = npmPurl(p.name, p.version, p.registry);
  return new Models.Component(Enums.ComponentType.Library, p.name, {
    bomRef: purl,
    version: p.version,
    purl,
    hashes: hashes(null, sha512Hex(p.integrity)),
    properties: properties([
      ['relx:category', 'package'],
      ['relx:registry', p.registry],
    ]),
  });
}

function imageComponent(i: Components['images'][number]): Models.Component {
  const purl = i.digest ? ociPurl(i.repository, i.digest, i.tag) : `pkg:oci/${encodeURIComponent(i.name)}`;
  return new Models.Component(Enums.ComponentType.Container, i.name, {
    bomRef: purl,
    version: i.tag,
    purl,
    hashes: hashes(sha256Hex(i.digest), null),
    properties: properties([
      ['relx:category', 'image'],
      ['relx:repository', i.repository],
    ]),
  });
}

function infrastructureComponent(i: Components['infrastructure'][number]): Models.Component {
  const oci = /^oci:\/\//.test(i.reference) && i.digest !== undefined;
  const purl = oci
    ? ociPurl(parseImageReference(i.reference).repository, i.digest ?? '', i.version)
    : genericPurl(i.name, i.version, i.reference);
  const type = i.kind === 'files' ? Enums.ComponentType.File : Enums.ComponentType.Application;
  return new Models.Component(type, i.name, {
    bomRef: purl,
    version: i.version,
    purl,
    hashes: hashes(sha256Hex(i.digest), null),
    properties: properties([
      ['relx:category', 'infrastructure'],
      ['relx:kind', i.kind],
      ['relx:reference', i.reference],
    ]),
  });
}

function moduleComponent(m: NonNullable<Components['modules']>[number]): Models.Component {
  const purl = golangPurl(m.module, m.version);
  return new Models.Component(Enums.ComponentType.Library, m.name, {
    bomRef: purl,
    version: m.version,
    purl,
    properties: properties([
      ['relx:category', 'module'],
      ['relx:go.module', m.module],
      ['relx:go.sum', m.sum],
      ['relx:commit', m.commit],
    ]),
  });
}

/** Each file on a GitHub Release is a file component with its SHA-256 (a CLI binary per platform). */
function assetComponents(a: NonNullable<Components['assets']>[number]): Models.Component[] {
  return a.files.map((f) => {
    const purl = genericPurl(f.name, a.version, f.url);
    return new Models.Component(Enums.ComponentType.File, f.name, {
      bomRef: `${purl}#${a.name}`,
      version: a.version,
      purl,
      hashes: hashes(sha256Hex(f.digest), null),
      properties: properties([
        ['relx:category', 'asset'],
        ['relx:component', a.name],
        ['relx:release', a.release],
      ]),
    });
  });
}

function manifestComponents(manifest: ReleaseManifest): Models.Component[] {
  const { packages, images, infrastructure, modules = [], assets = [] } = manifest.components;
  const components = [
    ...packages.map(packageComponent),
    ...images.map(imageComponent),
    ...infrastructure.map(infrastructureComponent),
    ...modules.map(moduleComponent),
    ...assets.flatMap(assetComponents),
  ];
  // bom-refs must be unique; two components could share a purl (the same image under two names).
  const seen = new Set<string>();
  for (const component of components) {
    if (seen.has(component.bomRef.value ?? ''))
      component.bomRef.value = `${component.purl}#${component.name}`;
    seen.add(component.bomRef.value ?? '');
  }
  return components;
}

/** A UUID (RFC 9562 version 8, custom) from the manifest's canonical bytes: same content, same serial. */
function contentSerialNumber(manifest: ReleaseManifest): string {
  const hex = createHash('sha256').update(renderReleaseManifest(manifest)).digest('hex');
  const variant = ((parseInt(hex.charAt(16), 16) & 0x3) | 0x8).toString(16);
  return `urn:uuid:${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export const releaseBomRef = (manifest: ReleaseManifest) => `relx:release/${manifest.metadata.name}`;

/** The CycloneDX 1.6 JSON for a manifest, as the bytes to write (2-space JSON, trailing newline). */
export function renderCycloneDxBom(manifest: ReleaseManifest): string {
  const components = manifestComponents(manifest);
  const release = new Models.Component(Enums.ComponentType.Application, manifest.metadata.source.repository, {
    bomRef: releaseBomRef(manifest),
    version: manifest.metadata.name,
    properties: properties([
      ['relx:source.commit', manifest.metadata.source.commit],
      ['relx:source.runUrl', manifest.metadata.source.runUrl],
      ['relx:previous', manifest.metadata.previous],
    ]),
    dependencies: new Models.BomRefRepository(components.map((c) => c.bomRef)),
  });
  const bom = new Models.Bom({
    serialNumber: contentSerialNumber(manifest),
    metadata: new Models.Metadata({ timestamp: new Date(manifest.metadata.createdAt), component: release }),
    components: new Models.ComponentRepository(components),
  });
  const normalized = new Serialize.JSON.Normalize.Factory(Spec.Spec1dot6)
    .makeForBom()
    .normalize(bom, { sortLists: true });
  const document = {
    ...normalized,
    compositions: [{ aggregate: 'complete', assemblies: [releaseBomRef(manifest)] }],
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}
