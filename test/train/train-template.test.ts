import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { lockWithNpm } from '../e2e/sample-platform.js';
import { GitHubApiServer } from '../github-api/github-api-server.js';
import { GitRepo } from '../git-repo.js';
import { startVerdaccio, type RunningVerdaccio } from '../npm-registry/verdaccio-fixture.js';
import { relxRoot, runWorkflow, type StandIn, type WorkflowRun } from '../step-runner/run-workflow.js';
import { planRepositoryRelease } from '../../src/release-plan/plan-repository-release.js';

/**
 * workflows-templates/train.yml as copied, in the step runner with GitHub's parser and expression
 * evaluator: the first run cuts release/v1.4 from main, a fix is merged to it, the second run
 * finishes the train as release.yml releases — 1.4.0 tagged and pushed, installed from the
 * lockfile and built, published to a real Verdaccio, the release manifest committed to the train
 * branch and handed to CD (a repository_dispatch to the OpenAPI-checked GitHub server) — and a
 * later fix on the train branch releases 1.4.1 the same way. The relx CLI and actions are this
 * checkout's built dist/; actions/checkout and setup-node are stand-ins.
 */

const template = join(relxRoot, 'workflows-templates', 'train.yml');
const sdkName = '@train/sdk';
const cliName = '@train/cli';
const config = 'trains:\n  - name: sdk\n    components: ["@train/sdk", "@train/cli"]\n';
const token = 'ghs_train-token-0123456789abcdef';
const deployRepository = 'acme/deploy-train';

let npm: RunningVerdaccio;
let github: GitHubApiServer;
beforeAll(async () => {
  [npm, github] = await Promise.all([startVerdaccio(), GitHubApiServer.start()]);
}, 60_000);
afterAll(async () => {
  await Promise.all([npm?.stop(), github?.close()]);
});

/**
 * An npm workspace of the train's two packages at 1.3.2, tagged, with a feature since. The sdk
 * ships only `dist/`, which its build script writes: published unbuilt, its tarball lacks it.
 */
function aTrainRepo(scope: string): { seed: GitRepo; origin: GitRepo } {
  const seed = GitRepo.create();
  seed.writeJson('package.json', { name: 'train-root', private: true, workspaces: ['packages/*'] });
  seed.write('.gitignore', 'node_modules/\ndist/\n');
  seed.writeJson('packages/sdk/package.json', {
    name: sdkName.replace('@train', scope),
    version: '1.3.2',
    main: 'dist/index.js',
    files: ['dist'],
    scripts: { build: 'node build.js' },
  });
  seed.write(
    'packages/sdk/build.js',
    "require('fs').mkdirSync('dist', { recursive: true });\n" +
      "require('fs').writeFileSync('dist/index.js', 'exports.stream = () => [];\\n');\n",
  );
  seed.writeJson('packages/cli/package.json', { name: cliName.replace('@train', scope), version: '1.3.2' });
  seed.write('relx.config.yaml', config.replaceAll('@train', scope));
  lockWithNpm(seed);
  seed.commit('chore: initial layout');
  seed.tag(`${scope}/sdk@1.3.2`).tag(`${scope}/cli@1.3.2`);
  seed.commit('feat(sdk): streaming responses', ['packages/sdk/stream.js']);
  const origin = GitRepo.create({ bare: true });
  seed.git('remote', 'add', 'origin', origin.dir);
  seed.git('push', '-q', '--tags', 'origin', 'main');
  return { seed, origin };
}

/** actions/checkout with fetch-depth 0: every branch and tag of the remote, main checked out. */
function checkout(origin: GitRepo): GitRepo {
  const work = GitRepo.create();
  work.git('remote', 'add', 'origin', origin.dir);
  work.git('fetch', '-q', '--tags', 'origin', '+refs/heads/*:refs/remotes/origin/*');
  work.git('reset', '-q', '--hard', 'origin/main');
  return work;
}

