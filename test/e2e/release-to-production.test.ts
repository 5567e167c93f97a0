import { jest } from '@jest/globals';
import { join } from 'node:path';
import { runCli } from '../../src/cli/main.js';
import { parseReleaseManifest } from '../../src/manifest/release-manifest.js';
import { anApproval, GitHubApiServer } from '../github-api/github-api-server.js';
import { startVerdaccio, type RunningVerdaccio } from '../npm-registry/verdaccio-fixture.js';
import { buildAndPushImage, startRegistry, type RunningRegistry } from '../oci/registry-fixture.js';
import { startPrometheus, type RunningPrometheus } from '../prometheus/prometheus-fixture.js';
import { scenarios } from '../prometheus/slo-scenarios.js';
import { runWorkflow, type WorkflowRun } from '../step-runner/run-workflow.js';
import { GitRepo } from '../git-repo.js';
import { aDeployRepository, aSamplePlatform, checkout, sloPolicy } from './sample-platform.js';

/**
 * The whole pipeline, as GitHub would run it: a commit on the sample platform's main → the release
 * template (analyze-commits → bump-version → publish-artifact → write-manifest → dispatch) → the
 * deploy template on the dispatch (dev → gate → staging → gate → prod). Real Verdaccio, a real
 * distribution registry, a real Prometheus, bare git repositories, and a local GitHub that checks
 * every call against GitHub's OpenAPI description. The actions are the built dist/ bundles.
 */

let npm: RunningVerdaccio;
let oci: RunningRegistry;
let prometheus: RunningPrometheus;
let github: GitHubApiServer;
beforeAll(async () => {
  [npm, oci, prometheus, github] = await Promise.all([
    startVerdaccio(),
    startRegistry(),
    startPrometheus(scenarios, new Date(Date.now() - 30_000)),
    GitHubApiServer.start(),
  ]);
}, 60_000);
afterAll(async () => {
  await Promise.all([npm?.stop(), oci?.stop(), prometheus?.stop(), github?.close()]);
});

const token = 'ghs_e2e-token-0123456789abcdef';
const noop = () => {};

async function release(origin: GitRepo): Promise<{ run: WorkflowRun; workspace: GitRepo }> {
  const workspace = checkout(origin);
  // CI built and pushed the image of this commit
  buildAndPushImage(`${oci.host}/ci/api:sha-${workspace.head().slice(0, 7)}`, `api at ${workspace.head()}`);
  const run = await runWorkflow(join(workspace.dir, '.github', 'workflows', 'release.yml'), {
    workspace: workspace.dir,
    eventName: 'push',
    event: { ref: 'refs/heads/main', after: workspace.head() },
    repository: 'acme/platform',
    sha: workspace.head(),
    token,
    secrets: { NPM_TOKEN: npm.token },
    vars: { NPM_REGISTRY: npm.url, RELX_DEPLOY_REPOSITORY: 'acme/deploy' },
    env: { GITHUB_API_URL: github.url },
    standIns: {
      'actions/checkout': noop,
      'actions/setup-node': noop,
      'actions/attest-build-provenance': noop,
    },
    reusable: async () => 'success',
  });
  return { run, workspace };
}

async function deploy(
  gitops: GitRepo,
  dispatch: { event_type: string; client_payload: unknown },
): Promise<WorkflowRun> {
  const workspace = checkout(gitops);
  return runWorkflow(join(workspace.dir, '.github', 'workflows', 'deploy.yml'), {
    workspace: workspace.dir,
    eventName: 'repository_dispatch',
    event: { action: dispatch.event_type, client_payload: dispatch.client_payload },
    repository: 'acme/deploy',
    sha: workspace.head(),
    token,
    vars: { RELX_GITOPS_REPOSITORY: gitops.dir, PROMETHEUS_URL: prometheus.url },
    env: { GITHUB_API_URL: github.url },
    standIns: { 'actions/checkout': noop },
    approve: (_, environment) => (environment === 'prod' ? 'alice' : 'ci-bot'),
  });
}

const failures = (run: WorkflowRun) =>
  run.steps.filter((s) => s.outcome === 'failure').map((s) => `${s.job}/${s.name}: ${s.stdout}${s.stderr}`);

let out = '';
const relx = async (...args: string[]) => {
  out = '';
  const spy = jest
    .spyOn(process.stdout, 'write')
    .mockImplementation((chunk) => ((out += String(chunk)), true));
  const quiet = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    expect(await runCli(args)).toBe(0);
    return out;
  } finally {
    spy.mockRestore();
    quiet.mockRestore();
  }
};

