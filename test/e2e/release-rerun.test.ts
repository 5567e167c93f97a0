import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GitHubApiServer } from '../github-api/github-api-server.js';
import { startVerdaccio, type RunningVerdaccio } from '../npm-registry/verdaccio-fixture.js';
import { runWorkflow, type WorkflowRun } from '../step-runner/run-workflow.js';
import { GitRepo } from '../git-repo.js';
import { printMatrix } from '../kill-points/kill-matrix.js';
import { adoptTemplates, lockWithNpm } from './sample-platform.js';

/**
 * "Re-run failed jobs": release.yml, as an adopter copies it, fails at one of its steps (before
 * the step runs, or after it made its writes), and the same workflow run — same commit, a fresh
 * checkout of it, the same inputs — is run again. The re-run must finish the release, once.
 * The sample is an npm package that needs a build step; the registry must get the built files.
 */

let npm: RunningVerdaccio;
let github: GitHubApiServer;
beforeAll(async () => {
  [npm, github] = await Promise.all([startVerdaccio(), GitHubApiServer.start()]);
}, 60_000);
afterAll(async () => {
  await Promise.all([npm?.stop(), github?.close()]);
});

const token = 'ghs_rerun-token-0123456789abcdef';
const noop = () => {};

/** A one-package npm workspace whose package ships only what its build script makes. */
function aBuiltPackageRepo(name: string): { origin: GitRepo; sha: string } {
  const repo = GitRepo.create();
  repo.writeJson('package.json', { name: 'shop', private: true, workspaces: ['packages/*'] });
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
  lockWithNpm(repo);
  adoptTemplates(repo, ['ci.yml', 'release.yml']);
  repo.commit('feat: greet');
  repo.tag(`${name}@1.0.0`);
  const sha = repo.commit('feat(greet): greet by name', ['packages/greet/name.txt']);
  const origin = GitRepo.create({ bare: true });
  repo.git('remote', 'add', 'origin', origin.dir);
  repo.git('push', '-q', '--tags', 'origin', 'main');
  return { origin, sha };
}

/** What actions/checkout gives a run of `sha` (also its re-run): main at that commit, every tag. */
function checkoutAt(origin: GitRepo, sha: string): GitRepo {
  const work = GitRepo.create();
  work.git('remote', 'add', 'origin', origin.dir);
  work.git('fetch', '-q', '--tags', 'origin', 'main');
  work.git('checkout', '-q', '-B', 'main', sha);
  return work;
}

type Cut = { step: string; when: 'before' | 'after' } | null;

async function runRelease(origin: GitRepo, sha: string, n: number, cut: Cut): Promise<WorkflowRun> {
  const workspace = checkoutAt(origin, sha);
  return runWorkflow(join(workspace.dir, '.github', 'workflows', 'release.yml'), {
    workspace: workspace.dir,
    eventName: 'push',
    event: { ref: 'refs/heads/main', after: sha },
    repository: `acme/shop-${n}`,
    sha,
    token,
    secrets: { NPM_TOKEN: npm.token },
    vars: { NPM_REGISTRY: npm.url, RELX_DEPLOY_REPOSITORY: `acme/deploy-${n}` },
    env: { GITHUB_API_URL: github.url },
    standIns: {
      'actions/checkout': noop,
      'actions/setup-node': noop,
      'actions/attest-build-provenance': noop,
    },
    reusable: async () => 'success',
    runId: 1000 + n,
    interrupt: ({ job, id, name }) =>
      cut && job === 'release' && (id === cut.step || name === cut.step) ? cut.when : null,
  });
}

const failures = (run: WorkflowRun) =>
  run.steps.filter((s) => s.outcome === 'failure').map((s) => `${s.job}/${s.name}: ${s.stdout}${s.stderr}`);

async function tarballFiles(name: string, version: string): Promise<string[]> {
  const doc = (await (await fetch(`${npm.url}${name.replace('/', '%2f')}`)).json()) as {
    versions: Record<string, { dist: { tarball: string } }>;
  };
  const url = doc.versions[version]?.dist.tarball;
  if (!url) return [];
  const dir = mkdtempSync(join(tmpdir(), 'relx-tarball-'));
  writeFileSync(join(dir, 'p.tgz'), Buffer.from(await (await fetch(url)).arrayBuffer()));
  return execFileSync('tar', ['-tzf', join(dir, 'p.tgz')], { encoding: 'utf8' })
    .split('\n')
    .filter(Boolean)
    .sort();
}