/** The relx checkout (`path: .relx`) is this repository; the repository's own is already there. */
const checkoutStandIn: StandIn = ({ with: w, workspace }) => {
  if (w.repository === 'relx-dev/relx') symlinkSync(relxRoot, join(workspace, w.path ?? '.relx'));
};

type Cut = { step: string; when: 'before' | 'after' };

/** A run of train.yml; `cut` fails it at one of its steps, as a runner that dies would. */
async function runTrain(
  origin: GitRepo,
  inputs: Record<string, string>,
  { cut, deploy = deployRepository }: { cut?: Cut; deploy?: string } = {},
): Promise<WorkflowRun> {
  const workspace = checkout(origin);
  writeFileSync(join(workspace.dir, '.git', 'info', 'exclude'), '.relx\n');
  return runWorkflow(template, {
    workspace: workspace.dir,
    eventName: 'workflow_dispatch',
    event: { inputs },
    inputs,
    sha: workspace.head(),
    token,
    secrets: { NPM_TOKEN: npm.token },
    vars: { NPM_REGISTRY: npm.url, RELX_DEPLOY_REPOSITORY: deploy },
    env: { GITHUB_API_URL: github.url },
    standIns: {
      'actions/checkout': checkoutStandIn,
      'actions/setup-node': () => undefined,
      'actions/attest-build-provenance': () => undefined,
    },
    interrupt: ({ id, name }) => (cut && (id === cut.step || name === cut.step) ? cut.when : null),
  });
}

/** A developer's clone: a commit on `branch`, pushed. */
function mergeTo(origin: GitRepo, branch: string, message: string, file: string): void {
  const dev = checkout(origin);
  dev.git('checkout', '-q', '-B', branch, `origin/${branch}`);
  dev.commit(message, [file]);
  dev.git('push', '-q', 'origin', branch);
}

const show = (origin: GitRepo, ref: string, path: string) => origin.git('show', `${ref}:${path}`);
const failed = (run: WorkflowRun) =>
  run.steps.filter((s) => s.outcome === 'failure').map((s) => `${s.name}\n${s.stdout}\n${s.stderr}`);

async function distTags(name: string): Promise<Record<string, string>> {
  const userconfig = join(mkdtempSync(join(tmpdir(), 'relx-npmrc-')), '.npmrc');
  writeFileSync(userconfig, `//${new URL(npm.url).host}/:_authToken=${npm.token}\n`);
  const args = ['view', name, 'dist-tags', '--json', '--registry', npm.url, '--userconfig', userconfig];
  return JSON.parse((await promisify(execFile)('npm', args)).stdout) as Record<string, string>;
}

/** The registry's versions of a package, and the files of one version's tarball. */
async function registry(name: string, version: string): Promise<{ versions: string[]; files: string[] }> {
  const doc = (await (await fetch(`${npm.url}${name.replace('/', '%2f')}`)).json()) as {
    versions?: Record<string, { dist: { tarball: string } }>;
  };
  const url = doc.versions?.[version]?.dist.tarball;
  const versions = Object.keys(doc.versions ?? {}).sort();
  if (!url) return { versions, files: [] };
  const dir = mkdtempSync(join(tmpdir(), 'relx-tarball-'));
  writeFileSync(join(dir, 'p.tgz'), Buffer.from(await (await fetch(url)).arrayBuffer()));
  const files = execFileSync('tar', ['-tzf', join(dir, 'p.tgz')], { encoding: 'utf8' });
  return { versions, files: files.split('\n').filter(Boolean).sort() };
}

/** The manifests on a branch of origin, and the commits that wrote them. */
function manifestsOn(origin: GitRepo, branch: string) {
  const files = origin.git('ls-tree', '--name-only', `${branch}:releases`).split('\n');
  const commits = origin.git('log', '--format=%s', branch).split('\n');
  return {
    manifests: files.filter((f) => /^\d{4}\.\d+\.\d+\.yaml$/.test(f)),
    manifestCommits: commits.filter((s) => s.startsWith('chore(release): manifest ')).length,
  };
}

