import { engineStatusSources } from '../../src/engine/engine-status-sources.js';
import { waitForEngine } from '../../src/engine/wait-for-engine.js';
import { refusal } from '../expect-relx-error.js';
import { aSteppingClock } from '../stepping-clock.js';
import { aKustomization, KubernetesApiServer } from './kubernetes-api-server.js';

const commit = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';
const previous = '0123456789abcdef0123456789abcdef01234567';

let kube: KubernetesApiServer;
beforeEach(async () => {
  kube = await KubernetesApiServer.start();
});
afterEach(() => kube.close());

async function waitFor(options: { timeoutMs?: number; token?: string; kustomization?: string } = {}) {
  const clock = aSteppingClock();
  const lines: string[] = [];
  const source = engineStatusSources.flux(
    {
      engine: 'flux',
      kubeApiUrl: kube.url,
      kustomization: options.kustomization ?? 'flux-system/shop-prod',
      token: options.token ?? kube.token,
      field: { url: '--kube-api', name: '--kustomization', token: '--kube-token' },
    },
    commit,
    { clock, onProgress: (l) => lines.push(l) },
  );
  const result = await waitForEngine(source, {
    timeoutMs: options.timeoutMs ?? 10 * 60_000,
    intervalMs: 10_000,
    clock,
    onProgress: (l) => lines.push(l),
  });
  return { result, lines };
}

describe('waiting for Flux to apply a promotion commit', () => {
  it('applied and Ready=True at the commit → applied, after the states a Kustomization goes through', async () => {
    kube.script(
      'flux-system/shop-prod',
      { applied: previous, ready: 'True', reason: 'ReconciliationSucceeded' },
      {
        applied: previous,
        attempted: commit,
        ready: 'Unknown',
        reason: 'Progressing',
        message: 'Reconciliation in progress',
        reconciling: true,
      },
      {
        applied: commit,
        ready: 'Unknown',
        reason: 'Progressing',
        message: 'Running health checks for revision main@sha1:a1b2c3d4e5f6',
        reconciling: true,
      },
      { applied: commit, ready: 'True', reason: 'ReconciliationSucceeded' },
    );
    const { result, lines } = await waitFor();
    expect(result).toEqual({
      outcome: 'applied',
      reason: 'a1b2c3d4e5f6 applied and healthy',
      elapsedMs: 30_000,
      polls: 4,
    });
    expect(lines[0]).toBe(
      'relx: Flux Kustomization flux-system/shop-prod: not at a1b2c3d4e5f6 yet (applied 0123456789ab, attempted 0123456789ab, Ready=True ReconciliationSucceeded: Applied revision: main@sha1:0123456789abcdef0123456789abcdef01234567) (0 ms of 600 s)',
    );
    expect(kube.requests.map((r) => r.path)).toEqual(
      Array(4).fill('/apis/kustomize.toolkit.fluxcd.io/v1/namespaces/flux-system/kustomizations/shop-prod'),
    );
    expect(kube.violations).toEqual([]);
  });

  it('Ready=False HealthCheckFailed at the commit → failed at once, with Flux\u2019s message', async () => {
    kube.script(
      'flux-system/shop-prod',
      { applied: commit, ready: 'Unknown', reason: 'Progressing', reconciling: true },
      {
        applied: commit,
        ready: 'False',
        reason: 'HealthCheckFailed',
        message:
          "health check failed after 5m0s: timeout waiting for: [Deployment/shop/api status: 'Failed']",
      },
    );
    const { result } = await waitFor();
    expect(result).toMatchObject({
      outcome: 'failed',
      reason:
        "HealthCheckFailed at a1b2c3d4e5f6: health check failed after 5m0s: timeout waiting for: [Deployment/shop/api status: 'Failed']",
      polls: 2,
    });
    expect(kube.violations).toEqual([]);
  });

  it('never applied → timeout at the deadline, failing closed', async () => {
    kube.script('flux-system/shop-prod', {
      applied: previous,
      ready: 'True',
      reason: 'ReconciliationSucceeded',
    });
    const { result } = await waitFor({ timeoutMs: 5 * 60_000 });
    expect(result.outcome).toBe('timeout');
    expect(result.reason).toMatch(/^not applied and healthy within 300 s: not at a1b2c3d4e5f6 yet/);
    expect(result.elapsedMs).toBe(300_000);
    expect(kube.violations).toEqual([]);
  });

  it('a Kustomization that does not exist → an error naming the flag', async () => {
    const error = await refusal(waitFor({ kustomization: 'flux-system/nope' }));
    expect(error.field).toBe('--kustomization');
    expect(error.message).toContain('kustomizations.kustomize.toolkit.fluxcd.io "nope" not found');
    expect(kube.violations).toEqual([]);
  });

  it('a name without its namespace is refused before anything is read', async () => {
    const error = await refusal(waitFor({ kustomization: 'shop-prod' }));
    expect(error.message).toBe('--kustomization "shop-prod" is not namespace/name.');
    expect(kube.requests).toEqual([]);
  });

  it('a wrong token: 401 as a Status, an error naming --kube-token', async () => {
    const error = await refusal(waitFor({ token: 'not-the-token-at-all' }));
    expect(error.field).toBe('--kube-token');
    expect(kube.violations).toEqual([]);
  });
});

