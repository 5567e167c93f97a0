import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GitHubRequest } from '../github/github-request.js';
import { sloGateSecrets, sloGateStep, type SloGateStepInput } from './slo-gate-step.js';

/** A Prometheus whose every query answers `value`: the same numbers for baseline and canary. */
function fakePrometheus(value: string): Promise<{ url: string; server: Server }> {
  const server = createServer((_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(
      JSON.stringify({
        status: 'success',
        data: { resultType: 'vector', result: [{ metric: {}, value: [0, value] }] },
      }),
    );
  });
  return new Promise((done) =>
    server.listen(0, '127.0.0.1', () =>
      done({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server }),
    ),
  );
}

const policy = `provider: prometheus
selector: { app: shop }
baseline: 'version="stable"'
canary: 'version="canary"'
window: 5m
objectives: { minRequests: 100, maxErrorRateDelta: 0.01 }
`;

function inputFor(
  url: string,
  github: GitHubRequest | null,
  over: Partial<SloGateStepInput> = {},
): SloGateStepInput {
  const dir = mkdtempSync(join(tmpdir(), 'relx-slo-gate-step-'));
  return {
    workspace: dir,
    policy,
    policyFile: null,
    environment: 'prod',
    gitops: null,
    connection: { prometheusUrl: url, prometheusToken: 'prom-s3cret-token' },
    time: '2026-11-24T12:00:00Z',
    secrets: sloGateSecrets({ prometheusToken: 'prom-s3cret-token' }, []),
    deployment: null,
    rollback: null,
    reportUrl: 'https://github.com/acme/deploy/actions/runs/7',
    runUrl: 'https://github.com/acme/deploy/actions/runs/7',
    github,
    reportDir: dir,
    fields: {
      policy: 'policy',
      policyFile: 'policy-file',
      environment: 'environment',
      gitops: 'gitops-repository',
      time: 'time',
    },
    ...over,
  };
}

describe('sloGateStep: the gate, then the deployment marked and a rollback asked', () => {
  let prometheus: { url: string; server: Server };
  afterEach(() => prometheus?.server.close());

  it('writes the report file, tells onReport first, then marks the deployment from the verdict', async () => {
    const calls: Array<{ route: string; parameters: Record<string, unknown> | undefined }> = [];
    const github: GitHubRequest = async (route, parameters) => {
      calls.push({ route, parameters });
      return { status: 201, data: {} };
    };
    // requests large enough to judge; every ratio small, alike on both sides
    prometheus = await new Promise((done) => {
      const server = createServer((req, res) => {
        let body = '';
        req.on('data', (c: Buffer) => (body += c.toString()));
        req.on('end', () => {
          const query = new URLSearchParams(body).get('query') ?? '';
          const value =
            /increase|count|rate\(.*\[5m\]\)\)\s*\*|sum\(increase/.test(query) && !query.includes('/')
              ? '1000'
              : '0.001';
          res.setHeader('content-type', 'application/json');
          res.end(JSON.stringify({ status: 'success', data: { resultType: 'scalar', result: [0, value] } }));
        });
      });
      server.listen(0, '127.0.0.1', () =>
        done({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server }),
      );
    });
    const seen: string[] = [];
    const result = await sloGateStep(
      inputFor(prometheus.url, github, {
        deployment: { id: 42, repository: 'acme/deploy' },
        rollback: { repository: 'acme/deploy', eventType: '' },
        onReport: ({ report }) => void seen.push(`report ${report.verdict}`),
        onProgress: (line) => seen.push(line),
      }),
    );
    expect(result.reportFile).not.toBeNull();
    expect(JSON.parse(readFileSync(result.reportFile!, 'utf8'))).toMatchObject({ kind: 'SloGateReport' });
    expect(seen).toContain(`report ${result.report.verdict}`);
    // the deployment follows the verdict; a rollback only when it did not pass
    const statuses = calls.filter((c) => c.route.includes('/statuses'));
    expect(statuses).toHaveLength(1);
    expect(statuses[0]?.parameters).toMatchObject({ state: result.report.passed ? 'success' : 'failure' });
    const dispatches = calls.filter((c) => c.route.includes('/dispatches'));
    expect(dispatches.length).toBe(result.report.passed ? 0 : 1);
  });

  it('asks for the rollback when the gate fails closed, its payload scrubbed of the credentials', async () => {
    prometheus = await fakePrometheus('not a number');
    const calls: Array<{ route: string; parameters: Record<string, unknown> | undefined }> = [];
    const github: GitHubRequest = async (route, parameters) => {
      calls.push({ route, parameters });
      return { status: 204, data: {} };
    };
    const result = await sloGateStep(
      inputFor(prometheus.url, github, { rollback: { repository: 'acme/deploy', eventType: '' } }),
    );
    expect(result.report.passed).toBe(false);
    expect(result.rollback).toMatchObject({
      environment: 'prod',
      gate_report: 'https://github.com/acme/deploy/actions/runs/7',
    });
    const [dispatch] = calls.filter((c) => c.route.includes('/dispatches'));
    expect(dispatch?.parameters).toMatchObject({
      owner: 'acme',
      repo: 'deploy',
      event_type: 'relx-rollback-requested',
    });
    expect(JSON.stringify(dispatch?.parameters)).not.toContain('prom-s3cret-token');
  });

  it('names the field of a policy file it cannot read, and of a time that is not one', async () => {
    await expect(
      sloGateStep(inputFor('http://127.0.0.1:1', null, { policy: null, policyFile: 'missing.yaml' })),
    ).rejects.toMatchObject({
      field: 'policy-file',
    });
    await expect(sloGateStep(inputFor('http://127.0.0.1:1', null, { time: 'soon' }))).rejects.toMatchObject({
      field: 'time',
    });
  });

  it('refuses a GitOps repository without the environment to read', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'relx-slo-gate-step-'));
    writeFileSync(join(dir, 'p.yaml'), policy);
    await expect(
      sloGateStep(inputFor('http://127.0.0.1:1', null, { environment: '', gitops: { url: dir } })),
    ).rejects.toMatchObject({ field: 'environment' });
  });
});
