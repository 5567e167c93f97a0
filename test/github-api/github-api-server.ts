import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GitDataRepository } from './github-git-data.js';
import { GitHubOpenApi, type Operation } from './github-openapi.js';
import { PullRequests } from './github-pulls.js';

/**
 * A local server that plays GitHub's REST API for tests: the stateful fake. Every request is
 * first checked by GitHubOpenApi (github-openapi.ts) against the operation in GitHub's published
 * OpenAPI description (method, path parameters, query, JSON body); anything that does not fit is answered 4xx and recorded as a violation, so a test
 * that calls GitHub wrongly fails. The fixture's own answers are checked against the
 * operation's response schema too, so they have the shape GitHub's have.
 */

export interface RecordedRequest {
  method: string;
  path: string;
  template: string | null;
  query: Record<string, string>;
  body: unknown;
}

type Json = Record<string, unknown>;

/** A user or organisation with every URL GitHub's schema requires to be a URI. */
export function gitHubAccount(
  login: string,
  id: number,
  type: 'Bot' | 'Organization' | 'User' = 'User',
): Json {
  const api = `https://api.github.com/users/${login}`;
  return {
    login,
    id,
    node_id: `U_${id}`,
    avatar_url: `https://avatars.githubusercontent.com/u/${id}`,
    gravatar_id: null,
    url: api,
    html_url: `https://github.com/${login}`,
    followers_url: `${api}/followers`,
    following_url: `${api}/following{/other_user}`,
    gists_url: `${api}/gists{/gist_id}`,
    starred_url: `${api}/starred{/owner}{/repo}`,
    subscriptions_url: `${api}/subscriptions`,
    organizations_url: `${api}/orgs`,
    repos_url: `${api}/repos`,
    events_url: `${api}/events{/privacy}`,
    received_events_url: `${api}/received_events`,
    type,
    site_admin: false,
  };
}

/** An approval of a run's deployment to `environment`, as `GET …/runs/{id}/approvals` lists it. */
export function anApproval(
  environment: { id: number; name: string },
  reviewer: { login: string; id: number },
  comment: string,
): Json {
  return {
    environments: [
      {
        id: environment.id,
        node_id: `EN_${environment.id}`,
        name: environment.name,
        url: `https://api.github.com/repos/acme/deploy/environments/${environment.name}`,
        html_url: `https://github.com/acme/deploy/deployments/activity_log?environments_filter=${environment.name}`,
        created_at: '2026-01-01T00:00:00Z',
        updated_at: '2026-01-01T00:00:00Z',
      },
    ],
    state: 'approved',
    user: gitHubAccount(reviewer.login, reviewer.id),
    comment,
  };
}

export class GitHubApiServer {
  readonly requests: RecordedRequest[] = [];
  readonly violations: string[] = [];
  readonly dispatches: Array<{ repository: string; event_type: string; client_payload: unknown }> = [];
  private readonly releases: Json[] = [];
  /** Uploaded release assets' bytes, by asset id. */
  readonly assetContents = new Map<number, Buffer>();
  private readonly deployments: Json[] = [];
  private readonly statuses = new Map<number, Json[]>();
  private readonly approvals = new Map<number, Json[]>();
  /** `owner/repo` → a local git repository whose files the contents API serves. */
  private readonly gitRepositories = new Map<string, string>();
  private readonly failures: Array<{ method: string; template: string; status: number; times: number }> = [];
  /** Faults after the fact: the operation is done, then answered with an error (a lost answer). */
  private readonly lostAnswers: Array<{ method: string; template: string; status: number; times: number }> =
    [];
  private readonly openApi = new GitHubOpenApi();
  private nextId = 1;
  url = '';
  /** Pull requests, issue comments and labels (release pull requests and previews). */
  readonly pullRequests = new PullRequests(
    () => this.url,
    this.openApi.schemas,
    () => this.nextId++,
    (repo) => this.gitData(repo),
  );
  private readonly gitDataRepositories = new Map<string, GitDataRepository>();

  private constructor(private readonly server: Server) {}