/** The release a manifest pins: component → version. */
function pinned(origin: GitRepo, branch: string, manifest: string): Record<string, string> {
  const doc = parse(show(origin, branch, manifest)) as {
    components?: { packages?: Array<{ name: string; version: string }> };
  };
  return Object.fromEntries((doc.components?.packages ?? []).map((c) => [c.name, c.version]));
}

const dispatchesTo = (repository: string) =>
  github.dispatches
    .filter((d) => d.repository === repository)
    .map((d) => ({ event: d.event_type, release: (d.client_payload as { release?: string }).release }));

/** The order steps ran in (skipped ones left out). */
const ran = (run: WorkflowRun) => run.steps.filter((s) => s.outcome !== 'skipped').map((s) => s.id);

describe('train.yml: a release train cut, stabilised and finished', () => {
  it('cuts release/v1.4, releases 1.4.0 with the fix merged to it, then the next fix as 1.4.1', async () => {
    expect(readFileSync(join(relxRoot, 'dist', 'cli', 'index.js'), 'utf8')).toContain('train');
    const { seed, origin } = aTrainRepo('@train');
    const sdk = sdkName;
    const cli = cliName;

    // main holds the train's components: they ship only by the train
    const onMain = (await planRepositoryRelease(seed.dir, { now: new Date() })).plan;
    expect(onMain.components.find((c) => c.name === sdk)).toMatchObject({
      release: false,
      notReleased: 'released by release train sdk (`relx train cut`, then `relx train finish`)',
    });

    const cut = await runTrain(origin, { train: 'sdk', step: 'auto' });
    expect(failed(cut)).toEqual([]);
    expect(cut.jobs.train?.outputs).toEqual({ step: 'cut', branch: 'release/v1.4', manifest: '' });
    expect(cut.summaries.join('')).toContain('Cut release/v1.4 at');
    expect(origin.git('rev-parse', 'release/v1.4')).toBe(origin.git('rev-parse', 'main'));
    expect(origin.git('tag', '--list', '*1.4*')).toBe('');
    // a cut installs, builds and publishes nothing
    expect(ran(cut)).not.toContain('build');
    expect(ran(cut)).not.toContain('publish');

    // stabilising: a fix on the train branch, a feature on main (for the next train)
    mergeTo(origin, 'release/v1.4', 'fix(sdk): close the stream on abort', 'packages/sdk/abort.js');
    mergeTo(origin, 'main', 'feat(sdk): retries', 'packages/sdk/retry.js');

    const finish = await runTrain(origin, { train: 'sdk', step: 'auto' });
    expect(failed(finish)).toEqual([]);
    const manifest = finish.jobs.train?.outputs.manifest ?? '';
    expect(finish.jobs.train?.outputs).toEqual({
      step: 'finish',
      branch: 'release/v1.4',
      manifest: expect.stringMatching(/^releases\/\d{4}\.\d+\.0\.yaml$/),
    });
    expect(origin.git('tag', '--list', '*1.4*').split('\n').sort()).toEqual([
      '@train/cli@1.4.0',
      '@train/sdk@1.4.0',
    ]);
    const changelog = show(origin, 'release/v1.4', 'packages/sdk/CHANGELOG.md');
    expect(changelog).toContain('Release train: **sdk v1.4**');
    expect(changelog).toContain('close the stream on abort');
    expect(changelog).toContain('streaming responses');
    expect(changelog).not.toContain('retries');
    // installed and built before publishing: the tarball holds the file only the build writes
    const steps = ran(finish);
    expect(steps.indexOf('train')).toBeLessThan(steps.indexOf('build'));
    expect(steps.indexOf('build')).toBeLessThan(steps.indexOf('publish'));
    expect(await registry(sdk, '1.4.0')).toEqual({
      versions: ['1.4.0'],
      files: ['package/dist/index.js', 'package/package.json'],
    });
    expect(await distTags(sdk)).toEqual({ latest: '1.4.0' });
    expect(await distTags(cli)).toEqual({ latest: '1.4.0' });
    // the manifest, committed to the train branch after its release commit, pins the train
    expect(manifestsOn(origin, 'release/v1.4')).toEqual({
      manifests: [manifest.slice('releases/'.length)],
      manifestCommits: 1,
    });
    expect(pinned(origin, 'release/v1.4', manifest)).toEqual({ [cli]: '1.4.0', [sdk]: '1.4.0' });
    expect(origin.git('rev-parse', 'release/v1.4^')).toBe(origin.git('rev-parse', `${sdk}@1.4.0^{commit}`));
    // and handed to CD, as release.yml hands over every release
    const release = manifest.slice('releases/'.length, -'.yaml'.length);
    expect(dispatchesTo(deployRepository)).toEqual([{ event: 'relx-release-published', release }]);

    // after the train: a fix on its branch is the next patch of that line, released the same way
    mergeTo(origin, 'release/v1.4', 'fix(sdk): keep the last chunk', 'packages/sdk/chunk.js');
    const patch = await runTrain(origin, { train: 'sdk', step: 'finish' });
    expect(failed(patch)).toEqual([]);
    expect(origin.git('tag', '--list', '@train/sdk@1.4.*').split('\n')).toEqual([
      '@train/sdk@1.4.0',
      '@train/sdk@1.4.1',
    ]);
    expect(show(origin, 'release/v1.4', 'packages/sdk/CHANGELOG.md')).toMatch(
      /## .*1\.4\.1[\s\S]*Release train: \*\*sdk v1\.4\*\*[\s\S]*keep the last chunk/,
    );
    expect(await distTags(sdk)).toEqual({ latest: '1.4.1' });
    expect((await registry(sdk, '1.4.1')).files).toContain('package/dist/index.js');
    const patchManifest = patch.jobs.train?.outputs.manifest ?? '';
    expect(pinned(origin, 'release/v1.4', patchManifest)).toEqual({ [cli]: '1.4.0', [sdk]: '1.4.1' });
    expect(manifestsOn(origin, 'release/v1.4').manifestCommits).toBe(2);
    expect(dispatchesTo(deployRepository)).toHaveLength(2);

    // run again with nothing new: nothing released, published, written or handed over twice
    const again = await runTrain(origin, { train: 'sdk', step: 'finish' });
    expect(failed(again)).toEqual([]);
    expect(again.jobs.train?.outputs.step).toBe('nothing');
    expect(ran(again)).not.toContain('publish');
    expect((await registry(sdk, '1.4.1')).versions).toEqual(['1.4.0', '1.4.1']);
    expect(manifestsOn(origin, 'release/v1.4').manifestCommits).toBe(2);
    expect(dispatchesTo(deployRepository)).toHaveLength(2);
    // auto now cuts the next train from main
    const next = await runTrain(origin, { train: 'sdk', step: 'auto' });
    expect(failed(next)).toEqual([]);
    expect(next.jobs.train?.outputs).toEqual({ step: 'cut', branch: 'release/v1.5', manifest: '' });
    expect(dispatchesTo(deployRepository)).toHaveLength(2);
  }, 240_000);
});

