import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { aGitOpsRepository, aRelease } from '../test/gitops/gitops-fixture.js';
import { anApproval, GitHubApiServer } from '../test/github-api/github-api-server.js';
import { runWorkflow } from '../test/step-runner/run-workflow.js';
import { renderReleaseManifest } from '../src/manifest/release-manifest.js';
import { digestOf } from '../src/manifest/manifest-builders.js';

let github: GitHubApiServer;
beforeEach(async () => {
  github = await GitHubApiServer.start();
});
afterEach(() => github.close());

/** A workspace holding a promote workflow and the manifest to promote, as a CD repository would. */
function aDeployWorkspace(workflow: string, manifest = aRelease('2026.11.0', '1.4.0', 'b')) {
  const workspace = mkdtempSync(join(tmpdir(), 'relx-deploy-'));
  writeFileSync(join(workspace, 'release.yaml'), renderReleaseManifest(manifest));
  writeFileSync(join(workspace, 'promote.yml'), workflow);
  return workspace;
}

const promoteWorkflow = (gitops: string, extra = '') => `
name: promote
on: workflow_dispatch
permissions:
  contents: read
jobs:
  promote:
    runs-on: ubuntu-latest
    environment: \${{ inputs.environment }}
    steps:
      - id: promote
        uses: relx-dev/relx/promote-env@v1
        with:
          environment: \${{ inputs.environment }}
          manifest: release.yaml
          gitops-repository: ${gitops}
${extra}`;

describe('promote-env, the composite action, run step by step as the runner does', () => {
  it('promotes with the approver from the run, records a deployment in_progress → success, all calls valid for GitHub', async () => {
    const { remote, url } = aGitOpsRepository();
    github.seedApprovals(42, [anApproval({ id: 3, name: 'dev' }, { login: 'alice', id: 7 }, 'ship it')]);
    const workspace = aDeployWorkspace(promoteWorkflow(url));
    const run = await runWorkflow(join(workspace, 'promote.yml'), {
      workspace,
      eventName: 'workflow_dispatch',
      event: {},
      inputs: { environment: 'dev' },
      repository: 'acme/deploy',
      token: 'ghs_deploy-token-0123456789',
      env: { GITHUB_API_URL: github.url },
      approve: () => 'alice',
    });
    const output = run.steps.map((s) => s.stdout + s.stderr).join('');
    expect(run.conclusion).toBe('success');
    expect(remote.git('log', '-1', '--format=%B', 'main')).toContain('Relx-Approved-By: alice');
    expect(parse(remote.git('show', 'main:environments/dev/kustomization.yaml')).images[0]).toEqual({
      name: 'ghcr.io/acme/api',
      digest: digestOf('b'),
    });
    const calls = github.requests.map((r) => `${r.method} ${r.template}`);
    expect(calls).toEqual([
      'GET /repos/{owner}/{repo}/actions/runs/{run_id}/approvals',
      'GET /repos/{owner}/{repo}/deployments', // one this run made already is reused
      'POST /repos/{owner}/{repo}/deployments',
      'POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses',
      'POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses',
    ]);
    expect(
      github.requests
        .filter((r) => r.template?.endsWith('/statuses'))
        .map((r) => (r.body as { state: string }).state),
    ).toEqual(['in_progress', 'success']);
    expect(github.violations).toEqual([]);
    expect(run.summaries.join('')).toContain('## dev: now runs 2026.11.0');
    expect(output.replace(/::add-mask::.*\n/g, '')).not.toContain('ghs_deploy-token');
  });

  it('marks the deployment failed when the promotion is refused, and leaves the GitOps repository as it was', async () => {
    const { remote, url } = aGitOpsRepository();
    const head = remote.git('rev-parse', 'main');
    const workspace = aDeployWorkspace(promoteWorkflow(url));
    const run = await runWorkflow(join(workspace, 'promote.yml'), {
      workspace,
      eventName: 'workflow_dispatch',
      event: {},
      inputs: { environment: 'prod' },
      repository: 'acme/deploy',
      token: 'ghs_x',
      env: { GITHUB_API_URL: github.url },
    });
    expect(run.conclusion).toBe('failure');
    expect(run.steps.map((s) => s.stdout).join('')).toMatch(/::error::.*has not been released to staging/);
    expect(
      github.requests
        .filter((r) => r.template?.endsWith('/statuses'))
        .map((r) => (r.body as { state: string }).state),
    ).toEqual(['in_progress', 'failure']);
    expect(remote.git('rev-parse', 'main')).toBe(head);
    expect(github.violations).toEqual([]);
  });
});
