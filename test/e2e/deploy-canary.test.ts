import { jest } from '@jest/globals';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/main.js';
import { renderReleaseManifest, type ReleaseManifest } from '../../src/manifest/release-manifest.js';
import { releaseDispatch } from '../../src/publish/release-dispatch.js';
import { aRelease, gitopsConfig } from '../gitops/gitops-fixture.js';
import { anApproval, GitHubApiServer } from '../github-api/github-api-server.js';
import { ArgoCdServer } from '../argocd/argocd-server.js';
import { GitRepo } from '../git-repo.js';
import { constant } from '../prometheus/prometheus-fixture.js';
import { startPrometheus, type RunningPrometheus } from '../prometheus/prometheus-fixture.js';
import { erroringCanary, healthyCanary, scenarios, stable } from '../prometheus/slo-scenarios.js';
import { runWorkflow, type WorkflowRun, type WorkflowRunOptions } from '../step-runner/run-workflow.js';
import { adoptTemplates, checkout, sloPolicy } from './sample-platform.js';

/**
 * deploy.yml, canary.yml and rollback.yml as GitHub runs them (the step runner, with GitHub
 * Environments and their required reviewers), with the built promote-env and slo-gate, a bare
 * GitOps repository whose prod has canary steps [5, 25, 50], a real Prometheus whose series carry
 * the versions relx writes on the workloads (stable api 1.4.0 beside a canary 1.4.1 or 1.5.0),
 * and a local GitHub that checks every call against GitHub's OpenAPI description.
 */

let github: GitHubApiServer;
let prometheus: RunningPrometheus;
beforeAll(async () => {
  [github, prometheus] = await Promise.all([
    GitHubApiServer.start(),
    startPrometheus(
      {
        ...scenarios,
        'patch-good': { '1.4.0': constant(stable), '1.4.1': constant(healthyCanary) },
        'patch-bad': { '1.4.0': constant(stable), '1.4.1': constant(erroringCanary) },
        'minor-good': { '1.4.0': constant(stable), '1.5.0': constant(healthyCanary) },
      },
      new Date(Date.now() - 30_000),
    ),
  ]);
}, 60_000);
afterAll(async () => {
  await Promise.all([github?.close(), prometheus?.stop()]);
});

/** prod has no reviewers (the canary, patches); prod-approval has the release engineers. */
const environments: WorkflowRunOptions['environments'] = {
  dev: { reviewers: [] },
  staging: { reviewers: [] },
  prod: { reviewers: [] },
  'prod-approval': { reviewers: ['alice', 'bob'] },
};

const canaryConfig = (bake: string) =>
  [
    'canary:',
    '  prod:',
    '    steps: [5, 25, 50]',
    `    bake: ${bake}`,
    '    traffic:',
    '      - kind: helm',
    '        component: api',
    '        file: values.yaml',
    '',
  ].join('\n');

const canaryPolicy = (scenario: string) =>
  [
    'component: api',
    `selector: {scenario: ${scenario}}`,
    `baseline: 'version="{stableVersion}"'`,
    `canary: 'version="{canaryVersion}"'`,
    'window: 30m',
    'objectives: {maxErrorRateDelta: 0.01, maxP99LatencyDeltaMs: 100, minRequests: 100}',
    '',
  ].join('\n');

/** The whole environment after completion: the release prod runs, under a ceiling. */
const prodPolicy = (scenario: string, maxErrorRate: number) =>
  [
    'component: api',
    `selector: {scenario: ${scenario}}`,
    `baseline: 'version="{stableVersion}"'`,
    `canary: 'version="{stableVersion}"'`,
    'window: 30m',
    `objectives: {maxErrorRate: ${maxErrorRate}, minRequests: 100}`,
    '',
  ].join('\n');

