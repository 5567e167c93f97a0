import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ArgoCdServer } from '../test/argocd/argocd-server.js';
import { aGitOpsRepository, aRelease } from '../test/gitops/gitops-fixture.js';
import { GitHubApiServer } from '../test/github-api/github-api-server.js';
import { KubernetesApiServer } from '../test/kubernetes-api/kubernetes-api-server.js';
import { GitRepo } from '../test/git-repo.js';
import { runWorkflow } from '../test/step-runner/run-workflow.js';
import { renderReleaseManifest } from '../src/manifest/release-manifest.js';

/**
 * promote-env with `wait-for`, through the built bundles (dist/promote-env-*): the GitHub
 * deployment turns success only once the engine — a local Argo CD or Kubernetes API checked
 * against their published descriptions — applied the promotion commit healthy.
 */

let github: GitHubApiServer;
let argocd: ArgoCdServer;
let kube: KubernetesApiServer;
beforeEach(async () => {
  [github, argocd, kube] = await Promise.all([
    GitHubApiServer.start(),
    ArgoCdServer.start(),
    KubernetesApiServer.start(),
  ]);
});
afterEach(() => Promise.all([github.close(), argocd.close(), kube.close()]));

const workflow = (gitops: string, wait: string) => `
name: promote
on: workflow_dispatch
permissions:
  contents: read
jobs:
  promote:
    runs-on: ubuntu-latest
    steps:
      - id: promote
        uses: relx-dev/relx/promote-env@v1
        with:
          environment: dev
          manifest: release.yaml
          gitops-repository: ${gitops}
${wait}
      - id: after
        if: failure()
        run: echo "engine-status=\${{ steps.promote.outputs.engine-status }}"
`;

/** `engine(head)` plays the engine: what it reports, given what main of the GitOps repository is at. */
async function promoteWithWait(wait: string, engine: (head: () => string, remote: GitRepo) => void) {
  const { remote, url } = aGitOpsRepository();
  engine(() => remote.git('rev-parse', 'main'), remote);
  const workspace = mkdtempSync(join(tmpdir(), 'relx-deploy-'));
  writeFileSync(join(workspace, 'release.yaml'), renderReleaseManifest(aRelease('2026.11.0', '1.4.0', 'b')));
  writeFileSync(join(workspace, 'promote.yml'), workflow(url, wait));
  return { remote, workspace, ...(await dispatch(workspace)) };
}

/** One attempt of the workflow in `workspace` (the same run id each time: "Re-run failed jobs"). */
async function dispatch(workspace: string) {
  const run = await runWorkflow(join(workspace, 'promote.yml'), {
    workspace,
    eventName: 'workflow_dispatch',
    event: {},
    repository: 'acme/deploy',
    token: 'ghs_deploy-token-0123456789',
    env: { GITHUB_API_URL: github.url },
  });
  const statuses = github.requests
    .filter((r) => r.template?.endsWith('/statuses'))
    .map((r) => r.body as { state: string; description: string });
  return { run, statuses, output: run.steps.map((s) => s.stdout + s.stderr).join('') };
}

const argoInputs = () => `          wait-for: argocd
          argocd-url: ${argocd.url}
          argocd-application: shop-dev
          argocd-token: ${argocd.token}
          wait-timeout: 30s`;

