import { parseDocument, stringify } from 'yaml';
import { z } from 'zod';
import { inputError } from '../relx-error.js';
import { componentName } from './published-list.js';
import { schemaInputError } from './schema-issues.js';
import { ociRepositoryPattern } from '../workspace/relx-config.js';

/**
 * The release manifest: one YAML document that pins every component of the system for one
 * release — packages at exact versions with integrity, images by digest, infrastructure by version
 * and digest — and the compatibility rows they were checked against. The schema is structural;
 * whether every reference is pinned is decided by validateManifest, which names the component.
 * schema/release-manifest.schema.json is generated from this.
 */
export const manifestApiVersion = 'relx.dev/v1';
export const manifestKind = 'ReleaseManifest';

/** A release name is also a file name: `releases/<name>.yaml`. */
export const releaseNamePattern = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
export const releaseName = z
  .string()
  .max(128)
  .regex(releaseNamePattern, 'a release name of letters, digits, ., _ and - (it becomes a file name)');

export const infrastructureKinds = [
  'helm-chart',
  'terraform-module',
  'kustomize-base',
  'cdk-app',
  'files',
] as const;
export type InfrastructureKind = (typeof infrastructureKinds)[number];

export const manifestPackageSchema = z
  .object({
    name: componentName,
    version: z.string().min(1).describe('Exact SemVer version.'),
    registry: z.string().min(1).describe('Registry URL the package is published to.'),
    integrity: z.string().min(1).optional().describe('Subresource integrity (sha512-…) of the tarball.'),
  })
  .strict();
export type ManifestPackage = z.infer<typeof manifestPackageSchema>;

export const manifestImageSchema = z
  .object({
    name: componentName,
    repository: z
      .string()
      .regex(
        ociRepositoryPattern,
        'an OCI repository name such as ghcr.io/acme/api (lower-case, no spaces or newlines)',
      )
      .describe('Image repository, e.g. ghcr.io/acme/api.'),
    tag: z.string().min(1).describe('The version tag; informative, the digest is what is deployed.'),
    digest: z.string().min(1).optional().describe('Manifest digest, sha256:…'),
  })
  .strict();
export type ManifestImage = z.infer<typeof manifestImageSchema>;

export const manifestInfrastructureSchema = z
  .object({
    name: componentName,
    kind: z.enum(infrastructureKinds),
    reference: z.string().min(1).describe('Where it is published, e.g. oci://ghcr.io/acme/charts/api:1.3.0.'),
    version: z.string().min(1).describe('Exact SemVer version.'),
    digest: z.string().min(1).optional().describe('Content digest, sha256:…'),
  })
  .strict();
export type ManifestInfrastructure = z.infer<typeof manifestInfrastructureSchema>;

/** Go's module checksum (go.sum, the checksum database): `h1:` and the base64 of a SHA-256. */
export const goModuleSumPattern = /^h1:[A-Za-z0-9+/]{43}=$/;

export const manifestModuleSchema = z
  .object({
    name: componentName,
    module: z
      .string()
      .min(1)
      .regex(/^[A-Za-z0-9.~_/-]+$/, 'a Go module path such as github.com/acme/orion/sdk/go/v2')
      .describe('The Go module path (go.mod `module`).'),
    version: z
      .string()
      .regex(/^v\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/, 'a Go module version such as v2.1.0')
      .describe('The module version, as Go writes it (v2.1.0); its tag is the release.'),
    commit: z
      .string()
      .regex(/^[0-9a-f]{40}$/, 'a full commit sha')
      .describe('The commit the tag points at.'),
    sum: z
      .string()
      .regex(goModuleSumPattern, 'an h1: checksum (h1:<base64 SHA-256>)')
      .describe("The module's h1: checksum, as go.sum and the checksum database record it."),
  })
  .strict();
export type ManifestModule = z.infer<typeof manifestModuleSchema>;

const sha256Digest = z.string().regex(/^sha256:[0-9a-f]{64}$/, 'a sha256:<64 hex> digest');

export const manifestAssetsSchema = z
  .object({
    name: componentName,
    version: z.string().min(1).describe('Exact SemVer version.'),
    release: z.string().min(1).describe('The GitHub Release (its tag) the files are attached to.'),
    checksums: sha256Digest.describe(
      'Digest of its checksums.txt (sha256sum format), which lists every file.',
    ),
    files: z
      .array(
        z
          .object({
            name: z.string().min(1),
            digest: sha256Digest,
            url: z.string().min(1).describe('Where it is downloaded.'),
          })
          .strict(),
      )
      .min(1),
  })
  .strict();
export type ManifestAssets = z.infer<typeof manifestAssetsSchema>;

export const compatibilityRowSchema = z
  .record(componentName, z.string().min(1))
  .describe(
    'One supported combination: component name → SemVer range, e.g. {cli: "1.9.x", api: ">=1.4.0 <2.0.0"}.',
  );
export type CompatibilityRow = z.infer<typeof compatibilityRowSchema>;

