// What CI would have built for a commit, without Docker: a one-layer image in an OCI layout
// directory (what `docker buildx --output type=oci` writes). test/oci/registry-fixture.ts builds
// its layouts with umoci; the demo needs nothing but `npm ci`, so it writes the layout itself.
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { create as createTar } from 'tar';

const sha256hex = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** A tar of one file, app/build.txt holding `content`, reproducible (epoch times, no owners). */
function layerTar(content: string): Buffer {
  const dir = mkdtempSync(join(tmpdir(), 'relx-demo-layer-'));
  try {
    mkdirSync(join(dir, 'files', 'app'), { recursive: true });
    writeFileSync(join(dir, 'files', 'app', 'build.txt'), content);
    const file = join(dir, 'layer.tar');
    createTar({ cwd: join(dir, 'files'), file, sync: true, portable: true, mtime: new Date(0) }, [
      'app/build.txt',
    ]);
    return readFileSync(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Writes into `dir` an OCI layout whose one image, tagged `tag`, has app/build.txt = `content`. */
export function writeImageLayout(dir: string, tag: string, content: string): void {
  const blobs = join(dir, 'blobs', 'sha256');
  mkdirSync(blobs, { recursive: true });
  const put = (bytes: Buffer) => {
    const hex = sha256hex(bytes);
    writeFileSync(join(blobs, hex), bytes);
    return { digest: `sha256:${hex}`, size: bytes.length };
  };
  const json = (value: unknown) => Buffer.from(JSON.stringify(value));
  const raw = layerTar(content);
  const layer = put(gzipSync(raw));
  const config = put(
    json({
      architecture: 'amd64',
      os: 'linux',
      rootfs: { type: 'layers', diff_ids: [`sha256:${sha256hex(raw)}`] },
      config: {},
    }),
  );
  const manifest = put(
    json({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', ...layer }],
    }),
  );
  writeFileSync(join(dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  writeFileSync(
    join(dir, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [
        {
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          ...manifest,
          annotations: { 'org.opencontainers.image.ref.name': tag },
        },
      ],
    }),
  );
}
