import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { SwaggerOperations, type SwaggerDescription } from './openapi-v2-operations.js';

/**
 * A local server that plays the Kubernetes API for Flux's Kustomizations in tests. Requests are
 * checked against the read operation of a namespaced resource in the Kubernetes API's published
 * description, answers against the Kustomization CRD's openAPIV3Schema with ObjectMeta (both
 * extracted by scripts/engine-openapi/extract.mjs), errors against meta/v1 Status. What does not
 * fit is a violation, so a test that reads the API wrongly, or plays it wrongly, fails.
 *
 * A Kustomization's status is a script: each GET answers the next state, the last one repeats.
 */

type Json = Record<string, unknown>;

const description = JSON.parse(
  readFileSync(join(import.meta.dirname, 'kubernetes-openapi.json'), 'utf8'),
) as SwaggerDescription;
const status = 'io.k8s.apimachinery.pkg.apis.meta.v1.Status';

export interface FluxState {
  /** `main@sha1:<sha>` is written from this. */
  applied?: string;
  attempted?: string;
  ready: 'True' | 'False' | 'Unknown';
  reason: string;
  message?: string;
  reconciling?: boolean;
  /** spec.wait: Ready includes the health of what was applied. Default true. */
  wait?: boolean;
}

const condition = (type: string, conditionStatus: string, reason: string, message: string) => ({
  type,
  status: conditionStatus,
  reason,
  message,
  observedGeneration: 2,
  lastTransitionTime: '2026-12-01T12:00:00Z',
});

/** A Kustomization as the API server answers GET …/namespaces/{ns}/kustomizations/{name}. */
export function aKustomization(namespace: string, name: string, state: FluxState): Json {
  const revision = (sha: string | undefined) => (sha ? `main@sha1:${sha}` : undefined);
  const applied = revision(state.applied);
  const attempted = revision(state.attempted ?? state.applied);
  return {
    apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
    kind: 'Kustomization',
    metadata: {
      name,
      namespace,
      uid: '0b9a7f52-0000-4000-8000-000000000002',
      resourceVersion: '8128',
      generation: 2,
      creationTimestamp: '2026-11-30T10:00:00Z',
      finalizers: ['finalizers.fluxcd.io'],
    },
    spec: {
      interval: '1m0s',
      path: './environments/prod',
      prune: true,
      wait: state.wait ?? true,
      timeout: '5m0s',
      sourceRef: { kind: 'GitRepository', name: 'deploy' },
    },
    status: {
      observedGeneration: 2,
      ...(applied ? { lastAppliedRevision: applied } : {}),
      ...(attempted ? { lastAttemptedRevision: attempted } : {}),
      conditions: [
        condition(
          'Ready',
          state.ready,
          state.reason,
          state.message ?? `Applied revision: ${applied ?? 'none'}`,
        ),
        ...(state.reconciling
          ? [condition('Reconciling', 'True', 'Progressing', 'Reconciliation in progress')]
          : []),
      ],
      inventory: { entries: [{ id: 'shop_api_apps_Deployment', v: 'v1' }] },
    },
  };
}

const statusObject = (code: number, reason: string, message: string) => ({
  kind: 'Status',
  apiVersion: 'v1',
  metadata: {},
  status: 'Failure',
  message,
  reason,
  code,
});

export interface RecordedKubernetesRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  authorization: string | undefined;
}

export class KubernetesApiServer {
  readonly requests: RecordedKubernetesRequest[] = [];
  readonly violations: string[] = [];
  private readonly operations = new SwaggerOperations(description, 'kubernetes');
  private readonly scripts = new Map<string, Json[]>();
  private readonly live = new Map<string, () => FluxState>();
  private readonly rawAnswers: Array<{ status: number; body: unknown }> = [];
  url = '';

  private constructor(
    private readonly server: Server,
    readonly token: string,
  ) {}

  static async start(token = 'kube-token-0123456789'): Promise<KubernetesApiServer> {
    let instance: KubernetesApiServer | null = null;
    const server = createServer((req, res) => {
      instance?.handle(req, res).catch((error: unknown) => {
        instance?.violations.push(String(error instanceof Error ? error.message : error));
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify(statusObject(500, 'InternalError', 'fixture error')));
      });
    });
    instance = new KubernetesApiServer(server, token);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    instance.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return instance;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  /** `namespace/name` answers these states, one per GET; the last repeats. */
  script(namespacedName: string, ...states: FluxState[]): void {
    const [namespace = '', name = ''] = namespacedName.split('/');
    this.scripts.set(
      namespacedName,
      states.map((s) => aKustomization(namespace, name, s)),
    );
  }

  /** Each GET answers the state `state()` returns then (a revision known only once the test has run). */
  follow(namespacedName: string, state: () => FluxState): void {
    this.live.set(namespacedName, state);
  }

  /** The next GET answers this body as is (checked all the same). */
  answerNext(code: number, body: unknown): void {
    this.rawAnswers.push({ status: code, body });
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
    const send = (code: number, body: unknown) => {
      res.writeHead(code, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const operation = this.operations.match(req.method ?? 'GET', url.pathname);
    if (!operation) {
      this.violations.push(
        `${req.method} ${url.pathname}: no such operation in the Kubernetes API description`,
      );
      return send(404, statusObject(404, 'NotFound', 'the server could not find the requested resource'));
    }
    const problems = this.operations.checkRequest(operation, url.searchParams);
    if (problems.length > 0) {
      this.violations.push(`${req.method} ${operation.template}: ${problems.join('; ')}`);
      return send(400, statusObject(400, 'BadRequest', problems.join('; ')));
    }
    const answer = (code: number, body: unknown) => {
      const error = this.operations.checkResponse(operation, code, body, status);
      if (error) this.violations.push(`answer to ${req.method} ${url.pathname} (${code}): ${error}`);
      send(code, body);
    };
    if (req.headers.authorization !== `Bearer ${this.token}`) {
      return answer(401, statusObject(401, 'Unauthorized', 'Unauthorized'));
    }
    const raw = this.rawAnswers.shift();
    if (raw) return answer(raw.status, raw.body);
    const { namespace, name } = operation.params;
    const live = this.live.get(`${namespace}/${name}`);
    if (live) return answer(200, aKustomization(namespace ?? '', name ?? '', live()));
    const script = this.scripts.get(`${namespace}/${name}`);
    if (!script || script.length === 0) {
      return answer(
        404,
        statusObject(404, 'NotFound', `kustomizations.kustomize.toolkit.fluxcd.io "${name}" not found`),
      );
    }
    answer(200, script.length > 1 ? (script.shift() as Json) : (script[0] as Json));
  }
}
