import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GitHubApiServer } from '../test/github-api/github-api-server.js';
import {
  endTime,
  expected,
  startPrometheus,
  type RunningPrometheus,
} from '../test/prometheus/prometheus-fixture.js';
import { aGitOpsRepositoryWithCanary } from '../test/canary-gate/gitops-canary-state.js';
import { canaryScenarios, erroringCanary, scenarios, stable } from '../test/prometheus/slo-scenarios.js';
import { runAction } from './run-action.js';

let prometheus: RunningPrometheus;
let github: GitHubApiServer;
beforeAll(async () => {
  [prometheus, github] = await Promise.all([
    startPrometheus({ ...scenarios, ...canaryScenarios }),
    GitHubApiServer.start(),
  ]);
}, 60_000);
afterAll(async () => {
  await Promise.all([prometheus?.stop(), github?.close()]);
});

const policy = (scenario: string) =>
  [
    `selector: {scenario: ${scenario}}`,
    `baseline: 'version="stable"'`,
    `canary: 'version="canary"'`,
    'window: 30m',
    'objectives: {maxErrorRateDelta: 0.01, maxP99LatencyDeltaMs: 100, minRequests: 100}',
  ].join('\n');
const workspace = () => mkdtempSync(join(tmpdir(), 'relx-slo-action-'));

