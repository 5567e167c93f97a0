import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, request as httpRequest, type Server } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';

/** A real distribution registry (Debian `docker-registry`) on a free loopback port, with temporary storage. */

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

export interface RunningRegistry {
  host: string;
  stop(): Promise<void>;
}

export async function startRegistry(): Promise<RunningRegistry> {
  const dir = mkdtempSync(join(tmpdir(), 'relx-registry-'));
  const port = await freePort();
  writeFileSync(
    join(dir, 'config.yml'),
    [
      'version: 0.1',
      'log: { level: error }',
      `storage: { filesystem: { rootdirectory: ${join(dir, 'data')} }, delete: { enabled: true } }`,
      `http: { addr: 127.0.0.1:${port} }`,
      '',
    ].join('\n'),
  );
  const child = spawn('docker-registry', ['serve', join(dir, 'config.yml')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const host = `127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      if ((await fetch(`http://${host}/v2/`)).ok) break;
    } catch {
      // not yet
    }
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`docker-registry did not start: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    host,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A proxy in front of a registry that misbehaves on demand: `failNext(n)` answers 503 to the next
 * n requests; `dieAfter(n)` lets n requests through, then stops answering (connections refused).
 */
export class FlakyProxy {
  private failures = 0;
  private allowed = Number.POSITIVE_INFINITY;
  requests = 0;
  private server!: Server;
  host = '';
  constructor(private readonly upstream: string) {}

  async start(port = 0): Promise<this> {
    this.server = createHttpServer((req, res) => {
      this.requests++;
      if (this.allowed <= 0) {
        req.socket.destroy();
        return;
      }
      this.allowed--;
      if (this.failures > 0) {
        this.failures--;
        res.writeHead(503, { 'content-type': 'application/json' });
        res.end('{"errors":[{"code":"UNAVAILABLE","message":"flaky"}]}');
        return;
      }
      const [host, port] = this.upstream.split(':');
      const upstream = httpRequest(
        {
          host,
          port: Number(port),
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: this.upstream },
        },
        (response) => {
          const headers = { ...response.headers };
          if (typeof headers.location === 'string')
            headers.location = headers.location.replace(this.upstream, this.host);
          res.writeHead(response.statusCode ?? 502, headers);
          response.pipe(res);
        },
      );
      upstream.on('error', () => res.destroy());
      req.pipe(upstream);
    });
    await new Promise<void>((r) => this.server.listen(port, '127.0.0.1', r));
    this.host = `127.0.0.1:${(this.server.address() as { port: number }).port}`;
    return this;
  }
  failNext(n: number) {
    this.failures = n;
  }
  dieAfter(n: number) {
    this.allowed = n;
  }
  revive() {
    this.allowed = Number.POSITIVE_INFINITY;
  }
  stop() {
    this.server.closeAllConnections();
    return new Promise<void>((r) => this.server.close(() => r()));
  }
}

const sha256hex = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

/**
 * A small image built without Docker: umoci creates and repacks it with one file, skopeo pushes it
 * to `destination` (e.g. 127.0.0.1:5000/ci/api:sha-0a1b2c3). With `platforms`, one image per
 * platform and an index over them, pushed with `skopeo copy --all`.
 */
export function buildAndPushImage(destination: string, content: string, platforms: string[] = []): void {
  const dir = mkdtempSync(join(tmpdir(), 'relx-image-'));
  try {
    const layout = join(dir, 'layout');
    execFileSync('umoci', ['init', '--layout', layout]);
    const build = (tag: string, arch: string | null, text: string) => {
      execFileSync('umoci', ['new', '--image', `${layout}:${tag}`]);
      if (arch)
        execFileSync('umoci', [
          'config',
          '--image',
          `${layout}:${tag}`,
          '--architecture',
          arch,
          '--os',
          'linux',
        ]);
      const bundle = join(dir, `bundle-${tag}`);
      execFileSync('umoci', ['unpack', '--rootless', '--image', `${layout}:${tag}`, bundle]);
      mkdirSync(join(bundle, 'rootfs', 'app'), { recursive: true });
      writeFileSync(join(bundle, 'rootfs', 'app', 'build.txt'), text);
      execFileSync('umoci', ['repack', '--image', `${layout}:${tag}`, bundle]);
      rmSync(bundle, { recursive: true, force: true });
    };
    if (platforms.length === 0) {
      build('image', null, content);
      execFileSync('skopeo', [
        'copy',
        '--quiet',
        '--dest-tls-verify=false',
        `oci:${layout}:image`,
        `docker://${destination}`,
      ]);
      return;
    }
    const children = platforms.map((arch) => {
      build(arch, arch, `${content} on ${arch}`);
      const current = JSON.parse(readFileSync(join(layout, 'index.json'), 'utf8')) as {
        manifests: Array<{
          digest: string;
          size: number;
          mediaType: string;
          annotations?: Record<string, string>;
        }>;
      };
      const entry = current.manifests.find(
        (m) => m.annotations?.['org.opencontainers.image.ref.name'] === arch,
      );
      if (!entry) throw new Error(`no ${arch} image`);
      return {
        mediaType: entry.mediaType,
        digest: entry.digest,
        size: entry.size,
        platform: { architecture: arch, os: 'linux' },
      };
    });
    const indexBytes = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.index.v1+json',
        manifests: children,
      }),
    );
    const hex = sha256hex(indexBytes);
    writeFileSync(join(layout, 'blobs', 'sha256', hex), indexBytes);
    const top = JSON.parse(readFileSync(join(layout, 'index.json'), 'utf8')) as { manifests: unknown[] };
    top.manifests.push({
      mediaType: 'application/vnd.oci.image.index.v1+json',
      digest: `sha256:${hex}`,
      size: indexBytes.length,
      annotations: { 'org.opencontainers.image.ref.name': 'multi' },
    });
    writeFileSync(join(layout, 'index.json'), JSON.stringify(top));
    execFileSync('skopeo', [
      'copy',
      '--quiet',
      '--all',
      '--dest-tls-verify=false',
      `oci:${layout}:multi`,
      `docker://${destination}`,
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** An OCI layout directory with one image tagged `tag` (what `docker buildx --output type=oci` writes). */
export function buildImageLayout(content: string, tag = 'latest'): string {
  const dir = mkdtempSync(join(tmpdir(), 'relx-layout-'));
  const layout = join(dir, 'layout');
  execFileSync('umoci', ['init', '--layout', layout]);
  execFileSync('umoci', ['new', '--image', `${layout}:${tag}`]);
  const bundle = join(dir, 'bundle');
  execFileSync('umoci', ['unpack', '--rootless', '--image', `${layout}:${tag}`, bundle]);
  writeFileSync(join(bundle, 'rootfs', 'build.txt'), content);
  execFileSync('umoci', ['repack', '--image', `${layout}:${tag}`, bundle]);
  rmSync(bundle, { recursive: true, force: true });
  return layout;
}