/** What must hold once the release is finished, however many attempts it took. */
async function releaseInvariants(origin: GitRepo, sha: string, n: number, name: string) {
  const log = origin
    .git('log', '--format=%H %P%x00%s%x00%B%x01', 'main')
    .split('\x01')
    .map((e) => e.trim());
  const releaseCommits = log.filter((e) => e.includes(`Relx-Release-Of: ${sha}`));
  const manifestCommits = log.filter((e) => e.includes('\0chore(release): manifest '));
  const tag = `${name}@1.1.0`;
  const tagged = origin.git('rev-parse', `${tag}^{commit}`);
  const listed = await fetch(`${github.url}/repos/acme/shop-${n}/releases`, {
    headers: { authorization: `Bearer ${token}`, accept: 'application/vnd.github+json' },
  });
  const releases = (await listed.json()) as { tag_name: string }[];
  if (!Array.isArray(releases)) throw new Error(`GET releases: ${listed.status} ${JSON.stringify(releases)}`);
  const dispatches = github.dispatches.filter((d) => d.repository === `acme/deploy-${n}`);
  return {
    releaseCommits: releaseCommits.length,
    tagOnReleaseCommit: releaseCommits[0]?.startsWith(`${tagged} ${sha}`) ?? false,
    versionAtTag: (
      JSON.parse(origin.git('show', `${tag}:packages/greet/package.json`)) as { version: string }
    ).version,
    manifestCommits: manifestCommits.length,
    manifestFiles: origin.git('ls-tree', '--name-only', 'main', 'releases/').split('\n').filter(Boolean)
      .length,
    githubReleases: releases.filter((r) => r.tag_name === tag).length,
    builtFileInRegistry: (await tarballFiles(name, '1.1.0')).includes('package/dist/index.js'),
    dispatched: dispatches.length > 0,
    dispatchedManifests: new Set(
      dispatches.map((d) => (d.client_payload as { release?: string }).release ?? ''),
    ).size,
    dispatches: dispatches.length,
  };
}

const finished = {
  releaseCommits: 1,
  tagOnReleaseCommit: true,
  versionAtTag: '1.1.0',
  manifestCommits: 1,
  manifestFiles: 2,
  githubReleases: 1,
  builtFileInRegistry: true,
  dispatched: true,
  dispatchedManifests: 1,
};

const matrix: string[] = [];
afterAll(() =>
  printMatrix(
    [
      '### release.yml re-run after a failure',
      '',
      '| failed at | first run | re-run | dispatches |',
      '|---|---|---|---|',
      ...matrix,
      '',
    ].join('\n'),
  ),
);

describe('release.yml, re-run after failing at a step', () => {
  let n = 0;
  it.each<[string, 'before' | 'after']>([
    ['plan', 'after'],
    ['bump', 'before'],
    ['bump', 'after'],
    ['build', 'after'],
    ['publish', 'before'],
    ['publish', 'after'],
    ['manifest', 'before'],
    ['manifest', 'after'],
    ['Hand the release to CD', 'before'],
    ['Hand the release to CD', 'after'],
  ])(
    'failing at %s (%s it ran): the re-run of the same run finishes the release once',
    async (step, when) => {
      n++;
      const name = `@acme/greet-${n}`;
      const { origin, sha } = aBuiltPackageRepo(name);
      const first = await runRelease(origin, sha, n, { step, when });
      expect(first.conclusion).toBe('failure');
      const rerun = await runRelease(origin, sha, n, null);
      expect(failures(rerun)).toEqual([]);
      expect(rerun.conclusion).toBe('success');
      const state = await releaseInvariants(origin, sha, n, name);
      matrix.push(`| ${step} (${when}) | failure | ${rerun.conclusion} | ${state.dispatches} |`);
      expect(state).toEqual({ ...finished, dispatches: state.dispatches });
    },
    240_000,
  );
});
