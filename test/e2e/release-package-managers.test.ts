import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { GitHubApiServer } from '../github-api/github-api-server.js';
import { startVerdaccio, type RunningVerdaccio } from '../npm-registry/verdaccio-fixture.js';
import { runWorkflow, type WorkflowRun } from '../step-runner/run-workflow.js';
import { GitRepo } from '../git-repo.js';
import { adoptTemplates, checkout, lockWithNpm } from './sample-platform.js';

/**
 * release.yml and ci.yml as an adopter copies them (the quick start's one edit), released from a
 * pnpm, an npm and a yarn workspace whose package ships only what its build script writes. The
 * template's own step installs pnpm or yarn from the npm registry at the version packageManager
 * names; nothing here is a stand-in but actions/checkout and actions/setup-node (this machine's
 * node). The package must reach Verdaccio built. The actions are the built dist/ bundles.
 */

let npm: RunningVerdaccio;
let github: GitHubApiServer;
let tools: string;
beforeAll(async () => {
  [npm, github] = await Promise.all([startVerdaccio(), GitHubApiServer.start()]);
  tools = mkdtempSync(join(tmpdir(), 'relx-release-tools-'));
  // to write the samples' lockfiles, as their maintainers did
  execFileSync(
    'npm',
    ['install', '--prefix', tools, '--no-save', '--no-audit', '--no-fund', 'pnpm@10.0.0', 'yarn@1'],
    { stdio: 'ignore' },
  );
}, 180_000);
afterAll(async () => {
  await Promise.all([npm?.stop(), github?.close()]);
  rmSync(tools, { recursive: true, force: true });
});

const bin = (name: string) => join(tools, 'node_modules', '.bin', name);
const token = 'ghs_package-managers-0123456789';
const noop = () => {};

type Manager = 'pnpm' | 'npm' | 'yarn';

/** Writes the lockfile with the package manager itself (pnpm and yarn from `tools`, not on PATH). */
function lock(repo: GitRepo, pm: Manager): void {
  if (pm === 'npm') return lockWithNpm(repo);
  const args =
    pm === 'pnpm' ? ['install', '--lockfile-only'] : ['install', '--no-progress', '--non-interactive'];
  execFileSync(bin(pm), args, {
    cwd: repo.dir,
    stdio: 'ignore',
    // pnpm hands over to the version packageManager names, found on PATH
    env: { ...process.env, PATH: `${join(tools, 'node_modules', '.bin')}:${process.env.PATH ?? ''}` },
  });
}

/**
 * A workspace with one package that ships `dist/` only, made by its build script; `root` is the
 * root package.json's build script, or none (then release.yml runs each workspace's).
 */
function aBuiltPackageRepo(pm: Manager, name: string, root?: string): GitRepo {
  const repo = GitRepo.create();
  repo.writeJson('package.json', {
    name: 'shop',
    private: true,
    workspaces: ['packages/*'],
    ...(root ? { scripts: { build: root } } : {}),
    ...(pm === 'pnpm' ? { packageManager: 'pnpm@10.0.0' } : {}),
  });
  if (pm === 'pnpm') repo.write('pnpm-workspace.yaml', 'packages:\n  - packages/*\n');
  repo.write('.gitignore', 'node_modules/\ndist/\n');
  repo.writeJson('packages/greet/package.json', {
    name,
    version: '1.0.0',
    main: 'dist/index.js',
    files: ['dist'],
    scripts: { build: 'node build.js' },
  });
  repo.write(
    'packages/greet/build.js',
    "require('fs').mkdirSync('dist', { recursive: true });\n" +
      "require('fs').writeFileSync('dist/index.js', 'exports.greet = () => \"hi\";\\n');\n",
  );
  lock(repo, pm);
  adoptTemplates(repo, ['ci.yml', 'release.yml']);
  repo.commit('feat: greet');
  repo.tag(`${name}@1.0.0`);
  repo.commit('feat(greet): greet by name', ['packages/greet/name.txt']);
  const origin = GitRepo.create({ bare: true });
  repo.git('remote', 'add', 'origin', origin.dir);
  repo.git('push', '-q', '--tags', 'origin', 'main');
  return origin;
}