export const releaseManifestSchema = z
  .object({
    apiVersion: z.literal(manifestApiVersion),
    kind: z.literal(manifestKind),
    metadata: z
      .object({
        name: releaseName,
        createdAt: z.iso.datetime().describe('When the manifest was written (UTC, ISO 8601).'),
        source: z
          .object({
            repository: z.string().min(1),
            commit: z.string().min(1),
            runUrl: z
              .string()
              .min(1)
              .nullable()
              .describe('The workflow run that wrote it, when there is one.'),
          })
          .strict(),
        previous: releaseName.nullable().describe('The release this one follows; null for the first.'),
      })
      .strict(),
    components: z
      .object({
        packages: z.array(manifestPackageSchema),
        images: z.array(manifestImageSchema),
        infrastructure: z.array(manifestInfrastructureSchema),
        modules: z
          .array(manifestModuleSchema)
          .optional()
          .describe(
            'Go modules, pinned by version, commit and h1: checksum; absent in manifests without any.',
          ),
        assets: z
          .array(manifestAssetsSchema)
          .optional()
          .describe(
            'Files on GitHub Releases (CLI binaries), each pinned by sha256; absent in manifests without any.',
          ),
      })
      .strict(),
    compatibility: z
      .array(compatibilityRowSchema)
      .describe('Supported combinations; the manifest must satisfy one row. Empty: no constraint.'),
  })
  .strict();
export type ReleaseManifest = z.infer<typeof releaseManifestSchema>;

const fixManifest = 'Restore the file as relx wrote it, or write a new manifest with `relx manifest`.';

/** Parses and checks a manifest's structure; a problem names the field. Pinning is checked by validateManifest. */
export function parseReleaseManifest(text: string, file: string): ReleaseManifest {
  const document = parseDocument(text, { prettyErrors: true });
  const [syntax] = document.errors;
  if (syntax) {
    const line = syntax.linePos?.[0].line;
    throw inputError(`YAML syntax error${line ? ` on line ${line}` : ''}: ${syntax.message.split('\n')[0]}`, {
      file,
      fix: fixManifest,
    });
  }
  const result = releaseManifestSchema.safeParse(document.toJS());
  if (!result.success) throw schemaInputError('The release manifest', result.error.issues, file, fixManifest);
  return result.data;
}

const byName = <T extends { name: string }>(items: readonly T[]): T[] =>
  [...items].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

function sortedRow(row: CompatibilityRow): CompatibilityRow {
  return Object.fromEntries(Object.entries(row).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * The canonical YAML: fixed key order, components sorted by name, optional fields last and only when
 * present. Rendering a parsed manifest gives back the same bytes.
 */
export function renderReleaseManifest(manifest: ReleaseManifest): string {
  const { metadata, components } = manifest;
  const canonical = {
    apiVersion: manifest.apiVersion,
    kind: manifest.kind,
    metadata: {
      name: metadata.name,
      createdAt: metadata.createdAt,
      source: {
        repository: metadata.source.repository,
        commit: metadata.source.commit,
        runUrl: metadata.source.runUrl,
      },
      previous: metadata.previous,
    },
    components: {
      packages: byName(components.packages).map((p) => ({
        name: p.name,
        version: p.version,
        registry: p.registry,
        ...(p.integrity === undefined ? {} : { integrity: p.integrity }),
      })),
      images: byName(components.images).map((i) => ({
        name: i.name,
        repository: i.repository,
        tag: i.tag,
        ...(i.digest === undefined ? {} : { digest: i.digest }),
      })),
      infrastructure: byName(components.infrastructure).map((i) => ({
        name: i.name,
        kind: i.kind,
        reference: i.reference,
        version: i.version,
        ...(i.digest === undefined ? {} : { digest: i.digest }),
      })),
      ...(components.modules === undefined
        ? {}
        : {
            modules: byName(components.modules).map((m) => ({
              name: m.name,
              module: m.module,
              version: m.version,
              commit: m.commit,
              sum: m.sum,
            })),
          }),
      ...(components.assets === undefined
        ? {}
        : {
            assets: byName(components.assets).map((a) => ({
              name: a.name,
              version: a.version,
              release: a.release,
              checksums: a.checksums,
              files: [...a.files]
                .sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0))
                .map((f) => ({ name: f.name, digest: f.digest, url: f.url })),
            })),
          }),
    },
    compatibility: manifest.compatibility.map(sortedRow),
  };
  return stringify(canonical, { lineWidth: 0, indentSeq: true, defaultStringType: 'PLAIN' });
}

/** Every component's name and version (an image's version is its tag), whatever its category. */
export function manifestVersions(manifest: ReleaseManifest): Map<string, string> {
  const versions = new Map<string, string>();
  for (const p of manifest.components.packages) versions.set(p.name, p.version);
  for (const i of manifest.components.images) versions.set(i.name, i.tag);
  for (const i of manifest.components.infrastructure) versions.set(i.name, i.version);
  // A Go module's version without Go's `v`, like every other component's.
  for (const m of manifest.components.modules ?? []) versions.set(m.name, m.version.replace(/^v/, ''));
  for (const a of manifest.components.assets ?? []) versions.set(a.name, a.version);
  return versions;
}