describe('slo-gate, run as the runner runs it', () => {
  it('passes a healthy canary: outputs, report and a summary with the table and the chart', async () => {
    const run = await runAction('slo-gate', {
      workspace: workspace(),
      inputs: {
        policy: policy('healthy'),
        'prometheus-url': prometheus.url,
        time: endTime.toISOString(),
        environment: 'staging',
      },
    });
    expect(run.exitCode).toBe(0);
    expect(run.outputs).toMatchObject({ verdict: 'pass', passed: 'true' });
    const report = JSON.parse(run.outputs.report ?? '{}');
    expect(report.samples[0].baseline.errorRate).toBeCloseTo(expected.errorRate(stable), 12);
    expect(run.summary).toContain('## SLO gate: ✅ pass');
    expect(run.summary).toContain('| `maxErrorRateDelta` | 1.000% | 1.000% | 0.000% | 1.000% | ✅');
    expect(run.summary).toContain('```mermaid\nxychart-beta');
    expect(run.summary).toContain('Environment: `staging`');
  });

  it('fails an error spike with exit code 1, and asks CD to roll back through repository_dispatch', async () => {
    const run = await runAction('slo-gate', {
      workspace: workspace(),
      inputs: {
        policy: policy('errors'),
        'prometheus-url': prometheus.url,
        time: endTime.toISOString(),
        environment: 'staging',
        'rollback-repository': 'acme/deploy',
        token: 'ghs_rollback-token-0123456789',
      },
      env: { GITHUB_API_URL: github.url },
    });
    expect(run.exitCode).toBe(1);
    expect(run.outputs).toMatchObject({ verdict: 'fail', passed: 'false' });
    expect(run.stdout).toContain('::error::SLO gate fail: 1 of 1 sample(s) failed');
    const delta = expected.errorRate(erroringCanary) - expected.errorRate(stable);
    expect(run.summary).toContain(`${(delta * 100).toFixed(3)}%`);
    expect(github.dispatches).toEqual([
      {
        repository: 'acme/deploy',
        event_type: 'relx-rollback-requested',
        client_payload: {
          environment: 'staging',
          // without gitops-repository the gate did not read what runs: the receiver must look
          release: null,
          canary: null,
          component: null,
          verdict: 'fail',
          reason:
            '1 of 1 sample(s) failed (the limit is 1) — maxErrorRateDelta: canary 0.1 − baseline 0.01 = 0.09 > 0.01',
          gate_report: 'https://github.com/acme/platform/actions/runs/42',
          run_url: 'https://github.com/acme/platform/actions/runs/42',
          numbers: expect.stringMatching(/^maxErrorRateDelta: canary 0\.1 − baseline 0\.01 = 0\.09 > 0\.01$/),
        },
      },
    ]);
    expect(github.violations).toEqual([]);
    expect(`${run.stdout}${run.stderr}`.replace(/::add-mask::.*\n/g, '')).not.toContain('ghs_rollback-token');
  });

  it('sets the GitHub deployment to success on pass and failure on fail, linking the report', async () => {
    const before = github.requests.length;
    const inputs = (scenario: string, id: string) => ({
      policy: policy(scenario),
      'prometheus-url': prometheus.url,
      time: endTime.toISOString(),
      environment: 'prod',
      'deployment-id': id,
      token: 'ghs_deployment-token-0123456789',
    });
    const env = { GITHUB_API_URL: github.url };
    const pass = await runAction('slo-gate', {
      workspace: workspace(),
      inputs: inputs('healthy', '71'),
      env,
    });
    expect(pass.exitCode).toBe(0);
    expect(pass.outputs['report-url']).toBe('https://github.com/acme/platform/actions/runs/42');
    const fail = await runAction('slo-gate', { workspace: workspace(), inputs: inputs('errors', '72'), env });
    expect(fail.exitCode).toBe(1);
    const inconclusive = await runAction('slo-gate', {
      workspace: workspace(),
      inputs: inputs('no-traffic', '73'),
      env,
    });
    expect(inconclusive.exitCode).toBe(1);
    const statuses = github.requests
      .slice(before)
      .filter(
        (r) =>
          r.method === 'POST' && r.template === '/repos/{owner}/{repo}/deployments/{deployment_id}/statuses',
      );
    expect(statuses.map((r) => [r.path, r.body])).toEqual([
      [
        '/repos/acme/platform/deployments/71/statuses',
        expect.objectContaining({
          state: 'success',
          log_url: 'https://github.com/acme/platform/actions/runs/42',
          description: expect.stringMatching(/^SLO gate pass: all 1 sample\(s\) met every objective/),
        }),
      ],
      [
        '/repos/acme/platform/deployments/72/statuses',
        expect.objectContaining({ state: 'failure', description: expect.stringMatching(/^SLO gate fail: /) }),
      ],
      [
        '/repos/acme/platform/deployments/73/statuses',
        expect.objectContaining({
          state: 'failure',
          description: expect.stringMatching(/^SLO gate inconclusive: /),
        }),
      ],
    ]);
    expect(github.violations).toEqual([]);

    const bad = await runAction('slo-gate', { workspace: workspace(), inputs: inputs('healthy', '7x'), env });
    expect(bad.exitCode).toBe(1);
    expect(bad.stdout).toMatch(/::error::deployment-id: deployment-id "7x" is not a deployment id/);
  });

  it('measures the canary the GitOps repository says runs: baking while the step is young, then a failing canary is aborted, not rolled back', async () => {
    const gitops = aGitOpsRepositoryWithCanary(new Date(endTime.getTime() - 12 * 60_000));
    const before = github.requests.length;
    const canaryPolicy = (scenario: string) =>
      [
        `selector: {scenario: ${scenario}}`,
        `baseline: 'version="{stableVersion}"'`,
        `canary: 'version="{canaryVersion}"'`,
        'window: 10m',
        'objectives: {maxErrorRateDelta: 0.02, minRequests: 100}',
      ].join('\n');
    const inputs = (scenario: string) => ({
      policy: canaryPolicy(scenario),
      'prometheus-url': prometheus.url,
      time: endTime.toISOString(),
      environment: 'prod',
      'gitops-repository': gitops,
      'deployment-id': '91',
      'rollback-repository': 'acme/deploy',
      token: 'ghs_gate-token-0123456789',
    });
    const env = { GITHUB_API_URL: github.url };
    const baking = await runAction('slo-gate', {
      workspace: workspace(),
      inputs: inputs('canary-good'),
      env,
    });
    expect(baking.exitCode).toBe(0);
    expect(baking.outputs).toMatchObject({
      verdict: 'baking',
      passed: 'false',
      'baked-seconds': '720',
      'bake-seconds': '1800',
      'canary-version': '1.5.0',
      'stable-version': '1.4.2',
    });
    expect(baking.stdout).toMatch(/::notice::SLO gate baking: baking: 720 s of 1800 s/);
    expect(baking.summary).toContain('## SLO gate: ⏳ baking');
    expect(baking.summary).toContain(
      'api 1.5.0 (canary, release 2026.12.1) against 1.4.2 (stable, release 2026.11.1)',
    );
    // baking: no deployment status, no rollback
    expect(github.requests.slice(before)).toEqual([]);

    const bad = await runAction('slo-gate', { workspace: workspace(), inputs: inputs('canary-bad'), env });
    expect(bad.exitCode).toBe(1);
    expect(bad.outputs.verdict).toBe('fail');
    expect(github.dispatches.at(-1)).toEqual({
      repository: 'acme/deploy',
      event_type: 'relx-rollback-requested',
      client_payload: expect.objectContaining({
        environment: 'prod',
        release: '2026.12.1',
        canary: true,
        component: 'api',
        verdict: 'fail',
        numbers: expect.stringMatching(
          /^maxErrorRateDelta: canary 0\.12 − baseline 0\.0105263 = 0\.109474 > 0\.02$/,
        ),
      }),
    });
    const statuses = github.requests.slice(before).filter((r) => r.path.endsWith('/deployments/91/statuses'));
    expect(statuses.map((r) => (r.body as { state: string }).state)).toEqual(['failure']);
    expect(github.violations).toEqual([]);
  });

  it('fails closed when Prometheus is down, and refuses a bad policy naming the field', async () => {
    const down = await runAction('slo-gate', {
      workspace: workspace(),
      inputs: {
        policy: `${policy('healthy')}\nretries: 0`,
        'prometheus-url': 'http://127.0.0.1:9',
        time: endTime.toISOString(),
      },
    });
    expect(down.exitCode).toBe(1);
    expect(down.outputs.verdict).toBe('fail');
    expect(down.stdout).toMatch(
      /::error::SLO gate fail: failed closed: Prometheus at http:\/\/127\.0\.0\.1:9 could not answer/,
    );

    const bad = await runAction('slo-gate', {
      workspace: workspace(),
      inputs: { policy: policy('healthy').replace('30m', '30x'), 'prometheus-url': prometheus.url },
    });
    expect(bad.exitCode).toBe(1);
    expect(bad.stdout).toMatch(/::error::.*window/);
    expect(bad.outputs).toEqual({});

    const versions = `${policy('healthy')}\ncomponent: api`.replace(
      'version="canary"',
      'version="{canaryVersion}"',
    );
    const noState = await runAction('slo-gate', {
      workspace: workspace(),
      inputs: { policy: versions, 'prometheus-url': prometheus.url, environment: 'prod' },
    });
    expect(noState.exitCode).toBe(1);
    expect(noState.stdout).toMatch(
      /::error::environment: The SLO policy names \{canaryVersion\}: the gate must read the environment's releases\./,
    );
    const noEnvironment = await runAction('slo-gate', {
      workspace: workspace(),
      inputs: {
        policy: versions,
        'prometheus-url': prometheus.url,
        'gitops-repository': 'https://example.test/deploy',
      },
    });
    expect(noEnvironment.exitCode).toBe(1);
    expect(noEnvironment.stdout).toMatch(
      /::error::environment: gitops-repository is given but not the environment/,
    );
    expect(noEnvironment.outputs).toEqual({});
  });
});
