import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GitRepo } from '../../test/git-repo.js';
import { aMonorepo, tagAll, type FixturePackage } from '../../test/monorepo-fixture.js';
import { planRepositoryRelease } from './plan-repository-release.js';
import { serializeReleasePlan } from './release-plan.js';

const now = new Date('2026-11-24T12:00:00Z');
const pkgs: FixturePackage[] = [
  { dir: 'a', name: 'a', version: '1.0.0' },
  { dir: 'b', name: 'b', version: '2.0.0', dependencies: { a: '^1.0.0' } },
  { dir: 'c', name: 'c', version: '0.3.0' },
];

/** A history with parallel branches, so walk order and cache order can differ. */
function busyHistory(repo: GitRepo, round: number) {
  repo.checkout(`topic-${round}`, true);
  repo.commit(`feat(a): topic ${round}`, [`packages/a/t${round}.js`]);
  repo.commit(`fix(c): topic ${round}`, [`packages/c/t${round}.js`]);
  repo.checkout('main');
  repo.commit(`fix(b): main ${round}`, [`packages/b/m${round}.js`]);
  repo.commit(`Plain message ${round}`, [`packages/c/p${round}.js`]);
  repo.merge(`topic-${round}`);
}

const planBytes = async (repo: GitRepo, cacheFile?: string) => {
  const result = await planRepositoryRelease(repo.dir, { now, ...(cacheFile ? { cacheFile } : {}) });
  return { bytes: serializeReleasePlan(result.plan), stats: result.stats };
};

describe('the incremental history cache', () => {
  const cacheFile = () => join(mkdtempSync(join(tmpdir(), 'relx-cache-')), 'history.json');

  it('gives a byte-identical plan with and without the cache, reading only new commits', async () => {
    const repo = aMonorepo(pkgs);
    tagAll(repo, pkgs);
    busyHistory(repo, 1);
    const file = cacheFile();

    const first = await planBytes(repo, file);
    expect(first.stats.cache).toBe('missing');
    expect(first.bytes).toBe((await planBytes(repo)).bytes);

    busyHistory(repo, 2);
    const second = await planBytes(repo, file);
    // 5 new commits from git; the cached ones down to the release commit, where the walk stops
    expect(second.stats).toMatchObject({ cache: 'used', commitsRead: 5, commitsFromCache: 6 });
    expect(second.bytes).toBe((await planBytes(repo)).bytes);

    // a release moves the boundary forward: the cache is pruned, still exact
    repo.tag('a@1.1.0');
    repo.tag('b@2.0.1');
    busyHistory(repo, 3);
    const third = await planBytes(repo, file);
    expect(third.stats.cache).toBe('used');
    expect(third.bytes).toBe((await planBytes(repo)).bytes);
    const stored = JSON.parse(readFileSync(file, 'utf8')) as { commits: unknown[] };
    expect(stored.commits.length).toBeLessThanOrEqual(third.stats.commitsRead + third.stats.commitsFromCache);
  });

  it('discards a cache from history that was rewritten (force-push)', async () => {
    const repo = aMonorepo(pkgs);
    tagAll(repo, pkgs);
    busyHistory(repo, 1);
    const file = cacheFile();
    await planBytes(repo, file);
    repo.git('reset', '-q', '--hard', 'HEAD~1');
    repo.commit('feat(c): rewritten', ['packages/c/r.js']);
    const after = await planBytes(repo, file);
    expect(after.stats.cache).toBe('discarded');
    expect(after.stats.cacheReason).toMatch(/rewritten history/);
    expect(after.bytes).toBe((await planBytes(repo)).bytes);
  });

  it('continues below the cache when a release tag moved back, still exact', async () => {
    const repo = aMonorepo(pkgs);
    const early = repo.head();
    repo.commit('feat(a): early work', ['packages/a/e.js']);
    tagAll(repo, pkgs);
    busyHistory(repo, 1);
    const file = cacheFile();
    await planBytes(repo, file);
    // retag a at an older commit: its range now starts before the cached boundary
    repo.git('tag', '-d', 'a@1.0.0');
    repo.git('tag', 'a@1.0.0', early);
    const after = await planBytes(repo, file);
    expect(after.stats).toMatchObject({ cache: 'used', commitsRead: 1 });
    expect(after.bytes).toBe((await planBytes(repo)).bytes);
    expect(after.bytes).toContain('early work');
  });

  it('ignores a corrupt cache file and replaces it', async () => {
    const repo = aMonorepo(pkgs);
    tagAll(repo, pkgs);
    busyHistory(repo, 1);
    const file = cacheFile();
    writeFileSync(file, '{"format": "relx-history-index/1", "commits": [');
    const result = await planBytes(repo, file);
    expect(result.stats).toMatchObject({ cache: 'missing', cacheReason: 'cache file is not valid JSON' });
    expect(result.bytes).toBe((await planBytes(repo)).bytes);
    expect((await planBytes(repo, file)).stats.cache).toBe('used');
  });
});
