import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import {
  createServer as createHttpServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { freePort } from '../free-port.js';
import { startServerProcess } from '../server-process.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash, randomUUID } from 'node:crypto';

/** A real distribution registry (Debian `docker-registry`) on a free loopback port, with temporary storage. */

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
  const host = `127.0.0.1:${port}`;
  const server = await startServerProcess(
    'docker-registry',
    ['serve', join(dir, 'config.yml')],
    `http://${host}/v2/`,
    dir,
  );
  return { host, stop: server.stop };
}

/** Passes a request to the registry at `upstream`, rewriting its Location headers to `host`. */
function forward(
  req: IncomingMessage,
  res: ServerResponse,
  upstream: string,
  host: string,
  { keepAuthorization = true } = {},
): void {
  const [upstreamHost, upstreamPort] = upstream.split(':');
  const headers = { ...req.headers, host: upstream };
  if (!keepAuthorization) delete headers.authorization;
  const outgoing = httpRequest(
    {
      host: upstreamHost,
      port: Number(upstreamPort),
      method: req.method,
      path: req.url,
      headers,
    },
    (response) => {
      const headers = { ...response.headers };
      if (typeof headers.location === 'string') headers.location = headers.location.replace(upstream, host);
      res.writeHead(response.statusCode ?? 502, headers);
      response.pipe(res);
    },
  );
  outgoing.on('error', () => res.destroy());
  req.pipe(outgoing);
}

/** Passes a request to the registry, lets it take effect, and answers 503 instead of its answer. */
function forwardThenFail(req: IncomingMessage, res: ServerResponse, upstream: string): void {
  const [upstreamHost, upstreamPort] = upstream.split(':');
  const outgoing = httpRequest(
    {
      host: upstreamHost,
      port: Number(upstreamPort),
      method: req.method,
      path: req.url,
      headers: { ...req.headers, host: upstream },
    },
    (response) => {
      response.resume();
      response.on('end', () => {
        res.writeHead(503, { 'content-type': 'application/json' });
        res.end('{"error":"service unavailable"}');
      });
    },
  );
  outgoing.on('error', () => res.destroy());
  req.pipe(outgoing);
}

/**
 * A proxy in front of a registry (OCI or npm) that misbehaves on demand: `failNext(n)` answers 503
 * to the next n requests; `dieAfter(n)` lets n requests through, then stops answering.
 */
export class FlakyProxy {
  private failures = 0;
  private lostPutAnswers = 0;
  private stalls = 0;
  private echoingRefusals = 0;
  private echoStatus = 403;
  private allowed = Number.POSITIVE_INFINITY;
  private puts = Number.POSITIVE_INFINITY;
  requests = 0;
  /** `METHOD /path` of every request, in order. */
  readonly received: string[] = [];
  private server!: Server;
  host = '';
  constructor(private readonly upstream: string) {}

