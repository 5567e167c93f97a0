import {
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
  mkdirSync,
  cpSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { create } from 'tar';
import { parseDocument } from 'yaml';
import { inputError } from '../relx-error.js';
import type { ImageSource } from './image-source.js';
import { mediaTypes, type ImageManifest } from './oci-media-types.js';
import { sha256 } from './registry-client.js';

/** The same files give the same bytes: sorted entries, no owners, a fixed time, gzip without a timestamp. */
export async function deterministicTarGz(root: string, prefix: string): Promise<Buffer> {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else files.push(relative(root, path).split('\\').join('/'));
    }
  };
  walk(join(root, prefix));
  const out = mkdtempSync(join(tmpdir(), 'relx-tar-'));
  try {
    const file = join(out, 'archive.tgz');
    await create(
      { cwd: root, file, gzip: true, portable: true, mtime: new Date(0), noDirRecurse: true },
      files,
    );
    return readFileSync(file);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** An artifact assembled in memory, pushed like any image. */
export function memorySource(
  description: string,
  manifest: ImageManifest,
  blobs: Map<string, Buffer>,
): ImageSource {
  const bytes = Buffer.from(JSON.stringify(manifest));
  return {
    description,
    registry: null,
    root: async () => ({ bytes, mediaType: mediaTypes.ociManifest, digest: sha256(bytes) }),
    manifest: async () => ({ bytes, mediaType: mediaTypes.ociManifest }),
    blob: async (digest) => {
      const blob = blobs.get(digest);
      if (!blob) throw new Error(`no blob ${digest}`);
      return blob;
    },
  };
}

function artifact(
  description: string,
  config: { mediaType: string; bytes: Buffer },
  layer: { mediaType: string; bytes: Buffer; title: string },
  artifactType?: string,
): ImageSource {
  const configDigest = sha256(config.bytes);
  const layerDigest = sha256(layer.bytes);
  const manifest: ImageManifest = {
    schemaVersion: 2,
    mediaType: mediaTypes.ociManifest,
    ...(artifactType ? { artifactType } : {}),
    config: { mediaType: config.mediaType, digest: configDigest, size: config.bytes.length },
    layers: [
      {
        mediaType: layer.mediaType,
        digest: layerDigest,
        size: layer.bytes.length,
        annotations: { 'org.opencontainers.image.title': layer.title },
      },
    ],
  };
  return memorySource(
    description,
    manifest,
    new Map([
      [configDigest, config.bytes],
      [layerDigest, layer.bytes],
    ]),
  );
}

/**
 * A Helm chart as Helm pushes it (`helm push`): config = the chart's metadata as JSON, one layer =
 * the packaged chart, with Helm's media types. Packaged here, with the released version (and the
 * image's version as appVersion when the chart ships one), deterministically: the same chart gives
 * the same digest on every run.
 */
export async function helmChartArtifact(
  chartDir: string,
  version: string,
  appVersion?: string,
): Promise<{ source: ImageSource; name: string }> {
  const chartFile = join(chartDir, 'Chart.yaml');
  let text: string;
  try {
    text = readFileSync(chartFile, 'utf8');
  } catch {
    throw inputError(`${chartDir} has no Chart.yaml.`, {
      field: 'path',
      fix: 'Point the helm-chart component at the chart folder.',
    });
  }
  const document = parseDocument(text);
  const name = String(document.get('name') ?? '');
  if (!/^[a-z0-9][a-z0-9-]*$/.test(name))
    throw inputError(`The chart in ${chartDir} has no valid name.`, {
      file: chartFile,
      fix: 'Set name: in Chart.yaml.',
    });
  document.set('version', version);
  if (appVersion) document.set('appVersion', appVersion);
  const work = mkdtempSync(join(tmpdir(), 'relx-chart-'));
  try {
    mkdirSync(join(work, name));
    cpSync(chartDir, join(work, name), { recursive: true });
    writeFileSync(join(work, name, 'Chart.yaml'), document.toString());
    const tgz = await deterministicTarGz(work, name);
    const config = Buffer.from(JSON.stringify(document.toJS()));
    return {
      name,
      source: artifact(
        `chart ${name} ${version}`,
        { mediaType: mediaTypes.helmConfig, bytes: config },
        { mediaType: mediaTypes.helmChart, bytes: tgz, title: `${name}-${version}.tgz` },
      ),
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Terraform modules, Kustomize bases, CDK assets, files: one tar+gzip layer with a relx artifact type. */
export async function directoryArtifact(
  dir: string,
  kind: string,
  name: string,
  version: string,
): Promise<ImageSource> {
  const work = mkdtempSync(join(tmpdir(), 'relx-artifact-'));
  try {
    cpSync(dir, join(work, name), { recursive: true });
    const tgz = await deterministicTarGz(work, name);
    const empty = Buffer.from('{}');
    return artifact(
      `${kind} ${name} ${version}`,
      { mediaType: mediaTypes.ociEmpty, bytes: empty },
      { mediaType: mediaTypes.tarGzip, bytes: tgz, title: `${name}-${version}.tar.gz` },
      `application/vnd.relx.${kind}.v1+tar`,
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
