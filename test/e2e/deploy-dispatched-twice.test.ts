import { join } from 'node:path';
import { renderReleaseManifest } from '../../src/manifest/release-manifest.js';
import { releaseDispatch } from '../../src/publish/release-dispatch.js';
import { aRelease } from '../gitops/gitops-fixture.js';
import { GitHubApiServer } from '../github-api/github-api-server.js';
import { GitRepo } from '../git-repo.js';
import { runWorkflow, type WorkflowRun } from '../step-runner/run-workflow.js';
import { aDeployRepository, checkout } from './sample-platform.js';

/**
 * A re-run of release.yml after its dispatch step sends CD a second `relx-release-published` for
 * the same manifest (test/e2e/release-rerun.test.ts). Through deploy.yml as GitHub runs it: the
 * second run recognises that the environment already runs that manifest — no second GitOps
 * commit, no second GitHub deployment — and succeeds.
 */

let github: GitHubApiServer;
beforeAll(async () => {
  github = await GitHubApiServer.start();
}, 60_000);
afterAll(async () => {
  await github?.close();
});

function aDispatch(): Record<string, unknown> {
  const manifest = aRelease('2026.12.7', '1.6.0', 'd');
  const text = renderReleaseManifest(manifest);
  const source = GitRepo.create();
  const path = `releases/${manifest.metadata.name}.yaml`;
  source.commit(`chore(release): ${manifest.metadata.name}`, { [path]: text });
  github.serveRepository('acme/platform', source.dir);
  return releaseDispatch({
    repository: 'acme/deploy',
    source: { repository: 'acme/platform', commit: source.head(), runUrl: null },
    manifest: { path, text, name: manifest.metadata.name, commit: source.head() },
  }).payload;
}

let runs = 0;
function deploy(gitops: GitRepo, payload: unknown): Promise<WorkflowRun> {
  const workspace = checkout(gitops);
  runs++;
  return runWorkflow(join(workspace.dir, '.github', 'workflows', 'deploy.yml'), {
    workspace: workspace.dir,
    eventName: 'repository_dispatch',
    event: { action: 'relx-release-published', client_payload: payload },
    repository: 'acme/deploy',
    sha: workspace.head(),
    token: 'ghs_cd-token-0123456789abcdef',
    vars: { RELX_GITOPS_REPOSITORY: gitops.dir },
    env: { GITHUB_API_URL: github.url },
    runId: 4000 + runs,
    standIns: { 'actions/checkout': () => {} },
    approve: () => 'alice',
    jobs: ['dev'],
  });
}

const deploymentsMade = () =>
  github.requests.filter((r) => r.method === 'POST' && r.template === '/repos/{owner}/{repo}/deployments')
    .length;
const promotionsOf = (gitops: GitRepo, release: string) =>
  gitops
    .git('log', '--format=%B%x1e', 'main')
    .split('\x1e')
    .filter((m) => m.includes(`Relx-Manifest: ${release}\n`)).length;

describe('deploy.yml given the same release twice', () => {
  it('promotes it once: the second run changes nothing, records no second deployment, and succeeds', async () => {
    const { origin: gitops } = aDeployRepository();
    const payload = aDispatch();
    const before = deploymentsMade();

    const first = await deploy(gitops, payload);
    expect(first.jobs.dev?.result).toBe('success');
    expect(promotionsOf(gitops, '2026.12.7')).toBe(1);
    expect(deploymentsMade()).toBe(before + 1);
    const head = gitops.git('rev-parse', 'main');

    const second = await deploy(gitops, payload);
    expect(second.jobs.dev?.result).toBe('success');
    expect(second.steps.map((s) => `${s.stdout}${s.stderr}`).join('')).toContain(
      'dev: already as asked (2026.12.7), nothing to write',
    );
    expect(gitops.git('rev-parse', 'main')).toBe(head);
    expect(promotionsOf(gitops, '2026.12.7')).toBe(1);
    expect(deploymentsMade()).toBe(before + 1);
    expect(github.violations).toEqual([]);
  }, 180_000);
});
