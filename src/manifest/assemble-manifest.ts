import type { NowClock } from '../clock.js';
import type { PublishedItem, PublishedList } from './published-list.js';
import {
  manifestApiVersion,
  manifestKind,
  manifestVersions,
  type CompatibilityRow,
  type ManifestImage,
  type ManifestInfrastructure,
  type ManifestModule,
  type ManifestAssets,
  type ManifestPackage,
  type ReleaseManifest,
} from './release-manifest.js';
import { componentBump, largestBump, nameRelease, type ReleaseNaming } from './release-naming.js';

/** The manifest reads only the time (src/clock.ts's NowClock). */
export type Clock = NowClock;

export const defaultNpmRegistry = 'https://registry.npmjs.org/';

export interface AssembleManifestInput {
  published: PublishedList;
  /** The release this one follows; its components not published now are carried over. */
  previous: ReleaseManifest | null;
  naming: ReleaseNaming;
  clock: Clock;
  /** Declared rows; when absent, the previous manifest's rows carry over. */
  compatibility?: CompatibilityRow[];
  /** Names of the manifests that exist already (CalVer counts this month's). */
  existingNames?: readonly string[];
}

type ManifestEntry =
  | { category: 'packages'; entry: ManifestPackage }
  | { category: 'images'; entry: ManifestImage }
  | { category: 'infrastructure'; entry: ManifestInfrastructure }
  | { category: 'modules'; entry: ManifestModule }
  | { category: 'assets'; entry: ManifestAssets };

/** `ghcr.io/acme/api:1.3.0@sha256:…` → repository, tag, digest (each when present). */
export function parseImageReference(reference: string): {
  repository: string;
  tag?: string;
  digest?: string;
} {
  const withoutScheme = reference.replace(/^(docker|oci):\/\//, '');
  const at = withoutScheme.indexOf('@');
  const digest = at === -1 ? undefined : withoutScheme.slice(at + 1);
  const named = at === -1 ? withoutScheme : withoutScheme.slice(0, at);
  const colon = named.lastIndexOf(':');
  const tag = colon > named.lastIndexOf('/') ? named.slice(colon + 1) : undefined;
  const repository = tag === undefined ? named : named.slice(0, colon);
  return { repository, ...(tag ? { tag } : {}), ...(digest ? { digest } : {}) };
}

/** Where a published item goes in the manifest. */
export function manifestEntry(item: PublishedItem): ManifestEntry {
  switch (item.kind) {
    case 'npm-package':
      return {
        category: 'packages',
        entry: {
          name: item.component,
          version: item.version,
          registry: item.registry ?? defaultNpmRegistry,
          ...(item.integrity ? { integrity: item.integrity } : {}),
        },
      };
    case 'container-image': {
      const image = parseImageReference(item.reference);
      const digest = item.digest ?? image.digest;
      return {
        category: 'images',
        entry: {
          name: item.component,
          repository: image.repository,
          tag: image.tag ?? item.version,
          ...(digest ? { digest } : {}),
        },
      };
    }
    case 'go-module':
      // reference: `<module path>@v<version>`; the release is the tag, pinned by its h1: checksum.
      return {
        category: 'modules',
        entry: {
          name: item.component,
          module: item.reference.slice(0, item.reference.lastIndexOf('@')),
          version: item.reference.slice(item.reference.lastIndexOf('@') + 1),
          commit: item.commit ?? '',
          sum: item.digest ?? '',
        },
      };
    case 'release-assets': {
      const files = (item.assets ?? []).filter((a) => a.name !== 'checksums.txt');
      return {
        category: 'assets',
        entry: {
          name: item.component,
          version: item.version,
          release: item.reference,
          checksums: item.digest ?? '',
          files,
        },
      };
    }
    default:
      return {
        category: 'infrastructure',
        entry: {
          name: item.component,
          kind: item.kind,
          reference: item.reference,
          version: item.version,
          ...(item.digest ? { digest: item.digest } : {}),
        },
      };
  }
}

/**
 * The manifest for this release: every component every time — what was published now (or found
 * already published), and every other component carried over from the previous manifest as it was.
 * Pure: the time comes from the clock, existing names are passed in. Validation is separate.
 */
export function assembleManifest(input: AssembleManifestInput): ReleaseManifest {
  const { published, previous } = input;
  const previousVersions = previous ? manifestVersions(previous) : new Map<string, string>();
  const releasedNow = new Set(published.items.map((i) => i.component));
  const components: ReleaseManifest['components'] = {
    packages: (previous?.components.packages ?? []).filter((p) => !releasedNow.has(p.name)),
    images: (previous?.components.images ?? []).filter((i) => !releasedNow.has(i.name)),
    infrastructure: (previous?.components.infrastructure ?? []).filter((i) => !releasedNow.has(i.name)),
  };
  const modules = (previous?.components.modules ?? []).filter((m) => !releasedNow.has(m.name));
  const assets = (previous?.components.assets ?? []).filter((a) => !releasedNow.has(a.name));
  for (const item of published.items) {
    const placed = manifestEntry(item);
    if (placed.category === 'packages') components.packages.push(placed.entry);
    else if (placed.category === 'images') components.images.push(placed.entry);
    else if (placed.category === 'modules') modules.push(placed.entry);
    else if (placed.category === 'assets') assets.push(placed.entry);
    else components.infrastructure.push(placed.entry);
  }
  // Only manifests with Go modules have the list: the others stay byte for byte as before.
  if (modules.length > 0) components.modules = modules.sort((a, b) => (a.name < b.name ? -1 : 1));
  if (assets.length > 0) components.assets = assets.sort((a, b) => (a.name < b.name ? -1 : 1));
  const byName = <T extends { name: string }>(items: T[]) => items.sort((a, b) => (a.name < b.name ? -1 : 1));
  byName(components.packages);
  byName(components.images);
  byName(components.infrastructure);

  const now = input.clock.now();
  const draft: ReleaseManifest = {
    apiVersion: manifestApiVersion,
    kind: manifestKind,
    metadata: {
      name: '',
      createdAt: now.toISOString(),
      source: {
        repository: published.source.repository,
        commit: published.source.commit,
        runUrl: published.source.runUrl ?? null,
      },
      previous: previous?.metadata.name ?? null,
    },
    components,
    compatibility: input.compatibility ?? previous?.compatibility ?? [],
  };
  const versions = manifestVersions(draft);
  const bump = largestBump(
    published.items
      .filter((i) => !i.skipped)
      .map((i) =>
        componentBump(previousVersions.get(i.component) ?? null, versions.get(i.component) ?? i.version),
      ),
  );
  const name = nameRelease(input.naming, {
    previous: draft.metadata.previous,
    existingNames: input.existingNames ?? [],
    bump,
    versions,
    now,
  });
  return { ...draft, metadata: { ...draft.metadata, name } };
}
