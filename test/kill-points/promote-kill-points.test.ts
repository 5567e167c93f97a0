import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderReleaseManifest } from '../../src/manifest/release-manifest.js';
import { digestOf } from '../../src/manifest/manifest-builders.js';
import { aGitOpsRepository, aRelease } from '../gitops/gitops-fixture.js';
import { GitRepo } from '../git-repo.js';
import {
  enumerateBoundaries,
  finishedOnce,
  killAndRerun,
  type KillPointOutcome,
  type KillScenario,
  printMatrix,
  renderMatrix,
  runRelx,
} from './kill-matrix.js';

/**
 * `relx promote` and `relx rollback` (the whole environment, one component), killed at each write
 * into the GitOps clone — the temporary clone, every file, the commit, the push, the clone's
 * removal — and run again: one promotion commit with the right trailers, the overlay pinned as
 * `kubectl kustomize` renders it, no temporary clone left, the GitOps history linear.
 */

const run = 'https://github.com/acme/deploy/actions/runs/7';
const releases = {
  first: aRelease('2026.12.1', '1.4.0', 'a'),
  second: aRelease('2026.12.2', '1.5.0', 'b', '2026.12.1'),
};

interface State {
  remote: GitRepo;
  /** Where the runs work, and their TMPDIR: a clone left behind shows up here. */
  work: string;
  temp: string;
}

/** A GitOps repository whose base has a Deployment, so a render shows which image it runs. */
function aDeployableGitOpsRepository(): GitRepo {
  const { remote } = aGitOpsRepository();
  const seed = GitRepo.create();
  seed.git('remote', 'add', 'origin', remote.dir);
  seed.git('fetch', '-q', 'origin', 'main');
  seed.git('checkout', '-q', '-B', 'main', 'origin/main');
  seed.commit('chore: the api Deployment', {
    'base/kustomization.yaml': 'resources:\n  - deployment.yaml\n',
    'base/deployment.yaml': [
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata: {name: api}',
      'spec:',
      '  selector: {matchLabels: {app: api}}',
      '  template:',
      '    metadata: {labels: {app: api}}',
      '    spec:',
      '      containers:',
      '        - {name: api, image: ghcr.io/acme/api:latest}',
      '',
    ].join('\n'),
  });
  seed.git('push', '-q', 'origin', 'main');
  return remote;
}

const manifestFile = (work: string, release: (typeof releases)['first']) => {
  const file = join(work, `${release.metadata.name}.yaml`);
  writeFileSync(file, renderReleaseManifest(release));
  return file;
};

function setup(promoted: Array<(typeof releases)['first']>): State {
  const remote = aDeployableGitOpsRepository();
  const work = mkdtempSync(join(tmpdir(), 'relx-kill-promote-'));
  const temp = mkdtempSync(join(tmpdir(), 'relx-kill-tmp-'));
  for (const release of promoted) {
    const done = runRelx(work, [
      'promote',
      '--env',
      'dev',
      '--manifest',
      manifestFile(work, release),
      '--gitops',
      remote.dir,
    ]);
    if (done.status !== 0) throw new Error(done.stderr);
  }
  return { remote, work, temp };
}

const trailers = (message: string) =>
  Object.fromEntries([...message.matchAll(/^(Relx-[A-Za-z-]+): (.*)$/gm)].map((m) => [m[1], m[2]]));
const commitMessages = (remote: GitRepo) =>
  remote
    .git('log', '--format=%B%x1e', 'main')
    .split('\x1e')
    .map((m) => m.trim())
    .filter(Boolean);

/** The image the dev Deployment runs, as Kustomize renders the overlay. */
function renderedImage(remote: GitRepo): string {
  const checkout = GitRepo.create();
  checkout.git('remote', 'add', 'origin', remote.dir);
  checkout.git('fetch', '-q', 'origin', 'main');
  checkout.git('checkout', '-q', '-B', 'main', 'origin/main');
  const rendered = execFileSync('/usr/bin/kubectl', ['kustomize', join(checkout.dir, 'environments/dev')], {
    encoding: 'utf8',
  });
  return /image: (\S+)/.exec(rendered)?.[1] ?? '(none)';
}

/** What every scenario checks besides its own commit: pinned, no clone left, linear history. */
function commonViolations({ remote, temp }: State, digest: string, commits: number): string[] {
  const violations: string[] = [];
  const image = renderedImage(remote);
  if (image !== `ghcr.io/acme/api@${digest}`) violations.push(`kustomize renders ${image}`);
  const left = readdirSync(temp).filter((n) => n.startsWith('relx-gitops-'));
  if (left.length > 0) violations.push(`temporary clones left: ${left.join(', ')}`);
  if (remote.git('rev-list', '--merges', 'main') !== '') violations.push('merge commits on main');
  const all = remote.git('rev-list', '--count', 'main');
  const firstParent = remote.git('rev-list', '--count', '--first-parent', 'main');
  if (all !== String(commits) || firstParent !== all)
    violations.push(`main has ${all} commits (${firstParent} first-parent), expected ${commits}`);
  return violations;
}