describe('promote-env waits for the GitOps engine before the deployment turns success', () => {
  it('Argo CD synced and healthy at the promotion commit → deployment success, engine-status applied', async () => {
    const { run, remote, statuses } = await promoteWithWait(argoInputs(), (head) =>
      argocd.follow('shop-dev', () => ({ revision: head(), sync: 'Synced', health: 'Healthy' })),
    );
    expect(run.conclusion).toBe('success');
    expect(run.steps.find((s) => s.id === 'promote')?.outputs['engine-status']).toBe('applied');
    expect(statuses.map((s) => s.state)).toEqual(['in_progress', 'success']);
    expect(statuses[1]?.description).toBe('dev runs 2026.11.0, applied and healthy');
    expect(argocd.requests[0]?.path).toBe('/api/v1/applications/shop-dev');
    expect(remote.git('log', '-1', '--format=%s', 'main')).toMatch(/2026\.11\.0/);
    expect([...argocd.violations, ...github.violations]).toEqual([]);
  });

  it('Argo CD degraded at the commit → deployment failure with the reason, engine-status failed for the rollback', async () => {
    const { run, statuses, output } = await promoteWithWait(argoInputs(), (head) =>
      argocd.follow('shop-dev', () => ({
        revision: head(),
        sync: 'Synced',
        health: 'Degraded',
        healthMessage: 'Deployment "api" exceeded its progress deadline',
      })),
    );
    expect(run.conclusion).toBe('failure');
    expect(statuses.map((s) => s.state)).toEqual(['in_progress', 'failure']);
    expect(statuses[1]?.description).toMatch(
      /^2026\.11\.0 to dev: failed — degraded at [0-9a-f]{12}: Deployment "api" exceeded its progress deadline/,
    );
    expect(run.steps.find((s) => s.id === 'after')?.stdout).toContain('engine-status=failed');
    expect(output.replace(/::add-mask::.*\n/g, '')).not.toContain(argocd.token);
    expect([...argocd.violations, ...github.violations]).toEqual([]);
  });

  it('a token Argo CD refuses → engine-status error, deployment failure naming the input, the token nowhere', async () => {
    const wrong = 'argocd-wrong-token-9876543210';
    const { run, statuses, output } = await promoteWithWait(
      argoInputs().replace(`argocd-token: ${argocd.token}`, `argocd-token: ${wrong}`),
      (head) => argocd.follow('shop-dev', () => ({ revision: head(), sync: 'Synced', health: 'Healthy' })),
    );
    expect(run.conclusion).toBe('failure');
    expect(run.steps.find((s) => s.id === 'after')?.stdout).toContain('engine-status=error');
    expect(statuses.map((s) => s.state)).toEqual(['in_progress', 'failure']);
    expect(statuses[1]?.description).toMatch(/^2026\.11\.0 to dev: error — .*refused the token \(401\)/);
    expect(output).toMatch(/argocd-token/);
    expect(output.replace(/::add-mask::.*\n/g, '')).not.toContain(wrong);
    expect(JSON.stringify(statuses)).not.toContain(wrong);
  });

  it('Flux never applies the commit → timeout, deployment failure', async () => {
    const { run, statuses } = await promoteWithWait(
      `          wait-for: flux
          kube-api-url: ${kube.url}
          flux-kustomization: flux-system/shop-dev
          kube-token: ${kube.token}
          wait-timeout: 3s`,
      () =>
        kube.follow('flux-system/shop-dev', () => ({
          applied: '0123456789abcdef0123456789abcdef01234567',
          ready: 'True',
          reason: 'ReconciliationSucceeded',
        })),
    );
    expect(run.conclusion).toBe('failure');
    expect(statuses.map((s) => s.state)).toEqual(['in_progress', 'failure']);
    expect(statuses[1]?.description).toMatch(
      /^2026\.11\.0 to dev: timeout — not applied and healthy within 3\.0 s/,
    );
    expect([...kube.violations, ...github.violations]).toEqual([]);
  });

  it('Flux applied and ready with deployment-final false → the deployment stays in_progress for the gate', async () => {
    const { run, statuses } = await promoteWithWait(
      `          wait-for: flux
          kube-api-url: ${kube.url}
          flux-kustomization: flux-system/shop-dev
          kube-token: ${kube.token}
          deployment-final: 'false'`,
      (head) =>
        kube.follow('flux-system/shop-dev', () => ({
          applied: head(),
          ready: 'True',
          reason: 'ReconciliationSucceeded',
        })),
    );
    expect(run.conclusion).toBe('success');
    expect(statuses.map((s) => s.state)).toEqual(['in_progress', 'in_progress']);
    expect(statuses[1]?.description).toBe('dev runs 2026.11.0, applied and healthy; awaiting the gate');
    expect([...kube.violations, ...github.violations]).toEqual([]);
  });

  describe('a re-run after a failed wait: the promotion changes nothing, the wait still happens', () => {
    const notYet = '0123456789abcdef0123456789abcdef01234567';

    async function failedFirstAttempt() {
      let engineAt = notYet;
      let remoteHead = () => '';
      const first = await promoteWithWait(argoInputs().replace('30s', '3s'), (head) => {
        remoteHead = head;
        argocd.follow('shop-dev', () => ({ revision: engineAt, sync: 'Synced', health: 'Healthy' }));
      });
      expect(first.run.conclusion).toBe('failure');
      expect(first.statuses.map((s) => s.state)).toEqual(['in_progress', 'failure']);
      const workspace = first.workspace;
      return { first, workspace, reach: () => (engineAt = remoteHead()), promotion: remoteHead() };
    }

    it('waits on the commit that put the environment in its current state and settles the same deployment', async () => {
      const { workspace, reach, promotion } = await failedFirstAttempt();
      const readsBefore = argocd.requests.length;
      reach(); // the engine caught up meanwhile
      const again = await dispatch(workspace);
      const promote = again.run.steps.find((s) => s.id === 'promote');
      expect(again.run.conclusion).toBe('success');
      expect(promote?.outputs['status']).toBe('unchanged');
      expect(promote?.outputs['engine-status']).toBe('applied');
      expect(argocd.requests.length).toBeGreaterThan(readsBefore);
      expect(again.output).toContain(`waiting on ${promotion.slice(0, 12)}`);
      // one deployment, made by the first attempt and settled by the re-run
      expect(
        github.requests.filter((r) => r.method === 'POST' && r.template?.endsWith('/deployments')),
      ).toHaveLength(1);
      expect(again.statuses.map((s) => s.state)).toEqual(['in_progress', 'failure', 'success']);
      expect(again.statuses[2]?.description).toBe('dev runs 2026.11.0, applied and healthy');
      expect([...argocd.violations, ...github.violations]).toEqual([]);
    });

    it('a re-run while the engine is still not there fails again: never green without the wait', async () => {
      const { workspace } = await failedFirstAttempt();
      const again = await dispatch(workspace);
      expect(again.run.conclusion).toBe('failure');
      expect(again.run.steps.find((s) => s.id === 'after')?.stdout).toContain('engine-status=timeout');
      expect(again.statuses.map((s) => s.state)).toEqual(['in_progress', 'failure', 'failure']);
    });
  });

  describe('one GitOps repository for every environment: the engine reports a later tip', () => {
    /** Someone else's commit on top of main of the GitOps repository; its SHA. */
    function pushLater(remote: GitRepo, path: string, content: string): string {
      const work = GitRepo.create();
      work.git('fetch', '-q', remote.dir, 'main');
      work.git('reset', '-q', '--hard', 'FETCH_HEAD');
      work.commit(`later: ${path}`, { [path]: content });
      work.git('push', '-q', remote.dir, 'HEAD:main');
      return work.head();
    }

    /** At Argo CD's first reading, a commit after ours changes `path`; Argo CD is synced and healthy at it. */
    const atLaterCommit = (path: string, content: string) => (_head: () => string, remote: GitRepo) => {
      let later = '';
      argocd.follow('shop-dev', () => {
        later ||= pushLater(remote, path, content);
        return { revision: later, sync: 'Synced', health: 'Healthy' };
      });
    };

    it('staging changed right after ours: dev counts as applied at the later tip, the deployment success', async () => {
      const staging = renderReleaseManifest(aRelease('2026.11.1', '1.4.1', 'c'));
      const { run, statuses, output } = await promoteWithWait(
        argoInputs(),
        atLaterCommit('environments/staging/release.yaml', staging),
      );
      expect(run.conclusion).toBe('success');
      expect(run.steps.find((s) => s.id === 'promote')?.outputs['engine-status']).toBe('applied');
      expect(output).toContain('a later commit that leaves environments/dev/release.yaml as ours wrote it');
      expect(statuses.map((s) => s.state)).toEqual(['in_progress', 'success']);
      expect([...argocd.violations, ...github.violations]).toEqual([]);
    });

    it('dev itself changed to another release after ours: superseded, the deployment failure', async () => {
      const other = renderReleaseManifest(aRelease('2026.12.0', '1.5.0', 'd'));
      const { run, statuses } = await promoteWithWait(
        argoInputs(),
        atLaterCommit('environments/dev/release.yaml', other),
      );
      expect(run.conclusion).toBe('failure');
      expect(run.steps.find((s) => s.id === 'after')?.stdout).toContain('engine-status=superseded');
      expect(statuses.map((s) => s.state)).toEqual(['in_progress', 'failure']);
      expect(statuses[1]?.description).toMatch(
        /^2026\.11\.0 to dev: superseded — superseded: [0-9a-f]{12} changed environments\/dev\/release\.yaml/,
      );
    });
  });
});
