import { createHash } from 'node:crypto';
import { fetchRetrying, type RetryOptions } from '../http/fetch-retrying.js';
import { defaultRetryPolicy } from '../http/retry-policy.js';
import { inputError, transientError, type RelxError } from '../relx-error.js';
import { rememberBasicCredentials, rememberSecret, scrubSecrets } from '../secret-scrubber.js';
import { manifestAccept } from './oci-media-types.js';

export interface RegistryCredentials {
  username?: string;
  password?: string;
}

export const sha256 = (bytes: Buffer | string) =>
  `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

const rerunFix = 'Re-run when the registry is back: what was published is kept and not published again.';

/** Loopback registries speak plain HTTP (a test or a local registry); everything else HTTPS. */
const plainHttp = (host: string) => /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?$/.test(host);

/**
 * The OCI distribution API over fetch, no Docker daemon: manifests, blobs, cross-repository
 * mounts, and the token flow ghcr.io, Docker Hub and ECR use (401 with a Bearer challenge →
 * token from the realm with the credentials → retry). 429, 5xx and network errors are retried
 * with backoff; what still fails is a transient error that says a re-run is safe.
 */
export class RegistryClient {
  readonly base: string;
  private readonly tokens = new Map<string, string>();
  /** Credentials go out only once the registry asked for Basic auth, never to a token registry. */
  private basicChallenged = false;

  constructor(
    readonly host: string,
    private readonly credentials: RegistryCredentials = {},
    private readonly options: RetryOptions = {},
  ) {
    this.base = `${plainHttp(host) ? 'http' : 'https'}://${host}/v2`;
    rememberBasicCredentials(credentials.username, credentials.password);
  }

  /** The secrets this client holds, to scrub from anything built from the registry's answers. */
  private secrets(): string[] {
    const basic = this.basic();
    return [this.credentials.password, basic?.slice('Basic '.length), ...this.tokens.values()].filter(
      (s): s is string => !!s,
    );
  }

  private basic(): string | null {
    const { username, password } = this.credentials;
    return username || password
      ? `Basic ${Buffer.from(`${username ?? ''}:${password ?? ''}`).toString('base64')}`
      : null;
  }

  private async token(challenge: string, scope: string): Promise<string> {
    const params = Object.fromEntries([...challenge.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    const realm = params.realm;
    if (!realm)
      throw inputError(`${this.host} asked for a token without saying where to get one.`, {
        fix: 'Check the registry URL.',
      });
    const url = new URL(realm);
    if (params.service) url.searchParams.set('service', params.service);
    url.searchParams.set('scope', params.scope ?? scope);
    const basic = this.basic();
    const response = await fetchRetrying(
      url,
      { headers: basic ? { authorization: basic } : {} },
      { what: `${this.host}'s token endpoint`, fix: rerunFix },
      this.options,
    );
    if (!response.ok) {
      throw inputError(`${this.host} refused the credentials (token endpoint answered ${response.status}).`, {
        field: 'oci-password',
        fix: 'Give a user and token allowed to push to this repository (for ghcr.io: the workflow token with packages: write).',
      });
    }
    const body = (await response.json()) as { token?: string; access_token?: string };
    const token = body.token ?? body.access_token;
    if (!token)
      throw inputError(`${this.host}'s token endpoint returned no token.`, { fix: 'Check the registry.' });
    rememberSecret(token);
    return token;
  }

  /** One call, with auth and retries. `repository` sets the token scope. */
  async request(
    method: string,
    path: string,
    repository: string,
    init: {
      headers?: Record<string, string>;
      body?: Buffer;
      actions?: string;
      /** A POST whose repetition is harmless (an upload session, a mount). */
      idempotent?: boolean;
      /** After a write that may have landed: whether it did. */
      alreadyDone?: (error: RelxError) => Promise<Response | undefined>;
      retry?: RetryOptions;
    } = {},
  ): Promise<Response> {
    const scope = `repository:${repository}:${init.actions ?? 'pull,push'}`;
    const url = path.startsWith('http') ? path : `${this.base}${path}`;
    const send = () => {
      const token = this.tokens.get(scope);
      const authorization = token ? `Bearer ${token}` : this.basicChallenged ? this.basic() : null;
      return fetchRetrying(
        url,
        {
          method,
          headers: { ...init.headers, ...(authorization ? { authorization } : {}) },
          ...(init.body ? { body: init.body } : {}),
          redirect: 'follow',
        },
        {
          what: `${this.host} (${method} ${path.split('?')[0]})`,
          fix: rerunFix,
          ...(init.idempotent !== undefined ? { idempotent: init.idempotent } : {}),
          ...(init.alreadyDone ? { alreadyDone: init.alreadyDone } : {}),
        },
        { ...this.options, ...init.retry, policy: { ...this.options.policy, ...init.retry?.policy } },
      );
    };
    const response = await send();
    if (response.status !== 401) return response;
    // Credentials go where the registry asks: a token from its realm, or Basic when it says so.
    const challenge = response.headers.get('www-authenticate') ?? '';
    await response.arrayBuffer();
    if (/^bearer/i.test(challenge)) {
      this.tokens.set(scope, await this.token(challenge, scope));
      return send();
    }
    if (/^basic/i.test(challenge) && this.basic()) {
      this.basicChallenged = true;
      return send();
    }
    throw inputError(`${this.host} needs credentials for ${repository}.`, {
      field: 'oci-username',
      fix: 'Pass oci-username and oci-password (a token) allowed to push there.',
    });
  }

  private async expect(response: Response, ok: number[], what: string): Promise<Response> {
    if (ok.includes(response.status)) return response;
    const text = await response.text().catch(() => '');
    if (response.status === 401 || response.status === 403) {
      throw inputError(`${this.host} refused ${what} (${response.status}).`, {
        field: 'oci-password',
        fix: 'Give credentials allowed to push to this repository.',
      });
    }
    // a registry may echo a credential in its answer: scrub before the text becomes a message
    const said = scrubSecrets(text, this.secrets()).slice(0, 300);
    throw inputError(`${this.host} refused ${what}: ${response.status} ${said}`, {
      fix: 'Check the reference.',
    });
  }

  /** The manifest or index at a tag or digest, or null when there is none. */
  async getManifest(
    repository: string,
    reference: string,
  ): Promise<{ bytes: Buffer; mediaType: string; digest: string } | null> {
    const response = await this.request('GET', `/${repository}/manifests/${reference}`, repository, {
      headers: { accept: manifestAccept },
      actions: 'pull',
    });
    if (response.status === 404) {
      await response.arrayBuffer();
      return null;
    }
    await this.expect(response, [200], `the manifest ${repository}:${reference}`);
    const bytes = Buffer.from(await response.arrayBuffer());
    const mediaType =
      (JSON.parse(bytes.toString('utf8')) as { mediaType?: string }).mediaType ??
      response.headers.get('content-type')?.split(';')[0] ??
      '';
    return { bytes, mediaType, digest: sha256(bytes) };
  }

  async putManifest(
    repository: string,
    reference: string,
    bytes: Buffer,
    mediaType: string,
  ): Promise<string> {
    const response = await this.request('PUT', `/${repository}/manifests/${reference}`, repository, {
      headers: { 'content-type': mediaType },
      body: bytes,
    });
    await this.expect(response, [201, 200], `the manifest ${repository}:${reference}`);
    await response.arrayBuffer();
    return response.headers.get('docker-content-digest') ?? sha256(bytes);
  }

  async hasBlob(repository: string, digest: string): Promise<boolean> {
    const response = await this.request('HEAD', `/${repository}/blobs/${digest}`, repository, {
      actions: 'pull',
    });
    await response.arrayBuffer();
    return response.status === 200;
  }

  async getBlob(repository: string, digest: string): Promise<Buffer> {
    const response = await this.request('GET', `/${repository}/blobs/${digest}`, repository, {
      actions: 'pull',
    });
    await this.expect(response, [200], `the blob ${digest} of ${repository}`);
    const bytes = Buffer.from(await response.arrayBuffer());
    if (sha256(bytes) !== digest)
      throw transientError(`The blob ${digest} of ${repository} arrived corrupted.`, { fix: 'Re-run.' });
    return bytes;
  }

  /** Mounts a blob from another repository of the same registry; false when the registry would not. */
  async mountBlob(repository: string, digest: string, from: string): Promise<boolean> {
    const response = await this.request(
      'POST',
      `/${repository}/blobs/uploads/?mount=${encodeURIComponent(digest)}&from=${encodeURIComponent(from)}`,
      repository,
      { idempotent: true },
    );
    await response.arrayBuffer();
    return response.status === 201;
  }

  /** A monolithic upload: POST for a location, then PUT the bytes with their digest. */
  async pushBlob(repository: string, digest: string, bytes: Buffer): Promise<void> {
    // a second upload session, if the first answer was lost, is harmless: it expires unused
    const start = await this.request('POST', `/${repository}/blobs/uploads/`, repository, {
      idempotent: true,
    });
    await this.expect(start, [202], `an upload to ${repository}`);
    await start.arrayBuffer();
    const location = start.headers.get('location');
    if (!location) throw inputError(`${this.host} gave no upload location.`, { fix: 'Check the registry.' });
    const url = new URL(location, `${this.base.replace(/\/v2$/, '')}/`);
    url.searchParams.set('digest', digest);
    // a big blob gets time to travel (at 512 KiB/s at least); after a lost answer the upload
    // session is gone, so whether the blob landed is asked, not the PUT repeated into a 404
    const attemptTimeoutMs = Math.max(
      defaultRetryPolicy.attemptTimeoutMs,
      (bytes.length / (512 * 1024)) * 1000,
    );
    const put = await this.request('PUT', url.toString(), repository, {
      headers: { 'content-type': 'application/octet-stream' },
      body: bytes,
      idempotent: false,
      alreadyDone: async () =>
        (await this.hasBlob(repository, digest)) ? new Response(null, { status: 201 }) : undefined,
      retry: {
        policy: {
          attemptTimeoutMs,
          overallTimeoutMs: Math.max(defaultRetryPolicy.overallTimeoutMs, 4 * attemptTimeoutMs),
        },
      },
    });
    await this.expect(put, [201], `the blob ${digest} to ${repository}`);
    await put.arrayBuffer();
  }
}
