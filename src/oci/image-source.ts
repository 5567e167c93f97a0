import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseImageReference } from '../manifest/assemble-manifest.js';
import { inputError } from '../relx-error.js';
import type { ImageIndex } from './oci-media-types.js';
import { RegistryClient, sha256, type RegistryCredentials } from './registry-client.js';

/** Where an image comes from: the registry CI pushed it to, or an OCI layout directory. */
export interface ImageSource {
  readonly description: string;
  /** The registry host and repository, when the source is a registry (for cross-repository mounts). */
  readonly registry: { host: string; repository: string } | null;
  root(): Promise<{ bytes: Buffer; mediaType: string; digest: string }>;
  manifest(digest: string): Promise<{ bytes: Buffer; mediaType: string }>;
  blob(digest: string): Promise<Buffer>;
}

/** `host[:port]/path/name[:tag][@digest]` → host and repository. Docker Hub short names are not guessed. */
export function splitImageReference(reference: string): {
  host: string;
  repository: string;
  tag?: string;
  digest?: string;
} {
  const { repository: named, tag, digest } = parseImageReference(reference);
  const slash = named.indexOf('/');
  const host = slash > 0 ? named.slice(0, slash) : '';
  if (
    !host ||
    !/[.:]|^localhost$/.test(host) ||
    !/^[a-z0-9]+([._/-][a-z0-9]+)*$/.test(named.slice(slash + 1))
  ) {
    throw inputError(`"${reference}" is not a full image reference.`, {
      field: 'source',
      fix: 'Write registry/namespace/name:tag, e.g. ghcr.io/acme/api:sha-0a1b2c3 (docker.io/library/x for Docker Hub).',
    });
  }
  return { host, repository: named.slice(slash + 1), ...(tag ? { tag } : {}), ...(digest ? { digest } : {}) };
}

export function registrySource(reference: string, credentials: RegistryCredentials = {}): ImageSource {
  const { host, repository, tag, digest } = splitImageReference(reference);
  const client = new RegistryClient(host, credentials);
  const get = async (ref: string) => {
    const found = await client.getManifest(repository, ref);
    if (!found) {
      throw inputError(`The source image ${host}/${repository}:${ref} does not exist.`, {
        field: 'source',
        fix: 'Check that CI pushed the image it built, and the reference template in relx.config.yaml.',
      });
    }
    return found;
  };
  return {
    description: reference,
    registry: { host, repository },
    root: () => get(digest ?? tag ?? 'latest'),
    manifest: (d) => get(d),
    blob: (d) => client.getBlob(repository, d),
  };
}

/** `oci-layout:<dir>[:tag]` — what `docker buildx --output type=oci,tar=false` and `umoci` write. */
export function layoutSource(dir: string, tag?: string): ImageSource {
  const blobPath = (digest: string) => join(dir, 'blobs', ...digest.split(':'));
  const readBlob = async (digest: string) => {
    const bytes = await readFile(blobPath(digest)).catch(() => {
      throw inputError(`The OCI layout ${dir} has no blob ${digest}.`, {
        field: 'source',
        fix: 'Rebuild the layout.',
      });
    });
    if (sha256(bytes) !== digest)
      throw inputError(`The blob ${digest} in ${dir} is corrupt.`, {
        field: 'source',
        fix: 'Rebuild the layout.',
      });
    return bytes;
  };
  const mediaTypeOf = (bytes: Buffer) =>
    (JSON.parse(bytes.toString('utf8')) as { mediaType?: string }).mediaType ?? '';
  return {
    description: `oci-layout:${dir}${tag ? `:${tag}` : ''}`,
    registry: null,
    async root() {
      const index = JSON.parse(
        await readFile(join(dir, 'index.json'), 'utf8').catch(() => {
          throw inputError(`${dir} is not an OCI layout (no index.json).`, {
            field: 'source',
            fix: 'Point at the directory buildx or umoci wrote.',
          });
        }),
      ) as ImageIndex;
      const candidates = tag
        ? index.manifests.filter((m) => m.annotations?.['org.opencontainers.image.ref.name'] === tag)
        : index.manifests;
      const [chosen, ...others] = candidates;
      if (!chosen || others.length > 0) {
        throw inputError(
          tag
            ? `The OCI layout ${dir} has no image tagged ${tag}.`
            : `The OCI layout ${dir} holds ${index.manifests.length} images; say which.`,
          {
            field: 'source',
            fix: 'Use oci-layout:<dir>:<tag>, the tag being its org.opencontainers.image.ref.name.',
          },
        );
      }
      const bytes = await readBlob(chosen.digest);
      return { bytes, mediaType: chosen.mediaType || mediaTypeOf(bytes), digest: chosen.digest };
    },
    async manifest(digest) {
      const bytes = await readBlob(digest);
      return { bytes, mediaType: mediaTypeOf(bytes) };
    },
    blob: readBlob,
  };
}

/** A source from the configured string: `oci-layout:<dir>[:tag]` or a registry reference. */
export function imageSource(
  source: string,
  root: string,
  credentials: RegistryCredentials = {},
): ImageSource {
  const layout = /^oci-layout:([^:]+)(?::(.+))?$/.exec(source);
  if (layout) return layoutSource(join(root, layout[1] ?? ''), layout[2]);
  return registrySource(source, credentials);
}