let runs = 0;
async function release(origin: GitRepo, vars: Record<string, string> = {}): Promise<WorkflowRun> {
  runs++;
  const workspace = checkout(origin);
  return runWorkflow(join(workspace.dir, '.github', 'workflows', 'release.yml'), {
    workspace: workspace.dir,
    eventName: 'push',
    event: { ref: 'refs/heads/main', after: workspace.head() },
    repository: `acme/shop-pm-${runs}`,
    sha: workspace.head(),
    token,
    secrets: { NPM_TOKEN: npm.token },
    vars: { NPM_REGISTRY: npm.url, RELX_DEPLOY_REPOSITORY: `acme/deploy-pm-${runs}`, ...vars },
    env: { GITHUB_API_URL: github.url },
    standIns: {
      'actions/checkout': noop,
      'actions/setup-node': noop,
      'actions/attest-build-provenance': noop,
    },
    // ci.yml, which release.yml calls, runs as copied in ci-template.test.ts
    reusable: async () => 'success',
  });
}

async function tarballFiles(name: string, version: string): Promise<string[]> {
  const doc = (await (await fetch(`${npm.url}${name.replace('/', '%2f')}`)).json()) as {
    versions?: Record<string, { dist: { tarball: string } }>;
  };
  const url = doc.versions?.[version]?.dist.tarball;
  if (!url) return [];
  const dir = mkdtempSync(join(tmpdir(), 'relx-tarball-'));
  writeFileSync(join(dir, 'p.tgz'), Buffer.from(await (await fetch(url)).arrayBuffer()));
  return execFileSync('tar', ['-tzf', join(dir, 'p.tgz')], { encoding: 'utf8' })
    .split('\n')
    .filter(Boolean)
    .sort();
}

const step = (run: WorkflowRun, id: string) => run.steps.find((s) => s.id === id || s.name === id);
const failures = (run: WorkflowRun) =>
  run.steps
    .filter((s) => s.outcome === 'failure')
    .map((s) => `${s.job}/${s.name}: ${s.stdout.slice(-1500)}${s.stderr.slice(-1500)}`);

describe('release.yml as copied installs, builds and publishes with the repository’s package manager', () => {
  it('copies the templates with only the quick start’s edit', () => {
    const origin = aBuiltPackageRepo('npm', '@acme/copied');
    const copied = (file: string) => origin.git('show', `main:.github/workflows/${file}`);
    const template = (file: string) =>
      readFileSync(resolve(import.meta.dirname, '..', '..', 'workflows-templates', file), 'utf8');
    for (const file of ['ci.yml', 'release.yml']) {
      expect(template(file)).toContain('$default-branch');
      expect(copied(file)).toBe(template(file).replaceAll('$default-branch', 'main').trimEnd());
    }
  });

  it.each<[Manager, string, RegExp]>([
    // a root build script that calls pnpm: the pnpm the template installed is on PATH
    ['pnpm', 'pnpm -r run build', /^Package manager: pnpm 10\.0\.0$/m],
    // no root build script: each workspace's
    ['npm', '', /^Package manager: npm \d+\./m],
    ['yarn', '', /^Package manager: yarn 1\./m],
  ])(
    "%s workspace, root build script '%s': the registry gets the built package",
    async (pm, root, installed) => {
      const name = `@acme/greet-${pm}`;
      const run = await release(aBuiltPackageRepo(pm, name, root));
      expect(failures(run)).toEqual([]);
      expect(run.conclusion).toBe('success');
      expect(step(run, 'pm')?.outputs.name).toBe(pm);
      expect(step(run, 'pm')?.stdout).toMatch(installed);
      if (pm !== 'npm') expect(step(run, 'pm')?.outputs.bin).toContain('relx-package-manager');
      expect(await tarballFiles(name, '1.1.0')).toEqual(['package/dist/index.js', 'package/package.json']);
    },
    240_000,
  );

  it('RELX_PACKAGE_MANAGER that is none of the three fails first, naming it; nothing is released', async () => {
    const origin = aBuiltPackageRepo('npm', '@acme/greet-bun');
    const run = await release(origin, { RELX_PACKAGE_MANAGER: 'bun' });
    expect(step(run, 'pm')?.outcome).toBe('failure');
    expect(step(run, 'pm')?.stdout).toContain(
      "::error title=Unknown package manager::RELX_PACKAGE_MANAGER (or the package-manager input) is 'bun'",
    );
    expect(step(run, 'bump')?.outcome).toBe('skipped');
    expect(origin.git('tag', '--list')).toBe('@acme/greet-bun@1.0.0');
  }, 120_000);
});