let out = '';
const relx = async (...args: string[]): Promise<string> => {
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

const manifestFile = (manifest: ReleaseManifest) => {
  const path = join(mkdtempSync(join(tmpdir(), 'relx-canary-e2e-')), `${manifest.metadata.name}.yaml`);
  writeFileSync(path, renderReleaseManifest(manifest));
  return path;
};

/**
 * The deploy repository, which is also the GitOps repository: the templates, relx.gitops.yaml
 * with prod's canary, SLO policies, and prod (with dev and staging) running `running`.
 */
async function aDeployRepository(
  running: ReleaseManifest,
  files: { canary: string; bake?: string; prod?: string },
): Promise<GitRepo> {
  const seed = GitRepo.create();
  adoptTemplates(seed, ['deploy.yml', 'canary.yml', 'rollback.yml']);
  const content: Record<string, string> = {
    'relx.gitops.yaml': gitopsConfig + canaryConfig(files.bake ?? '0s'),
    'slo/dev.yaml': sloPolicy('healthy'),
    'slo/staging.yaml': sloPolicy('healthy'),
    'slo/prod-canary.yaml': files.canary,
    ...(files.prod ? { 'slo/prod.yaml': files.prod } : {}),
  };
  for (const env of ['dev', 'staging', 'prod']) {
    content[`environments/${env}/kustomization.yaml`] =
      'resources: [../../base]\nimages:\n  - name: ghcr.io/acme/api\n    newTag: latest\n';
    content[`environments/${env}/values.yaml`] = 'replicas: 2\n';
  }
  seed.commit('chore: environments, SLO policies and the CD workflows', content);
  const origin = GitRepo.create({ bare: true });
  seed.git('remote', 'add', 'origin', origin.dir);
  seed.git('push', '-q', 'origin', 'main');
  const file = manifestFile(running);
  for (const env of ['dev', 'staging', 'prod'])
    await relx('promote', '--env', env, '--manifest', file, '--gitops', origin.dir);
  return origin;
}

const handoff = (manifest: ReleaseManifest) =>
  releaseDispatch({
    repository: 'acme/deploy',
    source: { repository: 'acme/platform', commit: 'a'.repeat(40), runUrl: null },
    manifest: {
      path: `releases/${manifest.metadata.name}.yaml`,
      text: renderReleaseManifest(manifest),
      name: manifest.metadata.name,
      commit: 'a'.repeat(40),
    },
  }).payload;

let runId = 100;
function run(
  gitops: GitRepo,
  template: string,
  event: { name: string; action?: string; payload?: unknown },
  approve?: WorkflowRunOptions['approve'],
  engine?: { vars: Record<string, string>; secrets: Record<string, string> },
): Promise<WorkflowRun> {
  const workspace = checkout(gitops);
  return runWorkflow(join(workspace.dir, '.github', 'workflows', template), {
    workspace: workspace.dir,
    eventName: event.name,
    event: event.action ? { action: event.action, client_payload: event.payload } : {},
    repository: 'acme/deploy',
    sha: workspace.head(),
    token: 'ghs_cd-token-0123456789abcdef',
    vars: { RELX_GITOPS_REPOSITORY: gitops.dir, PROMETHEUS_URL: prometheus.url, ...engine?.vars },
    ...(engine ? { secrets: engine.secrets } : {}),
    env: { GITHUB_API_URL: github.url },
    standIns: { 'actions/checkout': () => {}, 'actions/setup-node': () => {} },
    environments,
    runId: ++runId,
    ...(approve ? { approve } : {}),
  });
}
const deploy = (gitops: GitRepo, release: ReleaseManifest, approve?: WorkflowRunOptions['approve']) =>
  run(
    gitops,
    'deploy.yml',
    { name: 'repository_dispatch', action: 'relx-release-published', payload: handoff(release) },
    approve,
  );

/** A reviewer who approves, as GitHub records it (the run's approvals say who, for which environment). */
const approvedBy =
  (login: string) =>
  (_job: string, environment: string): string => {
    github.seedApprovals(runId, [anApproval({ id: 9, name: environment }, { login, id: 7 }, 'ship it')]);
    return login;
  };

const results = (r: WorkflowRun) =>
  Object.fromEntries(Object.entries(r.jobs).map(([id, j]) => [id, j.result]));
const failures = (r: WorkflowRun) =>
  r.steps.filter((s) => s.outcome === 'failure').map((s) => `${s.job}/${s.name}: ${s.stdout}${s.stderr}`);
const status = async (gitops: GitRepo) =>
  JSON.parse(await relx('status', '--env', 'prod', '--gitops', gitops.dir, '--json')) as {
    release: string | null;
    canary: { release: string; weight: number } | null;
  };
/** The trailers of prod's commits since `since`, oldest first. */
const prodCommits = (gitops: GitRepo, since: string) =>
  gitops
    .git('log', '--reverse', '--format=%B%x00', `${since}..main`)
    .split('\0')
    .map((m) => m.trim())
    .filter(Boolean);
const trailer = (message: string, name: string) =>
  new RegExp(`^${name}: (.*)$`, 'm').exec(message)?.[1] ?? null;

const r1 = aRelease('2026.12.0', '1.4.0', 'a');
const patch = aRelease('2026.12.1', '1.4.1', 'b', '2026.12.0');
const minor = aRelease('2026.12.2', '1.5.0', 'c', '2026.12.0');

describe('deploy.yml: a canary in production, approvals by risk, rollback without a person', () => {
  it('takes a patch release 5 → 25 → 50 → complete without asking a reviewer', async () => {
    const gitops = await aDeployRepository(r1, {
      canary: canaryPolicy('patch-good'),
      prod: prodPolicy('patch-good', 0.05),
    });
    const before = gitops.git('rev-parse', 'main');
    const asked: string[] = [];
    const deployed = await deploy(gitops, patch, (job, env) => (asked.push(`${job}→${env}`), 'alice'));
    expect(failures(deployed)).toEqual([]);
    expect(results(deployed)).toEqual({
      dev: 'success',
      'gate-dev': 'success',
      staging: 'success',
      'gate-staging': 'success',
      images: 'skipped',
      scan: 'skipped',
      smoke: 'skipped',
      risk: 'success',
      canary: 'success',
      prod: 'success',
    });
    expect(deployed.jobs.risk?.outputs).toMatchObject({
      risk: 'patch',
      review: 'false',
      environment: 'prod',
    });
    expect(asked).toEqual([]);
    expect(deployed.reviews).toEqual([]);
    expect(await status(gitops)).toMatchObject({ release: '2026.12.1', canary: null });
    const prod = prodCommits(gitops, before).filter((m) => trailer(m, 'Relx-Environment') === 'prod');
    expect(prod.map((m) => trailer(m, 'Relx-Canary'))).toEqual(['5', '25', '50', 'complete']);

    // canary.yml's next run finds no canary in progress and does nothing
    const head = gitops.git('rev-parse', 'main');
    const idle = await run(gitops, 'canary.yml', { name: 'schedule' });
    expect(results(idle)).toEqual({ canary: 'success', risk: 'skipped', prod: 'skipped' });
    expect(idle.jobs.canary?.outputs.status).toBe('none');
    expect(gitops.git('rev-parse', 'main')).toBe(head);
  }, 400_000);

  it('holds a minor release at its last canary step until a reviewer approves the rollout', async () => {
    const gitops = await aDeployRepository(r1, { canary: canaryPolicy('minor-good') });
    const waiting = await deploy(gitops, minor, () => undefined);
    expect(failures(waiting)).toEqual([]);
    expect(waiting.conclusion).toBe('waiting');
    expect(waiting.jobs.risk?.outputs).toMatchObject({ risk: 'minor', environment: 'prod-approval' });
    expect(waiting.jobs.canary?.outputs.status).toBe('ready');
    expect(waiting.reviews).toEqual([{ job: 'prod', environment: 'prod-approval', reviewer: undefined }]);
    expect(waiting.jobs.prod?.result).toBe('waiting');
    // the stable release keeps production; the canary waits at 50 %
    expect(await status(gitops)).toMatchObject({
      release: '2026.12.0',
      canary: { release: '2026.12.2', weight: 50 },
    });

    // the next canary.yml run gates it again and asks again; alice approves
    const before = gitops.git('rev-parse', 'main');
    const approved = await run(gitops, 'canary.yml', { name: 'workflow_dispatch' }, approvedBy('alice'));
    expect(failures(approved)).toEqual([]);
    expect(results(approved)).toEqual({ canary: 'success', risk: 'success', prod: 'success' });
    expect(approved.reviews).toEqual([{ job: 'prod', environment: 'prod-approval', reviewer: 'alice' }]);
    expect(await status(gitops)).toMatchObject({ release: '2026.12.2', canary: null });
    const [complete] = prodCommits(gitops, before);
    expect(trailer(complete ?? '', 'Relx-Canary')).toBe('complete');
    expect(trailer(complete ?? '', 'Relx-Approved-By')).toBe('alice');
    expect(github.violations).toEqual([]);
  }, 400_000);

  it('aborts a canary whose gate fails in the same run; prod keeps the stable release', async () => {
    const gitops = await aDeployRepository(r1, { canary: canaryPolicy('patch-bad') });
    const before = gitops.git('rev-parse', 'main');
    const deployed = await deploy(gitops, patch);
    expect(deployed.conclusion).toBe('failure');
    expect(results(deployed)).toMatchObject({ canary: 'failure', prod: 'skipped' });
    expect(await status(gitops)).toMatchObject({ release: '2026.12.0', canary: null });
    const prod = prodCommits(gitops, before).filter((m) => trailer(m, 'Relx-Environment') === 'prod');
    expect(prod.map((m) => trailer(m, 'Relx-Canary'))).toEqual(['5', 'abort']);
    expect(trailer(prod[1] ?? '', 'Relx-Abort-Reason')).toBe('slo-gate fail at 5 %');
    expect(trailer(prod[1] ?? '', 'Relx-Gate-Report')).toBe(
      `https://github.com/acme/deploy/actions/runs/${runId}`,
    );
    expect(deployed.summaries.join('\n')).toMatch(
      /### Canary aborted: slo-gate fail at 5 %\n\nAbort commit `[0-9a-f]{40}` \(success\), \d+\.\d{3} s after the failing gate\./,
    );
    const history = JSON.parse(
      await relx('history', '--env', 'prod', '--gitops', gitops.dir, '--json'),
    ) as Array<{
      record: { canary?: unknown } | null;
    }>;
    expect(JSON.stringify(history[0])).toContain('abort');
  }, 400_000);

  it('rolls prod back in the same run when the whole environment fails after the canary completed', async () => {
    // the canary is no worse than stable, but prod as a whole breaks the ceiling
    const gitops = await aDeployRepository(r1, {
      canary: canaryPolicy('patch-good'),
      prod: prodPolicy('patch-good', 0.001),
    });
    const deployed = await deploy(gitops, patch);
    expect(deployed.conclusion).toBe('failure');
    expect(results(deployed)).toMatchObject({ canary: 'success', prod: 'failure' });
    expect(await status(gitops)).toMatchObject({ release: '2026.12.0', canary: null });
    const last = gitops.git('log', '-1', '--format=%B', 'main');
    expect(trailer(last, 'Relx-Rollback-Of')).toBe('2026.12.1');
    expect(trailer(last, 'Relx-Manifest')).toBe('2026.12.0');
    expect(deployed.summaries.join('\n')).toMatch(
      /### prod rolled back to 2026\.12\.0: slo-gate fail after the release completed\n\nRollback commit `[0-9a-f]{40}` \(success\), \d+\.\d{3} s after the failing gate\./,
    );
  }, 400_000);
});

describe('deploy.yml waiting for Argo CD', () => {
  it('rolls prod back in the same run when Argo CD reports the completed release Degraded', async () => {
    const gitops = await aDeployRepository(r1, { canary: canaryPolicy('patch-good') });
    const argocd = await ArgoCdServer.start();
    try {
      // Argo CD follows the GitOps branch; the application degrades once prod runs 2026.12.1 in full
      argocd.follow('shop', () => {
        const prodRelease = gitops.git('show', 'main:environments/prod/release.yaml');
        const degraded = /name: ['"]?2026\.12\.1/.test(prodRelease);
        return {
          revision: gitops.git('rev-parse', 'main'),
          sync: 'Synced',
          health: degraded ? 'Degraded' : 'Healthy',
          ...(degraded ? { healthMessage: 'Deployment "api" exceeded its progress deadline' } : {}),
          operation: { phase: 'Succeeded' },
        };
      });
      const deployed = await run(
        gitops,
        'deploy.yml',
        { name: 'repository_dispatch', action: 'relx-release-published', payload: handoff(patch) },
        undefined,
        {
          vars: {
            RELX_WAIT_FOR: 'argocd',
            RELX_WAIT_TIMEOUT: '30s',
            ARGOCD_URL: argocd.url,
            ARGOCD_APPLICATION: 'shop',
          },
          secrets: { ARGOCD_TOKEN: argocd.token },
        },
      );
      expect(deployed.conclusion).toBe('failure');
      expect(results(deployed)).toMatchObject({ canary: 'success', prod: 'failure' });
      expect(await status(gitops)).toMatchObject({ release: '2026.12.0', canary: null });
      const last = gitops.git('log', '-1', '--format=%B', 'main');
      expect(trailer(last, 'Relx-Rollback-Of')).toBe('2026.12.1');
      expect(deployed.summaries.join('\n')).toMatch(/the engine did not apply it healthy/);
      expect(argocd.violations).toEqual([]);
      expect(argocd.requests.length).toBeGreaterThan(0);
    } finally {
      await argocd.close();
    }
  }, 400_000);
});

describe('rollback.yml on relx-rollback-requested', () => {
  const request = (release: string, canary: boolean) => ({
    name: 'repository_dispatch',
    action: 'relx-rollback-requested',
    payload: {
      environment: 'prod',
      release,
      canary,
      component: 'api',
      verdict: 'fail',
      reason: 'maxErrorRateDelta: canary 0.1 − baseline 0.01 = 0.09 > 0.01 $(touch /tmp/pwned)',
      gate_report: 'https://github.com/acme/monitoring/actions/runs/7',
      run_url: 'https://github.com/acme/monitoring/actions/runs/7',
      numbers: null,
    },
  });

  it('rolls prod back to the release before, once; a request about a release prod no longer runs does nothing', async () => {
    const gitops = await aDeployRepository(r1, { canary: canaryPolicy('patch-good') });
    const file = manifestFile(patch);
    for (const env of ['dev', 'staging', 'prod'])
      await relx('promote', '--env', env, '--manifest', file, '--gitops', gitops.dir);
    expect((await status(gitops)).release).toBe('2026.12.1');

    // deploy.yml does not take this event; rollback.yml does, without a person
    expect((await run(gitops, 'deploy.yml', request('2026.12.1', false))).conclusion).toBe('skipped');
    const rolled = await run(gitops, 'rollback.yml', request('2026.12.1', false), () => {
      throw new Error('nobody is asked');
    });
    expect(failures(rolled)).toEqual([]);
    expect(await status(gitops)).toMatchObject({ release: '2026.12.0', canary: null });
    expect(trailer(gitops.git('log', '-1', '--format=%B', 'main'), 'Relx-Rollback-Of')).toBe('2026.12.1');
    // the payload's text reaches the summary as code, and runs nowhere
    expect(rolled.summaries.join('\n')).toContain(
      '### prod: rolled back on relx-rollback-requested (success)',
    );
    expect(rolled.summaries.join('\n')).toContain('reason `maxErrorRateDelta: canary 0.1');
    expect(existsSync('/tmp/pwned')).toBe(false);

    const head = gitops.git('rev-parse', 'main');
    const again = await run(gitops, 'rollback.yml', request('2026.12.1', false));
    expect(again.conclusion).toBe('success');
    expect(gitops.git('rev-parse', 'main')).toBe(head);
  }, 300_000);

  it('aborts the canary the request names; the stable release keeps running', async () => {
    const gitops = await aDeployRepository(r1, { canary: canaryPolicy('patch-bad'), bake: '30m' });
    const file = manifestFile(patch);
    for (const env of ['dev', 'staging'])
      await relx('promote', '--env', env, '--manifest', file, '--gitops', gitops.dir);
    await relx('promote', '--env', 'prod', '--manifest', file, '--canary', '5', '--gitops', gitops.dir);
    expect(await status(gitops)).toMatchObject({ release: '2026.12.0', canary: { weight: 5 } });

    const aborted = await run(gitops, 'rollback.yml', request('2026.12.1', true));
    expect(failures(aborted)).toEqual([]);
    expect(await status(gitops)).toMatchObject({ release: '2026.12.0', canary: null });
    const last = gitops.git('log', '-1', '--format=%B', 'main');
    expect(trailer(last, 'Relx-Canary')).toBe('abort');
    expect(trailer(last, 'Relx-Gate-Report')).toBe('https://github.com/acme/monitoring/actions/runs/7');
    expect(trailer(last, 'Relx-Abort-Reason')).toContain('maxErrorRateDelta');
  }, 300_000);
});
