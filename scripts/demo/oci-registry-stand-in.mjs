// An in-memory stand-in for an OCI distribution registry, for `npm run demo` on a machine without
// Debian's docker-registry: the handful of endpoints relx uses (blobs, uploads, mounts, manifests).
// The tests use the real registry; this only keeps the demo self-contained.
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';

const sha256 = (bytes) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

export async function startRegistryStandIn() {
  const blobs = new Map();
  const manifests = new Map(); // `${repo}@${ref}` → { bytes, mediaType }
  const server = createServer(async (req, res) => {
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const body = Buffer.concat(chunks);
    const url = new URL(req.url, 'http://x');
    const send = (status, headers = {}, payload = '') => {
      res.writeHead(status, headers);
      res.end(payload);
    };
    if (url.pathname === '/v2/') return send(200, {}, '{}');
    const m = /^\/v2\/(.+)\/(blobs|manifests)\/(uploads\/?|[^/]+)(?:\/.*)?$/.exec(url.pathname);
    if (!m) return send(404);
    const [, repo, kind, ref] = m;
    if (kind === 'blobs' && ref.startsWith('uploads')) {
      if (req.method === 'POST') {
        const mount = url.searchParams.get('mount');
        if (mount && blobs.has(mount)) return send(201, { location: `/v2/${repo}/blobs/${mount}` });
        return send(202, { location: `/v2/${repo}/blobs/uploads/${Math.random().toString(36).slice(2)}` });
      }
      if (req.method === 'PUT') {
        const digest = url.searchParams.get('digest');
        if (sha256(body) !== digest) return send(400, {}, '{"errors":[{"code":"DIGEST_INVALID"}]}');
        blobs.set(digest, body);
        return send(201, { 'docker-content-digest': digest, location: `/v2/${repo}/blobs/${digest}` });
      }
    }
    if (kind === 'blobs') {
      const blob = blobs.get(ref);
      if (!blob) return send(404);
      return req.method === 'HEAD' ? send(200, { 'content-length': blob.length }) : send(200, {}, blob);
    }
    if (req.method === 'PUT') {
      const digest = sha256(body);
      const entry = { bytes: body, mediaType: req.headers['content-type'] };
      manifests.set(`${repo}@${ref}`, entry);
      manifests.set(`${repo}@${digest}`, entry);
      return send(201, { 'docker-content-digest': digest });
    }
    const found = manifests.get(`${repo}@${ref}`);
    if (!found) return send(404);
    const headers = { 'content-type': found.mediaType, 'docker-content-digest': sha256(found.bytes) };
    return req.method === 'HEAD' ? send(200, headers) : send(200, headers, found.bytes);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { host: `127.0.0.1:${server.address().port}`, stop: () => new Promise((r) => server.close(r)) };
}
