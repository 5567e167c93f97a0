import { conflictError, transientError } from '../relx-error.js';
import type { ImageSource } from './image-source.js';
import { isIndex, type Descriptor, type ImageIndex, type ImageManifest } from './oci-media-types.js';
import type { RegistryClient } from './registry-client.js';

export interface PushResult {
  /** host/repository:tag@digest */
  reference: string;
  digest: string;
  /** true when the tag already held this digest: nothing was pushed. */
  skipped: boolean;
}

/**
 * Tags are immutable here: the registry would let a tag move, relx does not. The same digest is
 * a re-run (skipped); another digest is a conflict that names both.
 */
export async function checkTag(
  client: RegistryClient,
  repository: string,
  tag: string,
  digest: string,
): Promise<'absent' | 'same'> {
  const existing = await client.getManifest(repository, tag);
  if (!existing) return 'absent';
  if (existing.digest === digest) return 'same';
  throw conflictError(
    `${client.host}/${repository}:${tag} already exists with digest ${existing.digest}, not ${digest}.`,
    {
      field: 'version',
      fix: 'A published version never changes: release a new version. (If that tag was pushed by mistake, delete it in the registry first.)',
    },
  );
}

async function copyBlob(
  source: ImageSource,
  client: RegistryClient,
  repository: string,
  descriptor: Descriptor,
): Promise<void> {
  if (await client.hasBlob(repository, descriptor.digest)) return;
  if (
    source.registry &&
    source.registry.host === client.host &&
    (await client.mountBlob(repository, descriptor.digest, source.registry.repository))
  ) {
    return;
  }
  await client.pushBlob(repository, descriptor.digest, await source.blob(descriptor.digest));
}

/** Copies one manifest (and, for an index, every child) with its blobs; children by digest, the root by tag. */
async function copyManifest(
  source: ImageSource,
  client: RegistryClient,
  repository: string,
  manifest: { bytes: Buffer; mediaType: string; digest: string },
  reference: string,
  onProgress: (message: string) => void,
): Promise<void> {
  if (isIndex(manifest.mediaType)) {
    const index = JSON.parse(manifest.bytes.toString('utf8')) as ImageIndex;
    for (const child of index.manifests) {
      const bytes = await source.manifest(child.digest);
      await copyManifest(
        source,
        client,
        repository,
        { ...bytes, digest: child.digest },
        child.digest,
        onProgress,
      );
    }
  } else {
    const image = JSON.parse(manifest.bytes.toString('utf8')) as ImageManifest;
    for (const descriptor of [image.config, ...image.layers])
      await copyBlob(source, client, repository, descriptor);
  }
  await client.putManifest(repository, reference, manifest.bytes, manifest.mediaType);
  onProgress(`pushed ${manifest.digest.slice(0, 19)} as ${repository}:${reference.slice(0, 19)}`);
}

/**
 * Promote, don't rebuild: the source's manifest bytes (or whole index) go to the destination
 * unchanged, so the digest is the one CI built and tested; then it is read back to prove it.
 */
export async function pushImage(
  source: ImageSource,
  client: RegistryClient,
  repository: string,
  tag: string,
  onProgress: (message: string) => void = () => {},
): Promise<PushResult> {
  const root = await source.root();
  const reference = `${client.host}/${repository}:${tag}@${root.digest}`;
  if ((await checkTag(client, repository, tag, root.digest)) === 'same')
    return { reference, digest: root.digest, skipped: true };
  await copyManifest(source, client, repository, root, tag, onProgress);
  const landed = await client.getManifest(repository, tag);
  if (landed?.digest !== root.digest) {
    throw transientError(
      `${client.host}/${repository}:${tag} reads back as ${landed?.digest ?? 'nothing'}, not ${root.digest}.`,
      {
        fix: 'Re-run; if it persists the registry rewrites manifests, which breaks digest pinning.',
      },
    );
  }
  return { reference, digest: root.digest, skipped: false };
}