/** Layout + Deployment, then the promotions made in setup. */
const seedCommits = 2;

function scenario(
  args: (s: State) => string[],
  promoted: Array<(typeof releases)['first']>,
  expected: {
    release: string;
    /** The trailer that tells this command's commit from the setup's, e.g. Relx-Rollback-Of. */
    identity: [string, string];
    trailers: Record<string, string>;
    digest: string;
  },
): KillScenario<State> {
  return {
    setup: () => setup(promoted),
    cwd: (s) => s.work,
    args,
    env: (s) => ({ TMPDIR: s.temp }),
    check(state) {
      const messages = commitMessages(state.remote);
      const [trailer, value] = expected.identity;
      const mine = messages.filter((m) => trailers(m)[trailer] === value);
      const violations: string[] = [];
      if (mine.length !== 1) violations.push(`${mine.length} commits with ${trailer}: ${value}`);
      const got = trailers(mine[0] ?? '');
      if (mine[0] !== messages[0]) violations.push('it is not the tip of main');
      if (got['Relx-Manifest'] !== expected.release)
        violations.push(`Relx-Manifest: ${got['Relx-Manifest'] ?? '(none)'}`);
      for (const [name, value] of Object.entries(expected.trailers))
        if (got[name] !== value) violations.push(`${name}: ${got[name] ?? '(none)'}, expected ${value}`);
      const current = state.remote.git('show', 'main:environments/dev/release.yaml');
      if (!current.includes(`name: ${expected.release}\n`)) violations.push('dev runs another release');
      return [...violations, ...commonViolations(state, expected.digest, seedCommits + promoted.length + 1)];
    },
    snapshot: ({ remote }) => remote.git('rev-parse', 'main'),
  };
}

/** Every promotion writes the release file and both overlays of the fixture (Kustomize, Helm values). */
const overlayWrites = ['release.yaml', 'kustomization.yaml', 'values.yaml'].map(
  (f) => `write:environments/dev/${f}`,
);

const scenarios: Array<[string, KillScenario<State>, string[]]> = [
  [
    'relx promote',
    scenario(
      (s) => [
        'promote',
        '--env',
        'dev',
        '--manifest',
        manifestFile(s.work, releases.second),
        '--gitops',
        s.remote.dir,
        '--run',
        run,
      ],
      [releases.first],
      {
        release: '2026.12.2',
        identity: ['Relx-Manifest', '2026.12.2'],
        digest: digestOf('b'),
        trailers: { 'Relx-Environment': 'dev', 'Relx-Previous': '2026.12.1', 'Relx-Run': run },
      },
    ),
    overlayWrites,
  ],
  [
    'relx rollback (environment)',
    scenario(
      (s) => ['rollback', '--env', 'dev', '--gitops', s.remote.dir, '--run', run],
      [releases.first, releases.second],
      {
        release: '2026.12.1',
        identity: ['Relx-Rollback-Of', '2026.12.2'],
        digest: digestOf('a'),
        trailers: { 'Relx-Previous': '2026.12.2', 'Relx-Rollback-Of': '2026.12.2', 'Relx-Run': run },
      },
    ),
    overlayWrites,
  ],
  [
    'relx rollback --component api',
    scenario(
      (s) => ['rollback', '--env', 'dev', '--component', 'api', '--gitops', s.remote.dir, '--run', run],
      [releases.first, releases.second],
      {
        release: '2026.12.2-rollback-api-1.4.0',
        identity: ['Relx-Rollback-Of', '2026.12.2'],
        digest: digestOf('a'),
        trailers: {
          'Relx-Previous': '2026.12.2',
          'Relx-Rollback-Of': '2026.12.2',
          'Relx-Component': 'api',
          'Relx-Run': run,
        },
      },
    ),
    overlayWrites,
  ],
];

describe.each(scenarios)('%s, killed at every write into the GitOps repository', (title, kill, writes) => {
  const outcomes: KillPointOutcome[] = [];
  afterAll(() => printMatrix(renderMatrix(title, outcomes)));
  const points = enumerateBoundaries(kill);

  it('has a boundary around every write: the clone, each file, the commit, the push, the clone’s removal', () => {
    expect(points).toEqual([
      'before:clone',
      'after:clone',
      ...writes.flatMap((w) => [`before:${w}`, `after:${w}`]),
      'before:commit',
      'after:commit',
      'before:push',
      'after:push',
      'before:remove-clone',
      'after:remove-clone',
    ]);
  });

  it.each(points)('killed at %s: the re-run lands it once, the third run changes nothing', (point) => {
    const { state, ...outcome } = killAndRerun(kill, point);
    void state;
    outcomes.push(outcome);
    expect(outcome).toEqual(finishedOnce(point));
  });
});