  async start(port = 0): Promise<this> {
    this.server = createHttpServer((req, res) => {
      this.requests++;
      this.received.push(`${req.method} ${req.url}`);
      if (req.method === 'PUT' && this.puts-- <= 0) this.allowed = 0;
      if (this.allowed <= 0) {
        req.socket.destroy();
        return;
      }
      this.allowed--;
      if (this.stalls > 0) {
        this.stalls--;
        return; // takes the request and never answers
      }
      if (req.method === 'PUT' && this.echoingRefusals > 0) {
        this.echoingRefusals--;
        const authorization = req.headers.authorization ?? '';
        res.writeHead(this.echoStatus, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            error: `forbidden: ${authorization.replace(/^\w+ /, '')} may not publish (authorization: ${authorization})`,
          }),
        );
        return;
      }
      if (req.method === 'PUT' && this.lostPutAnswers > 0) {
        this.lostPutAnswers--;
        forwardThenFail(req, res, this.upstream);
        return;
      }
      if (this.failures > 0) {
        this.failures--;
        res.writeHead(503, { 'content-type': 'application/json' });
        res.end('{"errors":[{"code":"UNAVAILABLE","message":"flaky"}]}');
        return;
      }
      forward(req, res, this.upstream, this.host);
    });
    await new Promise<void>((r) => this.server.listen(port, '127.0.0.1', r));
    this.host = `127.0.0.1:${(this.server.address() as { port: number }).port}`;
    return this;
  }
  failNext(n: number) {
    this.failures = n;
  }
  /** The next n PUTs reach the registry and take effect, then are answered 503: a lost answer. */
  loseNextPutAnswers(n: number) {
    this.lostPutAnswers = n;
  }
  /** The next n requests are taken and never answered: a registry that hangs. */
  stallNext(n: number) {
    this.stalls = n;
  }
  /** The next n PUTs are refused (403) with a body that echoes the request's credential. */
  refuseNextPutsEchoingCredentials(n: number, status = 403) {
    this.echoingRefusals = n;
    this.echoStatus = status;
  }
  dieAfter(n: number) {
    this.allowed = n;
  }
  /** Lets n PUT requests (publishes, uploads) through, then stops answering anything. */
  dieAfterPuts(n: number) {
    this.puts = n;
  }
  revive() {
    this.allowed = Number.POSITIVE_INFINITY;
    this.puts = Number.POSITIVE_INFINITY;
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

/** The registry behind an auth proxy is open: it needs the request, not the credentials. */
const noCredentials = { keepAuthorization: false };

/**
 * The token flow of ghcr.io, Docker Hub and ECR in front of a real registry: a request without a
 * Bearer token that grants its scope gets 401 and a challenge naming the realm, service and scope
 * (for a cross-repository mount, pull on the source too); the realm hands out a token for the
 * asked scopes to Basic credentials it accepts. With `basic`, it asks for Basic credentials on
 * every call instead. Records what was asked.
 */
export class RegistryAuthProxy {
  private server!: Server;
  host = '';
  private readonly tokens = new Map<string, Set<string>>();
  /** Each token request: the Basic user (or null) and the scopes asked. */
  readonly tokenRequests: Array<{ user: string | null; scopes: string[] }> = [];
  /** Authorization headers seen on registry calls (to prove credentials go only to the realm). */
  readonly registryAuthorizations: string[] = [];

  constructor(
    private readonly upstream: string,
    private readonly credentials: { username: string; password: string },
    /** `basic`: no token flow, the registry asks for Basic credentials on each call instead. */
    private readonly scheme: 'token' | 'basic' = 'token',
  ) {}

  private basicAllowed(req: IncomingMessage): boolean {
    const { username, password } = this.credentials;
    return req.headers.authorization === `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
  }

  private neededScopes(req: IncomingMessage): string[] {
    const url = new URL(req.url ?? '/', 'http://proxy');
    const name = /^\/v2\/(.+?)\/(?:blobs|manifests|tags)\//.exec(url.pathname)?.[1];
    if (!name) return [];
    const write = !['GET', 'HEAD'].includes(req.method ?? 'GET');
    const scopes = [`repository:${name}:${write ? 'pull,push' : 'pull'}`];
    const from = url.searchParams.get('from');
    if (from) scopes.push(`repository:${from}:pull`);
    return scopes;
  }

  private grants(token: Set<string> | undefined, needed: string): boolean {
    if (!token) return false;
    const [, name, actions = ''] = needed.split(':');
    return [...token].some((granted) => {
      const [, grantedName, grantedActions = ''] = granted.split(':');
      return grantedName === name && actions.split(',').every((a) => grantedActions.split(',').includes(a));
    });
  }

  async start(): Promise<this> {
    this.server = createHttpServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://proxy');
      if (url.pathname === '/token') {
        const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '')?.[1];
        const [user, password] = basic ? Buffer.from(basic, 'base64').toString().split(':') : [];
        const scopes = url.searchParams.getAll('scope').flatMap((s) => s.split(' '));
        this.tokenRequests.push({ user: user ?? null, scopes });
        if (user !== this.credentials.username || password !== this.credentials.password) {
          res.writeHead(401, { 'content-type': 'application/json' });
          res.end('{"errors":[{"code":"UNAUTHORIZED","message":"bad credentials"}]}');
          return;
        }
        const token = randomUUID();
        this.tokens.set(token, new Set(scopes));
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ token, expires_in: 300 }));
        return;
      }
      this.registryAuthorizations.push(req.headers.authorization ?? '');
      if (this.scheme === 'basic') {
        if (this.basicAllowed(req)) return forward(req, res, this.upstream, this.host, noCredentials);
        req.resume();
        res.writeHead(401, { 'www-authenticate': 'Basic realm="relx-test"' });
        res.end();
        return;
      }
      const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      const needed = this.neededScopes(req);
      const token = bearer ? this.tokens.get(bearer) : undefined;
      const allowed =
        url.pathname === '/v2/'
          ? bearer !== undefined && token !== undefined
          : needed.every((s) => this.grants(token, s));
      if (!allowed) {
        req.resume();
        res.writeHead(401, {
          'content-type': 'application/json',
          'www-authenticate': `Bearer realm="http://${this.host}/token",service="relx-test"${needed.length ? `,scope="${needed.join(' ')}"` : ''}`,
        });
        res.end('{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}');
        return;
      }
      forward(req, res, this.upstream, this.host, noCredentials);
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.host = `127.0.0.1:${(this.server.address() as { port: number }).port}`;
    return this;
  }

  stop() {
    this.server.closeAllConnections();
    return new Promise<void>((r) => this.server.close(() => r()));
  }
}
