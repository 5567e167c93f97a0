import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GitHubApiServer } from '../github-api/github-api-server.js';
import { runWorkflow, type WorkflowRun } from '../step-runner/run-workflow.js';
import { GitRepo } from '../git-repo.js';
import { adoptTemplates } from './sample-platform.js';

/**
 * release.yml, as copied, in a pnpm and a yarn repository: the package manager is found from the
 * lockfile (or set by RELX_PACKAGE_MANAGER) and installs and builds before publishing. pnpm and
 * yarn are not installed here, so each is a stand-in on PATH that records how it was called; npm
 * runs for real in release-rerun.test.ts.
 */

let github: GitHubApiServer;
beforeAll(async () => {
  github = await GitHubApiServer.start();
});
afterAll(async () => {
  await github?.close();
});

/** `pnpm`, `yarn` and `corepack` that append their arguments to calls.log. */
function standInTools(): { bin: string; calls: () => string[] } {
  const bin = mkdtempSync(join(tmpdir(), 'relx-tools-'));
  for (const tool of ['pnpm', 'yarn', 'corepack']) {
    writeFileSync(join(bin, tool), `#!/bin/sh\necho "${tool} $*" >> "${join(bin, 'calls.log')}"\n`);
    chmodSync(join(bin, tool), 0o755);
  }
  writeFileSync(join(bin, 'calls.log'), '');
  return { bin, calls: () => readFileSync(join(bin, 'calls.log'), 'utf8').split('\n').filter(Boolean) };
}

function aRepo(lockfile: string | null, scripts: Record<string, string>): GitRepo {
  const repo = GitRepo.create();
  repo.writeJson('package.json', { name: 'shop', private: true, workspaces: ['packages/*'], scripts });
  repo.writeJson('packages/greet/package.json', { name: '@acme/greet', version: '1.0.0', private: true });
  if (lockfile) repo.write(lockfile, '# lockfile\n');
  adoptTemplates(repo, ['ci.yml', 'release.yml']);
  repo.commit('feat: greet');
  repo.tag('@acme/greet@1.0.0');
  repo.commit('feat(greet): by name', ['packages/greet/name.txt']);
  const origin = GitRepo.create({ bare: true });
  repo.git('remote', 'add', 'origin', origin.dir);
  repo.git('push', '-q', '--tags', 'origin', 'main');
  return repo;
}

let runs = 0;
async function release(repo: GitRepo, bin: string, vars: Record<string, string> = {}): Promise<WorkflowRun> {
  runs++;
  return runWorkflow(join(repo.dir, '.github', 'workflows', 'release.yml'), {
    workspace: repo.dir,
    eventName: 'push',
    event: { ref: 'refs/heads/main', after: repo.head() },
    repository: `acme/shop-pm-${runs}`,
    sha: repo.head(),
    token: 'ghs_package-managers-0123456789',
    vars,
    env: { GITHUB_API_URL: github.url, PATH: `${bin}:${process.env.PATH ?? ''}` },
    standIns: { 'actions/checkout': () => {}, 'actions/setup-node': () => {} },
    reusable: async () => 'success',
    jobs: ['release'],
    // what is measured ends with the build
    interrupt: ({ id }) => (id === 'publish' ? 'before' : null),
  });
}

const step = (run: WorkflowRun, id: string) => run.steps.find((s) => s.id === id);

describe('release.yml installs and builds with the repository’s package manager', () => {
  it.each([
    ['pnpm-lock.yaml', 'pnpm', ['corepack enable', 'pnpm install --frozen-lockfile', 'pnpm run build']],
    ['yarn.lock', 'yarn', ['corepack enable', 'yarn install --frozen-lockfile', 'yarn run build']],
  ])(
    '%s → %s',
    async (lockfile, pm, calls) => {
      const tools = standInTools();
      const run = await release(aRepo(lockfile, { build: 'tsc -b' }), tools.bin);
      expect(step(run, 'pm')?.outputs.name).toBe(pm);
      expect(step(run, 'build')?.outcome).toBe('success');
      expect(tools.calls()).toEqual(calls);
    },
    120_000,
  );

  it('pnpm without a root build script builds the workspaces that have one', async () => {
    const tools = standInTools();
    const run = await release(aRepo('pnpm-lock.yaml', {}), tools.bin);
    expect(step(run, 'build')?.outcome).toBe('success');
    expect(tools.calls()).toEqual([
      'corepack enable',
      'pnpm install --frozen-lockfile',
      'pnpm -r --if-present run build',
    ]);
  }, 120_000);

  it('RELX_PACKAGE_MANAGER chooses; a value that is none of the three fails first, naming it', async () => {
    const tools = standInTools();
    const chosen = await release(aRepo(null, { build: 'x' }), tools.bin, { RELX_PACKAGE_MANAGER: 'pnpm' });
    expect(step(chosen, 'pm')?.outputs.name).toBe('pnpm');

    const wrong = await release(aRepo(null, {}), tools.bin, { RELX_PACKAGE_MANAGER: 'bun' });
    expect(step(wrong, 'pm')?.outcome).toBe('failure');
    expect(step(wrong, 'pm')?.stdout).toContain("::error title=RELX_PACKAGE_MANAGER::is 'bun'");
    expect(step(wrong, 'bump')?.outcome).toBe('skipped');
  }, 120_000);
});
