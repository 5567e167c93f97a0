import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GitRepo } from '../git-repo.js';
import { runWorkflow, type WorkflowRun } from '../step-runner/run-workflow.js';
import { adoptTemplates } from './sample-platform.js';

/**
 * workflows-templates/ci.yml as copied (no edits) into an npm, a pnpm and a yarn workspace, run
 * by the step runner: its own step picks the package manager from the lockfile and installs
 * pnpm or yarn from the npm registry, then install, build before test, and the audit run with
 * that package manager. Each sample's test script fails unless the build ran first.
 */
let tools: string;
beforeAll(() => {
  tools = mkdtempSync(join(tmpdir(), 'relx-ci-tools-'));
  // to write the samples' lockfiles, as their maintainers did
  execFileSync(
    'npm',
    ['install', '--prefix', tools, '--no-save', '--no-audit', '--no-fund', 'pnpm@10.0.0', 'yarn@1'],
    {
      stdio: 'ignore',
    },
  );
}, 180_000);
afterAll(() => rmSync(tools, { recursive: true, force: true }));

const bin = (name: string) => join(tools, 'node_modules', '.bin', name);
const noop = () => {};

function aWorkspace(extra: Record<string, unknown> = {}): GitRepo {
  const repo = GitRepo.create();
  repo.writeJson('package.json', {
    name: 'sample',
    private: true,
    workspaces: ['packages/*'],
    scripts: {
      build:
        "node -e \"require('fs').mkdirSync('packages/core/dist',{recursive:true});require('fs').writeFileSync('packages/core/dist/index.js','built')\"",
      test: "node -e \"require('fs').readFileSync('packages/core/dist/index.js')\" && echo tested the build",
    },
    ...extra,
  });
  repo.writeJson('packages/core/package.json', { name: '@sample/core', version: '1.0.0' });
  repo.writeJson('packages/api/package.json', { name: '@sample/api', version: '1.0.0' });
  adoptTemplates(repo, ['ci.yml']);
  return repo;
}

const runCi = (repo: GitRepo, vars: Record<string, string> = {}): Promise<WorkflowRun> =>
  runWorkflow(join(repo.dir, '.github', 'workflows', 'ci.yml'), {
    workspace: repo.dir,
    eventName: 'pull_request',
    event: { number: 1 },
    repository: 'acme/sample',
    sha: repo.head(),
    vars,
    standIns: { 'actions/checkout': noop, 'actions/setup-node': noop },
  });
const step = (run: WorkflowRun, name: string) => run.steps.find((s) => s.name === name);
const failures = (run: WorkflowRun) =>
  run.steps
    .filter((s) => s.outcome === 'failure')
    .map((s) => `${s.name}: ${s.stdout.slice(-1500)}${s.stderr.slice(-1500)}`);

describe('ci.yml as copied', () => {
  it('runs an npm workspace with npm ci', async () => {
    const repo = aWorkspace();
    execFileSync('npm', ['install', '--package-lock-only', '--offline', '--no-audit', '--no-fund'], {
      cwd: repo.dir,
      stdio: 'ignore',
    });
    repo.commit('chore: npm');
    const run = await runCi(repo);
    expect(failures(run)).toEqual([]);
    expect(step(run, 'Package manager')?.outputs).toMatchObject({ name: 'npm', bin: 'npm' });
    expect(step(run, 'Lint, build and test')?.stdout).toMatch(
      /No lint script; skipped[\s\S]*tested the build/,
    );
  }, 180_000);

  it('runs a pnpm workspace with the pnpm its packageManager names', async () => {
    const repo = aWorkspace({ packageManager: 'pnpm@10.0.0' });
    repo.write('pnpm-workspace.yaml', 'packages:\n  - packages/*\n');
    execFileSync(bin('pnpm'), ['install', '--lockfile-only'], {
      cwd: repo.dir,
      stdio: 'ignore',
      // pnpm hands over to the version packageManager names, found on PATH (or downloaded)
      env: { ...process.env, PATH: `${join(tools, 'node_modules', '.bin')}:${process.env.PATH ?? ''}` },
    });
    repo.commit('chore: pnpm');
    const run = await runCi(repo);
    // pnpm audit always asks the registry, and the one reachable here has no audit endpoint
    // (npm audit skips the request when there is nothing to audit): the step ran pnpm's audit
    expect(failures(run)).toEqual([expect.stringMatching(/^Dependency audit: [\s\S]*ERR_PNPM_AUDIT/)]);
    const pm = step(run, 'Package manager')?.outputs;
    expect(pm?.name).toBe('pnpm');
    expect(step(run, 'Package manager')?.stdout).toContain('Package manager: pnpm 10.0.0\n');
    expect(step(run, 'Install')?.stdout + (step(run, 'Install')?.stderr ?? '')).toMatch(
      /pnpm|Lockfile|Done/i,
    );
    expect(step(run, 'Lint, build and test')?.stdout).toContain('tested the build');
  }, 180_000);

  it('runs a yarn workspace with yarn 1 and its frozen lockfile', async () => {
    const repo = aWorkspace();
    execFileSync(bin('yarn'), ['install', '--no-progress', '--non-interactive'], {
      cwd: repo.dir,
      stdio: 'ignore',
    });
    repo.write('.gitignore', 'node_modules/\n');
    repo.commit('chore: yarn');
    const run = await runCi(repo);
    expect(failures(run)).toEqual([]);
    expect(step(run, 'Package manager')?.outputs.name).toBe('yarn');
    expect(step(run, 'Lint, build and test')?.stdout).toContain('tested the build');
  }, 180_000);

  it('takes the package manager from RELX_PACKAGE_MANAGER, and stops on one it does not know or no lockfile', async () => {
    const repo = aWorkspace();
    repo.commit('chore: no lockfile');
    const none = await runCi(repo);
    expect(none.conclusion).toBe('failure');
    expect(step(none, 'Package manager')?.stdout).toMatch(
      /::error title=No lockfile::Commit package-lock\.json/,
    );
    const unknown = await runCi(repo, { RELX_PACKAGE_MANAGER: 'bun' });
    expect(step(unknown, 'Package manager')?.stdout).toMatch(/is 'bun'; use npm, pnpm or yarn/);
    expect(step(unknown, 'Install')?.outcome).not.toBe('success');
  }, 180_000);
});