describe('from a commit to production', () => {
  it('releases, hands over, promotes through gated environments; a library fix then stops at a failing staging gate', async () => {
    github.seedApprovals(42, [anApproval({ id: 3, name: 'prod' }, { login: 'alice', id: 7 }, 'ok')]);
    const { repo: source, origin } = aSamplePlatform(oci.host);
    const { origin: gitops } = aDeployRepository();
    void source;

    // 1. the first release
    const first = await release(origin);
    expect(failures(first.run)).toEqual([]);
    expect(first.run.conclusion).toBe('success');
    const tags = origin.git('tag', '--list').split('\n').sort();
    expect(tags).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^@acme\/core@/),
        expect.stringMatching(/^api@/),
        expect.stringMatching(/^api-chart@/),
      ]),
    );
    expect(github.dispatches).toHaveLength(1);
    const handoff = github.dispatches[0] as {
      event_type: string;
      client_payload: { manifest: string; release: string };
    };
    const manifest1 = parseReleaseManifest(handoff.client_payload.manifest, 'payload');
    expect(manifest1.components.images[0]?.digest).toMatch(/^sha256:/);

    const deploy1 = await deploy(gitops, handoff);
    expect(failures(deploy1)).toEqual([]);
    expect(deploy1.conclusion).toBe('success');
    expect(Object.fromEntries(Object.entries(deploy1.jobs).map(([id, j]) => [id, j.result]))).toEqual({
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
    const prod1 = JSON.parse(await relx('status', '--env', 'prod', '--gitops', gitops.dir, '--json'));
    expect(prod1.release).toBe(manifest1.metadata.name);
    expect(prod1.sourceCommit).toBe(manifest1.metadata.source.commit);
    const history = JSON.parse(await relx('history', '--env', 'prod', '--gitops', gitops.dir, '--json'));
    expect(history[0].record).toMatchObject({
      manifest: manifest1.metadata.name,
      approvedBy: 'alice',
      environment: 'prod',
    });

    // 2. a fix in the library: core patch → api image bump → new manifest → promotion
    const work = checkout(origin);
    work.commit('fix(core): retry on timeouts', {
      'packages/core/index.js': 'exports.retry = (f) => f() || f();\n',
    });
    work.git('push', '-q', 'origin', 'main');
    const second = await release(origin);
    expect(failures(second.run)).toEqual([]);
    const handoff2 = github.dispatches[1] as { event_type: string; client_payload: { manifest: string } };
    const manifest2 = parseReleaseManifest(handoff2.client_payload.manifest, 'payload');
    const version = (m: typeof manifest1, name: string) =>
      [...m.components.packages, ...m.components.infrastructure].find((c) => c.name === name)?.version ??
      m.components.images.find((c) => c.name === name)?.tag;
    for (const name of ['@acme/core', 'api', 'api-chart'])
      expect(version(manifest2, name)).not.toBe(version(manifest1, name));
    expect(version(manifest2, '@acme/utils')).toBe(version(manifest1, '@acme/utils'));
    expect(manifest2.metadata.previous).toBe(manifest1.metadata.name);

    // staging regresses: its gate now reads a canary with an error spike
    const cd = checkout(gitops);
    cd.commit('chore: staging canary regresses', { 'slo/staging.yaml': sloPolicy('errors') });
    cd.git('push', '-q', 'origin', 'main');
    const deploy2 = await deploy(gitops, handoff2);
    expect(Object.fromEntries(Object.entries(deploy2.jobs).map(([id, j]) => [id, j.result]))).toEqual({
      dev: 'success',
      'gate-dev': 'success',
      staging: 'success',
      'gate-staging': 'failure',
      images: 'skipped',
      scan: 'skipped',
      smoke: 'skipped',
      risk: 'success',
      canary: 'skipped', // no canary steps for prod in this repository
      prod: 'skipped',
    });
    expect(
      JSON.parse(await relx('status', '--env', 'staging', '--gitops', gitops.dir, '--json')).release,
    ).toBe(manifest2.metadata.name);
    expect(JSON.parse(await relx('status', '--env', 'prod', '--gitops', gitops.dir, '--json')).release).toBe(
      manifest1.metadata.name,
    );
    expect(await relx('diff', '--env', 'staging', '--gitops', gitops.dir)).toContain('api');
    expect(github.violations).toEqual([]);
  }, 300_000);
});
