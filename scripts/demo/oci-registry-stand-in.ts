// An in-memory stand-in for an OCI distribution registry, for `npm run demo` on a machine without
// Debian's docker-registry: the handful of endpoints relx uses (blobs, uploads, mounts, manifests).
// The tests use the real registry (test/oci/registry-fixture.ts); this only keeps the demo
// self-contained.
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RunningRegistryStandIn {
  /** host:port, as an image reference names it. */
  host: string;
  stop(): Promise<void>;
}

interface Reply {
  status: number;
  headers?: OutgoingHttpHeaders;
  body?: string | Buffer;
}

const sha256 = (bytes: Buffer) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

class InMemoryRegistry {
  private readonly blobs = new Map<string, Buffer>();
  /** `${repository}@${tag or digest}` → the manifest. */
  private readonly manifests = new Map<string, { bytes: Buffer; mediaType: string }>();

  answer(request: IncomingMessage, body: Buffer): Reply {
    const url = new URL(request.url ?? '/', 'http://stand-in');
    if (url.pathname === '/v2/') return { status: 200, body: '{}' };
    const route = /^\/v2\/(.+)\/(blobs|manifests)\/(uploads\/?|[^/]+)(?:\/.*)?$/.exec(url.pathname);
    if (!route) return { status: 404 };
    const [, repository = '', kind, ref = ''] = route;
    if (kind === 'blobs' && ref.startsWith('uploads'))
      return this.upload(request.method, url, repository, body);
    if (kind === 'blobs') {
      const blob = this.blobs.get(ref);
      if (!blob) return { status: 404 };
      return request.method === 'HEAD'
        ? { status: 200, headers: { 'content-length': blob.length } }
        : { status: 200, body: blob };
    }
    if (request.method === 'PUT') {
      const digest = sha256(body);
      const entry = { bytes: body, mediaType: request.headers['content-type'] ?? '' };
      this.manifests.set(`${repository}@${ref}`, entry);
      this.manifests.set(`${repository}@${digest}`, entry);
      return { status: 201, headers: { 'docker-content-digest': digest } };
    }
    const found = this.manifests.get(`${repository}@${ref}`);
    if (!found) return { status: 404 };
    const headers = { 'content-type': found.mediaType, 'docker-content-digest': sha256(found.bytes) };
    return request.method === 'HEAD' ? { status: 200, headers } : { status: 200, headers, body: found.bytes };
  }

  /** A blob upload: POST starts it (or mounts a blob it already has), PUT completes it in one go. */
  private upload(method: string | undefined, url: URL, repository: string, body: Buffer): Reply {
    if (method === 'POST') {
      const mount = url.searchParams.get('mount');
      if (mount && this.blobs.has(mount))
        return { status: 201, headers: { location: `/v2/${repository}/blobs/${mount}` } };
      const session = Math.random().toString(36).slice(2);
      return { status: 202, headers: { location: `/v2/${repository}/blobs/uploads/${session}` } };
    }
    if (method !== 'PUT') return { status: 404 };
    const digest = url.searchParams.get('digest') ?? '';
    if (sha256(body) !== digest) return { status: 400, body: '{"errors":[{"code":"DIGEST_INVALID"}]}' };
    this.blobs.set(digest, body);
    return {
      status: 201,
      headers: { 'docker-content-digest': digest, location: `/v2/${repository}/blobs/${digest}` },
    };
  }
}

export async function startRegistryStandIn(): Promise<RunningRegistryStandIn> {
  const registry = new InMemoryRegistry();
  const server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const { status, headers = {}, body = '' } = registry.answer(request, Buffer.concat(chunks));
    response.writeHead(status, headers);
    response.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    host: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
