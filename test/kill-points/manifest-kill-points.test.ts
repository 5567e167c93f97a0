import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderCycloneDxBom } from '../../src/manifest/cyclonedx-bom.js';
import { anImage, aPackage, aPublishedList } from '../../src/manifest/manifest-builders.js';
import { parseReleaseManifest } from '../../src/manifest/release-manifest.js';
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

/** `relx manifest --commit --push`, killed at each of its write boundaries and run again. */

interface State {
  repo: GitRepo;
  remote: GitRepo;
  inputs: string;
}

const publishedFile = (inputs: string, name: string, commit: string, coreVersion: string) => {
  const list = aPublishedList([aPackage('@acme/core', coreVersion), anImage('api', '1.0.0')]);
  const path = join(inputs, name);
  writeFileSync(path, JSON.stringify({ ...list, source: { ...list.source, commit } }));
  return path;
};

const args = (published: string) => [
  'manifest',
  '--published',
  published,
  '--naming',
  'calver',
  '--commit',
  '--push',
];

const manifestCommits = (remote: GitRepo) =>
  remote
    .git('log', '--format=%s', 'main')
    .split('\n')
    .filter((s) => s.startsWith('chore(release): manifest '));
const releaseFiles = (remote: GitRepo) =>
  remote.git('ls-tree', '--name-only', 'main', 'releases/').split('\n').filter(Boolean).sort();

const releaseCommit = 'a'.repeat(40);
function setup(): State {
  const repo = GitRepo.create();
  repo.commit('chore(release): @acme/core@1.0.0', { 'README.md': 'platform\n' });
  const remote = GitRepo.create({ bare: true });
  repo.git('remote', 'add', 'origin', remote.dir);
  repo.git('push', '-q', 'origin', 'main');
  const inputs = mkdtempSync(join(tmpdir(), 'relx-published-'));
  publishedFile(inputs, 'published.json', releaseCommit, '1.0.0');
  return { repo, remote, inputs };
}

const scenario: KillScenario<State> = {
  setup,
  cwd: (s) => s.repo.dir,
  // the same published list on every run: the runner gives a re-run the same inputs
  args: (s) => args(join(s.inputs, 'published.json')),
  check({ repo, remote }) {
    const violations: string[] = [];
    const commits = manifestCommits(remote);
    if (commits.length !== 1) violations.push(`${commits.length} manifest commits`);
    const files = releaseFiles(remote);
    if (files.length !== 2) violations.push(`releases/ holds ${files.join(', ')}`);
    const yaml = files.find((f) => f.endsWith('.yaml'));
    if (yaml) {
      const manifest = parseReleaseManifest(remote.git('show', `main:${yaml}`), yaml);
      if (commits[0] !== `chore(release): manifest ${manifest.metadata.name}`)
        violations.push(`the commit is ${commits[0]}`);
      const bom = remote.git('show', `main:releases/${manifest.metadata.name}.cdx.json`);
      if (`${bom}\n` !== renderCycloneDxBom(manifest) && bom !== renderCycloneDxBom(manifest))
        violations.push('the BOM is not the manifest’s');
    }
    if (repo.git('status', '--porcelain', '--untracked-files=all') !== '')
      violations.push(
        `left in the working tree: ${repo.git('status', '--porcelain', '--untracked-files=all')}`,
      );
    return violations;
  },
  snapshot: ({ repo, remote }) => `${remote.git('rev-parse', 'main')} ${repo.head()}`,
};

describe('relx manifest --commit --push, killed at every write boundary', () => {
  const outcomes: KillPointOutcome[] = [];
  afterAll(() => printMatrix(renderMatrix('relx manifest --commit --push', outcomes)));

  const points = enumerateBoundaries(scenario);

  it('has a boundary around every write: the BOM, the manifest, the commit, the push', () => {
    expect(points.map((p) => p.replace(/releases\/[\d.]+\./, 'releases/<name>.'))).toEqual([
      'before:write:releases/<name>.cdx.json',
      'after:write:releases/<name>.cdx.json',
      'before:write:releases/<name>.yaml',
      'after:write:releases/<name>.yaml',
      'before:commit',
      'after:commit',
      'before:push',
      'after:push',
    ]);
  });

  it.each(points)(
    'killed at %s: the re-run records the release once, and the next one gets a new name',
    (point) => {
      const { state, ...outcome } = killAndRerun(scenario, point);
      outcomes.push(outcome);
      expect(outcome).toEqual(finishedOnce(point));

      const next = publishedFile(state.inputs, 'next.json', 'b'.repeat(40), '1.1.0');
      const run = runRelx(state.repo.dir, args(next));
      expect(run.status).toBe(0);
      expect(manifestCommits(state.remote)).toHaveLength(2);
      expect(releaseFiles(state.remote)).toHaveLength(4);
    },
  );
});
