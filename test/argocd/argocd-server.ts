import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { SwaggerOperations, type SwaggerDescription } from '../kubernetes-api/openapi-v2-operations.js';

/**
 * A local server that plays Argo CD's API for tests. Every request is checked against the
 * operation in Argo CD's published OpenAPI description (assets/swagger.json, extracted by
 * scripts/engine-openapi/extract.mjs) — path, declared query parameters, a bearer token — and
 * every answer, the fixture's own included, against the operation's response schema; what does
 * not fit is recorded as a violation (and a wrong request answered 400), so a test that calls
 * Argo CD wrongly, or plays it wrongly, fails.
 *
 * An application's status is a script: each GET answers the next state, the last one repeats —
 * the way a real application moves from OutOfSync through Progressing to Healthy.
 */

type Json = Record<string, unknown>;

const description = JSON.parse(
  readFileSync(join(import.meta.dirname, 'argocd-openapi.json'), 'utf8'),
) as SwaggerDescription;

export interface ArgoCdState {
  revision?: string;
  sync?: 'Synced' | 'OutOfSync' | 'Unknown';
  health?: 'Healthy' | 'Progressing' | 'Degraded' | 'Suspended' | 'Missing' | 'Unknown';
  healthMessage?: string;
  /** The last sync operation: its phase and message, for `revision`. */
  operation?: { phase: 'Running' | 'Succeeded' | 'Failed' | 'Error'; message?: string };
}

/** An Application as Argo CD's GET /api/v1/applications/{name} answers it. */
export function anApplication(name: string, state: ArgoCdState): Json {
  const revision = state.revision ?? 'f'.repeat(40);
  return {
    metadata: {
      name,
      namespace: 'argocd',
      uid: '6f1c2a4e-0000-4000-8000-000000000001',
      resourceVersion: '4711',
      generation: 3,
      creationTimestamp: '2026-11-30T10:00:00Z',
    },
    spec: {
      project: 'default',
      source: {
        repoURL: 'https://github.com/acme/deploy.git',
        path: 'environments/prod',
        targetRevision: 'main',
      },
      destination: { server: 'https://kubernetes.default.svc', namespace: 'shop' },
      syncPolicy: { automated: { prune: true, selfHeal: true } },
    },
    status: {
      sync: {
        status: state.sync ?? 'OutOfSync',
        revision,
        comparedTo: {
          source: {
            repoURL: 'https://github.com/acme/deploy.git',
            path: 'environments/prod',
            targetRevision: 'main',
          },
          destination: { server: 'https://kubernetes.default.svc', namespace: 'shop' },
        },
      },
      health: {
        status: state.health ?? 'Healthy',
        ...(state.healthMessage ? { message: state.healthMessage } : {}),
        lastTransitionTime: '2026-12-01T12:00:00Z',
      },
      ...(state.operation
        ? {
            operationState: {
              operation: { sync: { revision } },
              phase: state.operation.phase,
              message: state.operation.message ?? '',
              startedAt: '2026-12-01T12:00:00Z',
              ...(state.operation.phase === 'Running' ? {} : { finishedAt: '2026-12-01T12:01:00Z' }),
              syncResult: { revision, resources: [] },
            },
          }
        : {}),
      reconciledAt: '2026-12-01T12:00:00Z',
      sourceType: 'Kustomize',
      resources: [
        {
          group: 'apps',
          version: 'v1',
          kind: 'Deployment',
          namespace: 'shop',
          name: 'api',
          status: state.sync ?? 'OutOfSync',
          health: { status: state.health ?? 'Healthy' },
        },
      ],
    },
  };
}

export interface RecordedArgoCdRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  authorization: string | undefined;
}

export class ArgoCdServer {
  readonly requests: RecordedArgoCdRequest[] = [];
  readonly violations: string[] = [];
  private readonly operations = new SwaggerOperations(description, 'argocd');
  private readonly scripts = new Map<string, Json[]>();
  private readonly live = new Map<string, () => ArgoCdState>();
  /** Answers given as is, before any script: a server that answers wrongly. */
  private readonly rawAnswers: Array<{ status: number; body: unknown }> = [];
  private readonly failures: number[] = [];
  url = '';

  private constructor(
    private readonly server: Server,
    readonly token: string,
  ) {}

  static async start(token = 'argocd-token-0123456789'): Promise<ArgoCdServer> {
    let instance: ArgoCdServer | null = null;
    const server = createServer((req, res) => {
      instance?.handle(req, res).catch((error: unknown) => {
        instance?.violations.push(String(error instanceof Error ? error.message : error));
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ code: 13, message: 'fixture error' }));
      });
    });
    instance = new ArgoCdServer(server, token);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    instance.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return instance;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  /** The application answers these states, one per GET; the last repeats. */
  script(name: string, ...states: ArgoCdState[]): void {
    this.scripts.set(
      name,
      states.map((s) => anApplication(name, s)),
    );
  }

  /** Each GET answers the state `state()` returns then (a revision known only once the test has run). */
  follow(name: string, state: () => ArgoCdState): void {
    this.live.set(name, state);
  }

  /** The next GET answers this body as is (checked all the same: a malformed answer is a violation). */
  answerNext(status: number, body: unknown): void {
    this.rawAnswers.push({ status, body });
  }

  /** The next `times` GETs answer `status` (a 503 to see the reading retried). */
  failNext(status: number, times = 1): void {
    for (let i = 0; i < times; i++) this.failures.push(status);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    for await (const chunk of req) void chunk;
    this.requests.push({
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      authorization: req.headers.authorization,
    });
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const operation = this.operations.match(req.method ?? 'GET', url.pathname);
    if (!operation) {
      this.violations.push(
        `${req.method} ${url.pathname}: no such operation in Argo CD's OpenAPI description`,
      );
      return send(404, { code: 5, error: 'Not Found', message: 'Not Found' });
    }
    const problems = this.operations.checkRequest(operation, url.searchParams);
    if (problems.length > 0) {
      this.violations.push(`${req.method} ${operation.template}: ${problems.join('; ')}`);
      return send(400, { code: 3, error: problems.join('; '), message: problems.join('; ') });
    }
    const answer = (status: number, body: unknown) => {
      const error = this.operations.checkResponse(operation, status, body);
      if (error) this.violations.push(`answer to ${req.method} ${url.pathname} (${status}): ${error}`);
      send(status, body);
    };
    // Argo CD answers a missing or wrong token 401 with a gRPC status (code 16: Unauthenticated)
    if (req.headers.authorization !== `Bearer ${this.token}`) {
      return answer(401, {
        code: 16,
        error: 'invalid session: token signature is invalid',
        message: 'invalid session: token signature is invalid',
      });
    }
    const raw = this.rawAnswers.shift();
    if (raw) return answer(raw.status, raw.body);
    const failure = this.failures.shift();
    if (failure) return answer(failure, { code: 14, error: 'unavailable', message: 'unavailable' });
    const live = this.live.get(operation.params.name ?? '');
    if (live) return answer(200, anApplication(operation.params.name ?? '', live()));
    const script = this.scripts.get(operation.params.name ?? '');
    // Argo CD does not say whether an application exists to whom may not see it: 403 for both
    if (!script || script.length === 0) {
      return answer(403, { code: 7, error: 'permission denied', message: 'permission denied' });
    }
    const state = script.length > 1 ? (script.shift() as Json) : (script[0] as Json);
    answer(200, state);
  }
}