describe('train.yml: a finish that failed half-way', () => {
  it.each<[string, Cut['when']]>([
    ['build', 'before'],
    ['publish', 'after'],
    ['manifest', 'before'],
  ])(
    'failing at %s (%s it ran): a run with step finish publishes, writes and hands over the release once',
    async (step, when) => {
      const scope = `@rerun-${step}-${when}`;
      const deploy = `acme/deploy-${step}-${when}`;
      const sdk = `${scope}/sdk`;
      const { origin } = aTrainRepo(scope);
      expect(failed(await runTrain(origin, { train: 'sdk' }, { deploy }))).toEqual([]);
      mergeTo(origin, 'release/v1.4', 'fix(sdk): close the stream on abort', 'packages/sdk/abort.js');

      // the scheduled finish (auto) tags and pushes 1.4.0, then stops
      const first = await runTrain(origin, { train: 'sdk' }, { deploy, cut: { step, when } });
      expect(first.conclusion).toBe('failure');
      expect(origin.git('tag', '--list', `${sdk}@1.4.0`)).toBe(`${sdk}@1.4.0`);
      expect(dispatchesTo(deploy)).toEqual([]);

      const resumed = await runTrain(origin, { train: 'sdk', step: 'finish' }, { deploy });
      expect(failed(resumed)).toEqual([]);
      expect(resumed.summaries.join('')).toContain('Resuming the release tagged at');
      expect(ran(resumed)).toEqual(expect.arrayContaining(['build', 'publish', 'manifest']));
      expect(await registry(sdk, '1.4.0')).toEqual({
        versions: ['1.4.0'],
        files: ['package/dist/index.js', 'package/package.json'],
      });
      const { manifests, manifestCommits } = manifestsOn(origin, 'release/v1.4');
      expect({ manifests: manifests.length, manifestCommits }).toEqual({ manifests: 1, manifestCommits: 1 });
      expect(dispatchesTo(deploy)).toEqual([
        { event: 'relx-release-published', release: manifests[0]?.slice(0, -'.yaml'.length) },
      ]);

      // once finished, the same run again does nothing a second time
      const again = await runTrain(origin, { train: 'sdk', step: 'finish' }, { deploy });
      expect(failed(again)).toEqual([]);
      expect(again.jobs.train?.outputs.step).toBe('nothing');
      expect((await registry(sdk, '1.4.0')).versions).toEqual(['1.4.0']);
      expect(manifestsOn(origin, 'release/v1.4').manifestCommits).toBe(1);
      expect(dispatchesTo(deploy)).toHaveLength(1);
    },
    240_000,
  );
});

