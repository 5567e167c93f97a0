import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderReleaseManifest } from '../../src/manifest/release-manifest.js';
import { promoteEnvironment } from '../../src/promotion/promote-environment.js';
import { GitHubApiServer } from '../github-api/github-api-server.js';
import { aRelease } from '../gitops/gitops-fixture.js';
import { runWorkflow } from '../step-runner/run-workflow.js';
import { aCanaryGitOpsRepository, renderOverlay } from './canary-fixture.js';

/**
 * promote-env's canary inputs, run by the step runner from the built dist/ as the runner runs the
 * composite action: the outputs a deploy workflow reads (canary-weight, canary-status), and a
 * re-run of the same step that records no second deployment and writes nothing.
 */
let github: GitHubApiServer;
beforeEach(async () => {
  github = await GitHubApiServer.start();
});
afterEach(() => github.close());

const r1 = aRelease('2026.11.0', '1.4.0', 'b');
const r2 = aRelease('2026.11.1', '1.5.0', 'e', '2026.11.0');

const workflow = (gitops: string) => `
name: canary
on: workflow_dispatch
permissions:
  contents: read
jobs:
  canary:
    runs-on: ubuntu-latest
    outputs:
      weight: \${{ steps.promote.outputs.canary-weight }}
      status: \${{ steps.promote.outputs.canary-status }}
      deployment: \${{ steps.promote.outputs.deployment-id }}
    steps:
      - id: promote
        uses: relx-dev/relx/promote-env@v1
        with:
          environment: prod
          manifest: \${{ inputs.manifest }}
          gitops-repository: ${gitops}
          canary: \${{ inputs.canary }}
          canary-complete: \${{ inputs.complete }}
          canary-abort: \${{ inputs.abort }}
          abort-reason: \${{ inputs.reason }}
          gate-report: \${{ inputs.report }}
          approved-by: alice
`;

describe('promote-env with a canary, run step by step', () => {
  it('starts, re-runs without a second deployment, advances, aborts: the outputs say each', async () => {
    const { remote, url } = aCanaryGitOpsRepository();
    for (const env of ['dev', 'staging', 'prod'])
      await promoteEnvironment({ remote: { url }, environment: env }, r1);
    for (const env of ['dev', 'staging']) await promoteEnvironment({ remote: { url }, environment: env }, r2);
    const workspace = mkdtempSync(join(tmpdir(), 'relx-canary-deploy-'));
    writeFileSync(join(workspace, 'release.yaml'), renderReleaseManifest(r2));
    writeFileSync(join(workspace, 'canary.yml'), workflow(url));
    const dispatch = async (inputs: Record<string, string>, runId: number) => {
      const run = await runWorkflow(join(workspace, 'canary.yml'), {
        workspace,
        eventName: 'workflow_dispatch',
        event: {},
        inputs: {
          manifest: '',
          canary: '',
          complete: 'false',
          abort: 'false',
          reason: '',
          report: '',
          ...inputs,
        },
        repository: 'acme/deploy',
        token: 'ghs_deploy-token-0123456789',
        env: { GITHUB_API_URL: github.url },
        runId,
      });
      return { run, outputs: run.jobs.canary?.outputs ?? {} };
    };

    const start = await dispatch({ manifest: 'release.yaml', canary: '5' }, 101);
    expect(start.run.conclusion).toBe('success');
    expect(start.outputs).toMatchObject({ weight: '5', status: 'started' });
    expect(start.outputs.deployment).not.toBe('');
    expect(start.run.summaries.join('')).toContain('## prod: canary 2026.11.1 started');
    expect(renderOverlay(remote, 'prod').weights).toEqual({ 'api-stable': 95, 'api-canary': 5 });

    const head = remote.git('rev-parse', 'main');
    const deployments = github.requests.filter(
      (r) => r.method === 'POST' && r.template === '/repos/{owner}/{repo}/deployments',
    ).length;
    const again = await dispatch({ manifest: 'release.yaml', canary: '5' }, 101);
    expect(again.outputs).toMatchObject({ weight: '5', status: 'unchanged', deployment: '' });
    expect(remote.git('rev-parse', 'main')).toBe(head);
    expect(
      github.requests.filter((r) => r.method === 'POST' && r.template === '/repos/{owner}/{repo}/deployments')
        .length,
    ).toBe(deployments);

    expect((await dispatch({ canary: 'next' }, 102)).outputs).toMatchObject({
      weight: '25',
      status: 'advanced',
    });
    const bad = await dispatch({ canary: '120' }, 103);
    expect(bad.run.conclusion).toBe('failure');
    expect(bad.run.steps.map((s) => s.stdout).join('')).toMatch(
      /::error::canary: Canary weight "120" is not a whole number from 1 to 99/,
    );

    const abort = await dispatch(
      {
        abort: 'true',
        reason: 'error rate 3 % > 1 %',
        report: 'https://github.com/acme/deploy/actions/runs/104',
      },
      104,
    );
    expect(abort.outputs).toMatchObject({ weight: '', status: 'aborted' });
    expect(remote.git('log', '-1', '--format=%B', 'main')).toContain(
      'Relx-Abort-Reason: error rate 3 % > 1 %',
    );
    expect(renderOverlay(remote, 'prod').weights).toEqual({ 'api-stable': 100, 'api-canary': 0 });
    expect(github.violations).toEqual([]);
  }, 120_000);
});
