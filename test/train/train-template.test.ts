import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { GitRepo } from '../git-repo.js';
import { aMonorepo } from '../monorepo-fixture.js';
import { startVerdaccio, type RunningVerdaccio } from '../npm-registry/verdaccio-fixture.js';
import { relxRoot, runWorkflow, type StandIn, type WorkflowRun } from '../step-runner/run-workflow.js';
import { planRepositoryRelease } from '../../src/release-plan/plan-repository-release.js';

/**
 * workflows-templates/train.yml as copied, in the step runner with GitHub's parser and expression
 * evaluator: the first run cuts release/v1.4 from main, a fix is merged to it, the second run
 * finishes the train (1.4.0 tagged, pushed and published to a real Verdaccio, its changelog naming
 * the train), and a later fix on the train branch releases 1.4.1. The relx CLI and publish-artifact
 * are this checkout's built dist/; actions/checkout and setup-node are stand-ins.
 */

const template = join(relxRoot, 'workflows-templates', 'train.yml');
const sdk = { dir: 'sdk', name: '@train/sdk', version: '1.3.2' };
const cli = { dir: 'cli', name: '@train/cli', version: '1.3.2' };
const config = 'trains:\n  - name: sdk\n    components: ["@train/sdk", "@train/cli"]\n';

let npm: RunningVerdaccio;
beforeAll(async () => {
  npm = await startVerdaccio();
});
afterAll(() => npm.stop());

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

async function runTrain(origin: GitRepo, inputs: Record<string, string>): Promise<WorkflowRun> {
  const workspace = checkout(origin);
  writeFileSync(join(workspace.dir, '.git', 'info', 'exclude'), '.relx\n');
  return runWorkflow(template, {
    workspace: workspace.dir,
    eventName: 'workflow_dispatch',
    event: { inputs },
    inputs,
    sha: workspace.head(),
    secrets: { NPM_TOKEN: npm.token },
    vars: { NPM_REGISTRY: npm.url },
    standIns: { 'actions/checkout': checkoutStandIn, 'actions/setup-node': () => undefined },
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

describe('train.yml: a release train cut, stabilised and finished', () => {
  it('cuts release/v1.4, releases 1.4.0 with the fix merged to it, then the next fix as 1.4.1', async () => {
    expect(readFileSync(join(relxRoot, 'dist', 'cli', 'index.js'), 'utf8')).toContain('train');
    const seed = aMonorepo([sdk, cli], config);
    seed.tag('@train/sdk@1.3.2').tag('@train/cli@1.3.2');
    seed.commit('feat(sdk): streaming responses', ['packages/sdk/stream.js']);
    const origin = GitRepo.create({ bare: true });
    seed.git('remote', 'add', 'origin', origin.dir);
    seed.git('push', '-q', '--tags', 'origin', 'main');

    // main holds the train's components: they ship only by the train
    const onMain = (await planRepositoryRelease(seed.dir, { now: new Date() })).plan;
    expect(onMain.components.find((c) => c.name === sdk.name)).toMatchObject({
      release: false,
      notReleased: 'released by release train sdk (`relx train cut`, then `relx train finish`)',
    });

    const cut = await runTrain(origin, { train: 'sdk', step: 'auto' });
    expect(failed(cut)).toEqual([]);
    expect(cut.jobs.train?.outputs).toEqual({ step: 'cut', branch: 'release/v1.4' });
    expect(cut.summaries.join('')).toContain('Cut release/v1.4 at');
    expect(origin.git('rev-parse', 'release/v1.4')).toBe(origin.git('rev-parse', 'main'));
    expect(origin.git('tag', '--list', '*1.4*')).toBe('');

    // stabilising: a fix on the train branch, a feature on main (for the next train)
    mergeTo(origin, 'release/v1.4', 'fix(sdk): close the stream on abort', 'packages/sdk/abort.js');
    mergeTo(origin, 'main', 'feat(sdk): retries', 'packages/sdk/retry.js');

    const finish = await runTrain(origin, { train: 'sdk', step: 'auto' });
    expect(failed(finish)).toEqual([]);
    expect(finish.jobs.train?.outputs).toEqual({ step: 'finish', branch: 'release/v1.4' });
    expect(origin.git('tag', '--list', '*1.4*').split('\n').sort()).toEqual([
      '@train/cli@1.4.0',
      '@train/sdk@1.4.0',
    ]);
    const changelog = show(origin, 'release/v1.4', 'packages/sdk/CHANGELOG.md');
    expect(changelog).toContain('Release train: **sdk v1.4**');
    expect(changelog).toContain('close the stream on abort');
    expect(changelog).toContain('streaming responses');
    expect(changelog).not.toContain('retries');
    expect(await distTags(sdk.name)).toEqual({ latest: '1.4.0' });
    expect(await distTags(cli.name)).toEqual({ latest: '1.4.0' });

    // after the train: a fix on its branch is the next patch of that line
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
    expect(await distTags(sdk.name)).toEqual({ latest: '1.4.1' });

    // run again with nothing new: nothing released; auto now cuts the next train from main
    const again = await runTrain(origin, { train: 'sdk', step: 'finish' });
    expect(failed(again)).toEqual([]);
    expect(again.jobs.train?.outputs.step).toBe('nothing');
    const next = await runTrain(origin, { train: 'sdk', step: 'auto' });
    expect(failed(next)).toEqual([]);
    expect(next.jobs.train?.outputs).toEqual({ step: 'cut', branch: 'release/v1.5' });
  });
});