describe('the Kubernetes API server checks against the Kubernetes description and the Kustomization CRD', () => {
  const path = '/apis/kustomize.toolkit.fluxcd.io/v1/namespaces/flux-system/kustomizations/shop-prod';

  it('rejects an answer the CRD schema does not allow: a condition without its reason, a misspelt field', async () => {
    const noReason = aKustomization('flux-system', 'shop-prod', {
      applied: commit,
      ready: 'True',
      reason: 'ReconciliationSucceeded',
    });
    const status = noReason.status as { conditions: Array<Record<string, unknown>> };
    delete status.conditions[0]?.reason;
    kube.answerNext(200, noReason);
    const typo = aKustomization('flux-system', 'shop-prod', {
      applied: commit,
      ready: 'True',
      reason: 'ReconciliationSucceeded',
    });
    (typo.status as Record<string, unknown>).lastAppliedRevison = 'main@sha1:x';
    kube.answerNext(200, typo);
    const badMetadata = aKustomization('flux-system', 'shop-prod', {
      applied: commit,
      ready: 'True',
      reason: 'ReconciliationSucceeded',
    });
    (badMetadata.metadata as Record<string, unknown>).generation = '2';
    kube.answerNext(200, badMetadata);
    const headers = { authorization: `Bearer ${kube.token}` };
    for (let i = 0; i < 3; i++) await fetch(`${kube.url}${path}`, { headers });
    expect(kube.violations).toEqual([
      `answer to GET ${path} (200): response/status/conditions/0 must have required property 'reason'`,
      `answer to GET ${path} (200): response/status must NOT have additional properties`,
      `answer to GET ${path} (200): response/metadata/generation must be integer`,
    ]);
  });

  it('rejects an error that is not a Status, and requests the API does not have', async () => {
    kube.answerNext(500, { error: 'boom' });
    const headers = { authorization: `Bearer ${kube.token}` };
    await fetch(`${kube.url}${path}`, { headers });
    await fetch(
      `${kube.url}/apis/kustomize.toolkit.fluxcd.io/v1beta2/namespaces/flux-system/kustomizations/shop-prod`,
      { headers },
    );
    await fetch(`${kube.url}${path}?watch=true`, { headers });
    expect(kube.violations).toEqual([
      `answer to GET ${path} (500): response must NOT have additional properties`,
      'GET /apis/kustomize.toolkit.fluxcd.io/v1beta2/namespaces/flux-system/kustomizations/shop-prod: no such operation in the Kubernetes API description',
      'GET /apis/kustomize.toolkit.fluxcd.io/v1/namespaces/{namespace}/kustomizations/{name}: undeclared query parameter watch',
    ]);
  });
});
