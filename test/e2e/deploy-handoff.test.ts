import { join } from 'node:path';
import { aManifest, integrityOf } from '../../src/manifest/manifest-builders.js';
import { renderReleaseManifest, type ReleaseManifest } from '../../src/manifest/release-manifest.js';
import { releaseDispatch } from '../../src/publish/release-dispatch.js';
import { aRelease } from '../gitops/gitops-fixture.js';
import { GitHubApiServer } from '../github-api/github-api-server.js';
import { GitRepo } from '../git-repo.js';
import { startPrometheus, type RunningPrometheus } from '../prometheus/prometheus-fixture.js';
import { scenarios } from '../prometheus/slo-scenarios.js';
import { runWorkflow, type WorkflowRun } from '../step-runner/run-workflow.js';
import { aDeployRepository, checkout } from './sample-platform.js';

/**
 * What CD does with what CI handed over, through the deploy template as GitHub runs it (the built
 * promote-env and slo-gate): a payload whose manifest was altered is refused before anything is
 * written or recorded, and a manifest too large for the payload is fetched from the source
 * repository by path and commit — through the OpenAPI-checked local GitHub — verified, and
 * promoted to production.
 */

let github: GitHubApiServer;
let prometheus: RunningPrometheus;
beforeAll(async () => {
  [github, prometheus] = await Promise.all([
    GitHubApiServer.start(),
    startPrometheus(scenarios, new Date(Date.now() - 30_000)),
  ]);
}, 60_000);
afterAll(async () => {
  await Promise.all([github?.close(), prometheus?.stop()]);
});

/** The source repository with the manifest committed by write-manifest, as the dispatch step sees it. */
function aReleasedSource(manifest: ReleaseManifest): { payload: Record<string, unknown>; text: string } {
  const text = renderReleaseManifest(manifest);
  const source = GitRepo.create();
  const path = `releases/${manifest.metadata.name}.yaml`;
  source.commit(`chore(release): ${manifest.metadata.name}`, { [path]: text });
  github.serveRepository('acme/platform', source.dir);
  const { payload } = releaseDispatch({
    repository: 'acme/deploy',
    source: { repository: 'acme/platform', commit: source.head(), runUrl: null },
    manifest: { path, text, name: manifest.metadata.name, commit: source.head() },
  });
  return { payload, text };
}

function deploy(gitops: GitRepo, payload: unknown, jobs?: string[]): Promise<WorkflowRun> {
  const workspace = checkout(gitops);
  return runWorkflow(join(workspace.dir, '.github', 'workflows', 'deploy.yml'), {
    workspace: workspace.dir,
    eventName: 'repository_dispatch',
    event: { action: 'relx-release-published', client_payload: payload },
    repository: 'acme/deploy',
    sha: workspace.head(),
    token: 'ghs_cd-token-0123456789abcdef',
    vars: { RELX_GITOPS_REPOSITORY: gitops.dir, PROMETHEUS_URL: prometheus.url },
    env: { GITHUB_API_URL: github.url },
    standIns: { 'actions/checkout': () => {} },
    approve: () => 'alice',
    ...(jobs ? { jobs } : {}),
  });
}

const results = (run: WorkflowRun) =>
  Object.fromEntries(Object.entries(run.jobs).map(([id, job]) => [id, job.result]));
const output = (run: WorkflowRun) => run.steps.map((s) => `${s.stdout}${s.stderr}`).join('');

describe('deploy.yml verifies the hand-off', () => {
  it('refuses a payload whose manifest was altered, writing and recording nothing', async () => {
    const { origin: gitops } = aDeployRepository();
    const before = gitops.git('rev-parse', 'main');
    const { payload, text } = aReleasedSource(aRelease('2026.12.3', '1.4.0', 'b'));
    const tampered = { ...payload, manifest: text.replace('1.4.0', '6.6.6') };
    const deployments = github.requests.filter((r) => r.template?.endsWith('/deployments')).length;

    const run = await deploy(gitops, tampered, ['dev']);
    expect(results(run)).toEqual({ dev: 'failure' });
    expect(output(run)).toMatch(
      /manifest_sha256: The manifest in the dispatch payload is not the one CI handed over: its SHA-256 is [0-9a-f]{64}, manifest_sha256 says [0-9a-f]{64}\./,
    );
    expect(gitops.git('rev-parse', 'main')).toBe(before);
    expect(github.requests.filter((r) => r.template?.endsWith('/deployments')).length).toBe(deployments);

    // the same payload, unaltered, is promoted: the template writes the bytes it was given
    const honest = await deploy(gitops, payload, ['dev']);
    expect(results(honest)).toEqual({ dev: 'success' });
    expect(gitops.git('show', 'main:environments/dev/release.yaml')).toBe(text.trimEnd());
    expect(github.violations).toEqual([]);
  }, 120_000);

  it('fetches a manifest over 64 KB by repository, path and commit, verifies it and promotes it to prod', async () => {
    const { origin: gitops } = aDeployRepository();
    const base = aRelease('2026.12.4', '1.4.1', 'e');
    const many = Array.from({ length: 400 }, (_, i) => ({
      name: `@acme/module-${i}`,
      version: '1.0.0',
      registry: 'https://registry.npmjs.org/',
      integrity: integrityOf(String(i % 10)),
    }));
    const large: ReleaseManifest = {
      ...base,
      components: { ...base.components, packages: [...base.components.packages, ...many] },
    };
    const { payload, text } = aReleasedSource(large);
    expect(Buffer.byteLength(text)).toBeGreaterThan(64 * 1024);
    expect(payload).not.toHaveProperty('manifest');

    const run = await deploy(gitops, payload);
    expect(results(run)).toEqual({
      dev: 'success',
      'gate-dev': 'success',
      staging: 'success',
      'gate-staging': 'success',
      images: 'skipped',
      scan: 'skipped',
      smoke: 'skipped',
      risk: 'success',
      canary: 'skipped', // no canary steps for prod in this repository
      prod: 'success',
    });
    expect(gitops.git('show', 'main:environments/prod/release.yaml')).toBe(text.trimEnd());
    expect(github.requests.map((r) => r.template)).toContain('/repos/{owner}/{repo}/contents/{path}');

    // a commit that holds other bytes under that path is refused
    const { payload: other } = aReleasedSource({
      ...large,
      metadata: { ...large.metadata, previous: 'something-else' },
    });
    const swapped = { ...payload, manifest_commit: other.manifest_commit };
    const refused = await deploy(gitops, swapped, ['dev']);
    expect(results(refused)).toEqual({ dev: 'failure' });
    expect(output(refused)).toContain('is not the one CI handed over');
    expect(github.violations).toEqual([]);
  }, 240_000);

  it('refuses a hand-off with no manifest and nowhere to fetch it from, naming the field', async () => {
    const { origin: gitops } = aDeployRepository();
    const { payload } = aReleasedSource(aManifest());
    const rest: Record<string, unknown> = { ...payload };
    delete rest.manifest;
    delete rest.manifest_commit;
    delete rest.commit;
    const run = await deploy(gitops, rest, ['dev']);
    expect(results(run)).toEqual({ dev: 'failure' });
    expect(output(run)).toContain('manifest_commit: The hand-off carries no manifest and no commit');
  }, 120_000);
});