describe("train.yml publishes with release.yml's steps", () => {
  type Step = {
    id?: string;
    name?: string;
    uses?: string;
    run?: string;
    env?: Record<string, string>;
    with?: Record<string, string>;
  };
  const stepsOf = (file: string, job: string) =>
    (
      parse(readFileSync(join(relxRoot, 'workflows-templates', file), 'utf8')) as {
        jobs: Record<string, { steps: Step[]; permissions: Record<string, string> }>;
      }
    ).jobs[job];
  const train = stepsOf('train.yml', 'train');
  const release = stepsOf('release.yml', 'release');
  const find = (steps: Step[] | undefined, key: string) =>
    steps?.find((s) => s.id === key || s.name === key || s.uses?.startsWith(key));

  it.each(['Package manager', 'Install', 'Build'])('%s: the same script and environment', (key) => {
    const [inTrain, inRelease] = [train, release].map((job) => find(job?.steps, key));
    expect(inRelease?.run).toBeDefined();
    expect({ run: inTrain?.run, env: inTrain?.env }).toEqual({ run: inRelease?.run, env: inRelease?.env });
  });

  it.each([
    ['publish', ['released']],
    ['manifest', ['push']],
    ['Hand the release to CD', []],
  ])('%s: the same action and inputs (but %j)', (key, apart) => {
    const [inTrain, inRelease] = [train, release].map((job) => find(job?.steps, key));
    const inputs = (s: Step | undefined) =>
      Object.fromEntries(Object.entries(s?.with ?? {}).filter(([k]) => !(apart as string[]).includes(k)));
    expect(inRelease?.uses).toBeDefined();
    expect({ uses: inTrain?.uses, with: inputs(inTrain) }).toEqual({
      uses: inRelease?.uses,
      with: inputs(inRelease),
    });
  });

  it('publishes after the build, with the permissions release.yml publishes with', () => {
    const order = (train?.steps ?? []).map((s) => s.id ?? s.name ?? s.uses);
    expect(order.indexOf('pm')).toBeLessThan(order.indexOf('train'));
    expect(order.indexOf('train')).toBeLessThan(order.indexOf('build'));
    expect(order.indexOf('build')).toBeLessThan(order.indexOf('publish'));
    expect(order.indexOf('publish')).toBeLessThan(order.indexOf('manifest'));
    expect(order.indexOf('manifest')).toBeLessThan(order.indexOf('Hand the release to CD'));
    const { ['pull-requests']: _, ...publishing } = release?.permissions ?? {};
    expect(train?.permissions).toEqual(publishing);
  });
});