  static async start(): Promise<GitHubApiServer> {
    let instance: GitHubApiServer | null = null;
    const server = createServer((req, res) => {
      instance?.handle(req, res).catch((error: unknown) => {
        // A fixture that answers wrongly is a test defect: record it and answer, never hang.
        instance?.violations.push(String(error instanceof Error ? error.message : error));
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ message: 'fixture error' }));
      });
    });
    instance = new GitHubApiServer(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    instance.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return instance;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  /** The next `times` calls of an operation answer `status` (a 5xx or 429 to test retries). */
  failNext(method: string, template: string, status: number, times = 1): void {
    this.failures.push({ method: method.toUpperCase(), template, status, times });
  }

  /**
   * The next `times` calls of an operation take effect and then answer `status` anyway — what a
   * proxy timing out in front of GitHub looks like: the dispatch was sent, the deployment made.
   */
  landThenFail(method: string, template: string, status: number, times = 1): void {
    this.lostAnswers.push({ method: method.toUpperCase(), template, status, times });
  }

  /** How many calls of an operation arrived (`POST`, `/repos/{owner}/{repo}/dispatches`). */
  count(method: string, template: string): number {
    return this.requests.filter((r) => r.method === method.toUpperCase() && r.template === template).length;
  }

  clearFailures(): void {
    this.failures.length = 0;
    this.lostAnswers.length = 0;
  }

  /** Serve `owner/repo`'s files (contents and blobs API) from a local git repository. */
  serveRepository(fullName: string, gitDir: string): void {
    this.gitRepositories.set(fullName, gitDir);
  }

  /**
   * The git data API of `owner/repo`, played on the bare repository `gitDir` (also served by the
   * contents API): commits, trees, tags and refs created through it land there.
   */
  serveGitData(fullName: string, gitDir: string): GitDataRepository {
    this.serveRepository(fullName, gitDir);
    const data = new GitDataRepository(gitDir, this.url);
    this.gitDataRepositories.set(fullName, data);
    return data;
  }

  gitData(fullName: string): GitDataRepository | null {
    return this.gitDataRepositories.get(fullName) ?? null;
  }

  seedApprovals(runId: number, approvals: Json[]): void {
    this.approvals.set(runId, approvals);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const method = req.method ?? 'GET';
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const rawBody = Buffer.concat(chunks);
    const query = Object.fromEntries(url.searchParams);
    const operation = this.openApi.operation(method, url.pathname);
    const record: RecordedRequest = {
      method,
      path: url.pathname,
      template: operation?.template ?? null,
      query,
      body: null,
    };
    this.requests.push(record);
    const send = (status: number, body?: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(body === undefined ? '' : JSON.stringify(body));
    };
    if (!operation) {
      this.violations.push(`${method} ${url.pathname}: no such operation in GitHub's OpenAPI description`);
      return send(404, { message: 'Not Found' });
    }
    if (!/^(Bearer|token) \S+/.test(req.headers.authorization ?? ''))
      return send(401, { message: 'Requires authentication' });

    const {
      params,
      body: requestBody,
      problems,
    } = this.openApi.checkRequest(operation, url.pathname, query, rawBody);
    record.body = requestBody;
    if (problems.length > 0) {
      this.violations.push(`${method} ${operation.template}: ${problems.join('; ')}`);
      return send(422, { message: 'Validation Failed', errors: problems });
    }
    const failure = this.failures.find(
      (f) => f.method === method && f.template === operation.template && f.times > 0,
    );
    if (failure) {
      failure.times--;
      return send(failure.status, { message: 'Simulated failure' });
    }
    const [status, body] = this.answer(operation, params, query, record.body);
    const lost = this.lostAnswers.find(
      (f) => f.method === method && f.template === operation.template && f.times > 0,
    );
    if (lost) {
      lost.times--;
      return send(lost.status, { message: 'Simulated failure after the operation took effect' });
    }
    this.openApi.checkResponse(operation, status, body);
    send(status, body);
  }

  private repository(params: Record<string, string>): Json {
    return {
      id: 1,
      node_id: 'R_1',
      name: params.repo,
      full_name: `${params.owner}/${params.repo}`,
      owner: gitHubAccount(params.owner ?? 'owner', 1, 'Organization'),
      private: false,
      html_url: `https://github.com/${params.owner}/${params.repo}`,
      default_branch: 'main',
    };
  }

  private git(repo: string, args: string[]): Buffer | null {
    const dir = this.gitRepositories.get(repo);
    if (!dir) return null;
    try {
      return execFileSync('git', ['-C', dir, ...args], {
        stdio: ['ignore', 'pipe', 'ignore'],
        maxBuffer: 256 * 1024 * 1024,
      });
    } catch {
      return null;
    }
  }

  /** A file as GitHub's contents API answers: base64 in lines of 60 up to 1 MB, `encoding: none` above. */
  private content(repo: string, path: string, ref: string): [number, unknown] {
    const sha = this.git(repo, ['rev-parse', '--verify', '--quiet', `${ref}:${path}`])
      ?.toString()
      .trim();
    const bytes = sha ? this.git(repo, ['cat-file', 'blob', sha]) : null;
    if (!sha || !bytes) return [404, { message: 'Not Found' }];
    const large = bytes.length > 1024 * 1024;
    const url = `${this.url}/repos/${repo}/contents/${path}?ref=${ref}`;
    const html = `https://github.com/${repo}/blob/${ref}/${path}`;
    const git = `${this.url}/repos/${repo}/git/blobs/${sha}`;
    return [
      200,
      {
        type: 'file',
        encoding: large ? 'none' : 'base64',
        size: bytes.length,
        name: path.split('/').pop(),
        path,
        content: large ? '' : (bytes.toString('base64').match(/.{1,60}/g) ?? []).join('\n'),
        sha,
        url,
        git_url: git,
        html_url: html,
        download_url: `https://raw.githubusercontent.com/${repo}/${ref}/${path}`,
        _links: { git, html, self: url },
      },
    ];
  }

  private user(): Json {
    return gitHubAccount('relx-bot', 2, 'Bot');
  }

  private release(params: Record<string, string>, body: Json): Json {
    const id = this.nextId++;
    const base = `${this.url}/repos/${params.owner}/${params.repo}/releases/${id}`;
    return {
      id,
      node_id: `RE_${id}`,
      url: base,
      html_url: `https://github.com/${params.owner}/${params.repo}/releases/tag/${String(body.tag_name)}`,
      assets_url: `${base}/assets`,
      upload_url: `${base}/assets{?name,label}`,
      tarball_url: null,
      zipball_url: null,
      tag_name: body.tag_name,
      target_commitish: body.target_commitish ?? 'main',
      name: body.name ?? null,
      body: body.body ?? null,
      draft: body.draft ?? false,
      prerelease: body.prerelease ?? false,
      created_at: '2026-11-24T12:00:00Z',
      published_at: body.draft ? null : '2026-11-24T12:00:00Z',
      author: this.user(),
      assets: [],
    };
  }

  private answer(
    operation: Operation,
    params: Record<string, string>,
    query: Record<string, string>,
    body: unknown,
  ): [number, unknown] {
    const input = (body ?? {}) as Json;
    const repo = `${params.owner}/${params.repo}`;
    const route = `${operation.method} ${operation.template}`;
    switch (route) {
      case 'GET /repos/{owner}/{repo}':
        return [200, this.repository(params)];
      case 'GET /repos/{owner}/{repo}/releases':
        return [200, this.releases.filter((r) => String(r.url).includes(`/repos/${repo}/`))];
      case 'POST /repos/{owner}/{repo}/releases': {
        if (
          this.releases.some(
            (r) => r.tag_name === input.tag_name && String(r.url).includes(`/repos/${repo}/`),
          )
        ) {
          return [
            422,
            {
              message: 'Validation Failed',
              errors: [{ resource: 'Release', code: 'already_exists', field: 'tag_name' }],
            },
          ];
        }
        const release = this.release(params, input);
        this.releases.push(release);
        return [201, release];
      }
      case 'GET /repos/{owner}/{repo}/releases/tags/{tag}': {
        const found = this.releases.find(
          (r) => r.tag_name === params.tag && !r.draft && String(r.url).includes(`/repos/${repo}/`),
        );
        return found ? [200, found] : [404, { message: 'Not Found' }];
      }
      case 'PATCH /repos/{owner}/{repo}/releases/{release_id}': {
        const found = this.releases.find((r) => r.id === Number(params.release_id));
        if (!found) return [404, { message: 'Not Found' }];
        Object.assign(found, input);
        return [200, found];
      }
      case 'POST /repos/{owner}/{repo}/releases/{release_id}/assets': {
        // GitHub serves this on uploads.github.com; the release's upload_url points here.
        const release = this.releases.find((r) => r.id === Number(params.release_id));
        if (!release) return [404, { message: 'Not Found' }];
        const assets = release.assets as Json[];
        if (assets.some((a) => a.name === query.name)) {
          return [
            422,
            {
              message: 'Validation Failed',
              errors: [{ resource: 'ReleaseAsset', code: 'already_exists', field: 'name' }],
            },
          ];
        }
        const content = Buffer.isBuffer(body) ? body : Buffer.alloc(0);
        const id = this.nextId++;
        const asset = {
          id,
          node_id: `RA_${id}`,
          url: `${this.url}/repos/${repo}/releases/assets/${id}`,
          browser_download_url: `https://github.com/${repo}/releases/download/${String(release.tag_name)}/${query.name}`,
          name: query.name,
          label: query.label ?? null,
          state: 'uploaded',
          content_type: 'application/octet-stream',
          size: content.length,
          digest: `sha256:${createHash('sha256').update(content).digest('hex')}`,
          download_count: 0,
          created_at: '2026-11-24T12:00:00Z',
          updated_at: '2026-11-24T12:00:00Z',
          uploader: this.user(),
        };
        assets.push(asset);
        this.assetContents.set(id, content);
        return [201, asset];
      }
      case 'POST /repos/{owner}/{repo}/dispatches':
        this.dispatches.push({
          repository: repo,
          event_type: String(input.event_type),
          client_payload: input.client_payload,
        });
        return [204, undefined];
      case 'GET /repos/{owner}/{repo}/deployments':
        return [
          200,
          this.deployments.filter((d) => !query.environment || d.environment === query.environment),
        ];
      case 'POST /repos/{owner}/{repo}/deployments': {
        const id = this.nextId++;
        const deployment = {
          id,
          node_id: `DE_${id}`,
          url: `${this.url}/repos/${repo}/deployments/${id}`,
          sha: String(input.ref),
          ref: String(input.ref),
          task: input.task ?? 'deploy',
          payload: input.payload ?? {},
          original_environment: input.environment ?? 'production',
          environment: input.environment ?? 'production',
          description: input.description ?? null,
          creator: this.user(),
          created_at: '2026-11-24T12:00:00Z',
          updated_at: '2026-11-24T12:00:00Z',
          statuses_url: `${this.url}/repos/${repo}/deployments/${id}/statuses`,
          repository_url: `${this.url}/repos/${repo}`,
        };
        this.deployments.push(deployment);
        return [201, deployment];
      }
      case 'GET /repos/{owner}/{repo}/deployments/{deployment_id}/statuses':
        return [200, this.statuses.get(Number(params.deployment_id)) ?? []];
      case 'POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses': {
        const id = this.nextId++;
        const status = {
          id,
          node_id: `DS_${id}`,
          url: `${this.url}/repos/${repo}/deployments/${params.deployment_id}/statuses/${id}`,
          state: input.state,
          creator: this.user(),
          description: input.description ?? '',
          environment: input.environment ?? '',
          target_url: input.target_url ?? input.log_url ?? `https://github.com/${repo}/deployments`,
          log_url: input.log_url ?? `https://github.com/${repo}/deployments`,
          environment_url: input.environment_url ?? `https://github.com/${repo}/deployments`,
          created_at: '2026-11-24T12:00:00Z',
          updated_at: '2026-11-24T12:00:00Z',
          deployment_url: `${this.url}/repos/${repo}/deployments/${params.deployment_id}`,
          repository_url: `${this.url}/repos/${repo}`,
        };
        this.statuses.set(Number(params.deployment_id), [
          status,
          ...(this.statuses.get(Number(params.deployment_id)) ?? []),
        ]);
        return [201, status];
      }
      case 'GET /repos/{owner}/{repo}/contents/{path}':
        return this.content(repo, params.path ?? '', query.ref ?? 'HEAD');
      case 'GET /repos/{owner}/{repo}/git/blobs/{file_sha}': {
        const bytes = this.git(repo, ['cat-file', 'blob', params.file_sha ?? '']);
        if (!bytes) return [404, { message: 'Not Found' }];
        const url = `${this.url}/repos/${repo}/git/blobs/${params.file_sha}`;
        const content = bytes.toString('base64');
        return [
          200,
          { sha: params.file_sha, node_id: 'B_1', url, size: bytes.length, content, encoding: 'base64' },
        ];
      }
      case 'GET /repos/{owner}/{repo}/actions/runs/{run_id}/approvals':
        return [200, this.approvals.get(Number(params.run_id)) ?? []];
      default:
        return (
          this.answerGitData(route, repo, params, input) ??
          this.pullRequests.answer(route, repo, params, query, input) ?? [
            404,
            { message: `The fixture does not play ${operation.template}` },
          ]
        );
    }
  }

  private answerGitData(
    route: string,
    repo: string,
    params: Record<string, string>,
    input: Json,
  ): [number, unknown] | null {
    const data = this.gitData(repo);
    if (!route.includes('/git/') || route.includes('/git/blobs/{file_sha}')) return null;
    if (!data) return [404, { message: 'Not Found' }];
    switch (route) {
      case 'POST /repos/{owner}/{repo}/git/blobs':
        return data.createBlob(repo, input);
      case 'POST /repos/{owner}/{repo}/git/trees':
        return data.createTree(repo, input);
      case 'POST /repos/{owner}/{repo}/git/commits':
        return data.createCommit(repo, input);
      case 'GET /repos/{owner}/{repo}/git/commits/{commit_sha}':
        return data.getCommit(repo, params.commit_sha ?? '');
      case 'GET /repos/{owner}/{repo}/git/ref/{ref}':
        return data.getRef(repo, params.ref ?? '');
      case 'POST /repos/{owner}/{repo}/git/refs':
        return data.createRef(repo, input);
      case 'PATCH /repos/{owner}/{repo}/git/refs/{ref}':
        return data.updateRef(repo, params.ref ?? '', input);
      case 'POST /repos/{owner}/{repo}/git/tags':
        return data.createTag(repo, input);
      case 'GET /repos/{owner}/{repo}/git/tags/{tag_sha}':
        return data.getTag(repo, params.tag_sha ?? '');
      default:
        return null;
    }
  }
}
