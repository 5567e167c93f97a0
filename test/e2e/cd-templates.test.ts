import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { renderReleaseManifest } from '../../src/manifest/release-manifest.js';
import { aGitOpsRepository, aRelease } from '../gitops/gitops-fixture.js';
import { GitHubApiServer } from '../github-api/github-api-server.js';
import { runWorkflow, type StandInCall } from '../step-runner/run-workflow.js';

/**
 * promote.yml and rollback.yml as copied, in a repository whose GitOps repository is another one
 * (RELX_GITOPS_REPOSITORY=acme/gitops, a bare repository that git reaches for its github.com URL).
 * The built promote-env runs them; actions/checkout is played by a clone.
 */
let github: GitHubApiServer;
beforeEach(async () => {
  github = await GitHubApiServer.start();
});
afterEach(() => github.close());

const templates = join(import.meta.dirname, '..', '..', 'workflows-templates');
const gitopsUrl = 'https://github.com/acme/gitops';

function aSourceWorkspace(): string {
  const workspace = mkdtempSync(join(tmpdir(), 'relx-cd-templates-'));
  mkdirSync(join(workspace, '.github', 'workflows'), { recursive: true });
  mkdirSync(join(workspace, 'releases'));
  for (const name of ['promote.yml', 'rollback.yml'])
    execFileSync('cp', [join(templates, name), join(workspace, '.github', 'workflows', name)]);
  writeFileSync(
    join(workspace, 'releases', '2026.11.0.yaml'),
    renderReleaseManifest(aRelease('2026.11.0', '1.4.0', 'a')),
  );
  writeFileSync(
    join(workspace, 'releases', '2026.11.1.yaml'),
    renderReleaseManifest(aRelease('2026.11.1', '1.4.1', 'b', '2026.11.0')),
  );
  return workspace;
}

function gitConfigReaching(gitopsDir: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'relx-gitconfig-')), 'gitconfig');
  writeFileSync(file, `[url "${gitopsDir}"]\n\tinsteadOf = ${gitopsUrl}\n`);
  return file;
}

function dispatch(workspace: string, gitopsDir: string, template: string, inputs: Record<string, unknown>) {
  return runWorkflow(join(workspace, '.github', 'workflows', template), {
    workspace,
    eventName: 'workflow_dispatch',
    event: { inputs },
    inputs,
    repository: 'acme/platform',
    token: 'ghs_cd-token-0123456789',
    vars: { RELX_GITOPS_REPOSITORY: 'acme/gitops' },
    secrets: { RELX_GITOPS_TOKEN: 'ghs_gitops-token-0123456789' },
    env: {
      GITHUB_API_URL: github.url,
      // git reaches https://github.com/acme/gitops at the bare repository (relx sets its own
      // GIT_CONFIG_COUNT for the token header, so this goes in a global config file)
      GIT_CONFIG_GLOBAL: gitConfigReaching(gitopsDir),
    },
    approve: () => 'alice',
    standIns: {
      'actions/checkout': ({ with: options, workspace: into }: StandInCall) => {
        if (!options.repository) return; // this repository is the workspace already
        expect(options.repository).toBe('acme/gitops');
        // like actions/checkout, a fresh clone of the repository's current state at `path`
        rmSync(join(into, options.path ?? ''), { recursive: true, force: true });
        execFileSync('git', ['clone', '-q', gitopsDir, join(into, options.path ?? '')]);
      },
    },
  });
}

const runsThere = (remote: { git: (...args: string[]) => string }, env: string) =>
  (parse(remote.git('show', `main:environments/${env}/release.yaml`)) as { metadata: { name: string } })
    .metadata.name;

describe('promote.yml and rollback.yml with the GitOps repository in another repository', () => {
  it('promotes a manifest of this repository, then what dev runs there, to staging', async () => {
    const { remote } = aGitOpsRepository();
    const workspace = aSourceWorkspace();
    const first = await dispatch(workspace, remote.dir, 'promote.yml', {
      environment: 'dev',
      manifest: 'releases/2026.11.0.yaml',
      hotfix: false,
    });
    expect(
      first.steps.filter((s) => s.outcome === 'failure').map((s) => s.name + s.stdout + s.stderr),
    ).toEqual([]);
    expect(runsThere(remote, 'dev')).toBe('2026.11.0');
    // what dev runs is in the GitOps repository, not here
    const second = await dispatch(workspace, remote.dir, 'promote.yml', {
      environment: 'staging',
      manifest: 'environments/dev/release.yaml',
      hotfix: false,
    });
    expect(
      second.steps.filter((s) => s.outcome === 'failure').map((s) => s.name + s.stdout + s.stderr),
    ).toEqual([]);
    expect(second.steps.find((s) => s.name === 'Find the manifest')?.outputs.path).toBe(
      '.relx-gitops/environments/dev/release.yaml',
    );
    expect(runsThere(remote, 'staging')).toBe('2026.11.0');
    expect(remote.git('log', '-1', '--format=%B', 'main')).toContain('Relx-Environment: staging');
    expect(github.violations).toEqual([]);
  });

  it('says which manifest it cannot find, and writes nothing', async () => {
    const { remote } = aGitOpsRepository();
    const head = remote.git('rev-parse', 'main');
    const run = await dispatch(aSourceWorkspace(), remote.dir, 'promote.yml', {
      environment: 'dev',
      manifest: 'releases/nope.yaml',
      hotfix: false,
    });
    expect(run.conclusion).toBe('failure');
    expect(run.steps.map((s) => s.stdout).join('')).toMatch(
      /::error title=No such manifest::releases\/nope\.yaml/,
    );
    expect(remote.git('rev-parse', 'main')).toBe(head);
  });

  it('rolls the whole environment back when no component is given', async () => {
    const { remote } = aGitOpsRepository();
    const workspace = aSourceWorkspace();
    for (const manifest of ['releases/2026.11.0.yaml', 'releases/2026.11.1.yaml']) {
      const run = await dispatch(workspace, remote.dir, 'promote.yml', {
        environment: 'dev',
        manifest,
        hotfix: false,
      });
      expect(run.conclusion).toBe('success');
    }
    expect(runsThere(remote, 'dev')).toBe('2026.11.1');
    const rollback = await dispatch(workspace, remote.dir, 'rollback.yml', {
      environment: 'dev',
      component: '',
      version: '',
    });
    expect(
      rollback.steps.filter((s) => s.outcome === 'failure').map((s) => s.name + s.stdout + s.stderr),
    ).toEqual([]);
    expect(runsThere(remote, 'dev')).toBe('2026.11.0');
    expect(github.violations).toEqual([]);
  });
});
