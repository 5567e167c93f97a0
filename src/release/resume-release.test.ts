import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GitRepo } from '../../test/git-repo.js';
import { acmeApi, acmeCore, aMonorepo, tagAll } from '../../test/monorepo-fixture.js';
import { RelxError } from '../relx-error.js';
import { planRepositoryRelease } from '../release-plan/plan-repository-release.js';
import { applyReleasePlan, type ApplyReleaseOptions, type ReleasePublisher } from './apply-release-plan.js';
import { resolveReleasePlan } from './resolve-release-plan.js';

const now = new Date('2026-11-24T12:00:00Z');
const options = (extra: Partial<ApplyReleaseOptions> = {}): ApplyReleaseOptions => ({
  dryRun: false,
  push: { remote: 'origin', branch: 'main' },
  publisher: null,
  repositoryUrl: null,
  now,
  ...extra,
});

function aReleasableRepo(config?: string) {
  const repo = aMonorepo([acmeCore, acmeApi], config);
  tagAll(repo, [acmeCore, acmeApi]);
  repo.commit('feat(core): add retries', ['packages/core/retry.js']);
  const remote = GitRepo.create({ bare: true });
  repo.git('remote', 'add', 'origin', remote.dir);
  repo.git('push', '-q', 'origin', 'main', '--tags');
  return { repo, remote };
}

/** What a re-run of the same workflow run gets from actions/checkout: main at the run's commit, all tags. */
function checkoutAt(remote: GitRepo, sha: string): GitRepo {
  const work = GitRepo.create();
  work.git('remote', 'add', 'origin', remote.dir);
  work.git('fetch', '-q', '--tags', 'origin', 'main');
  work.git('checkout', '-q', '-B', 'main', sha);
  return work;
}

const planOf = async (repo: GitRepo) => (await planRepositoryRelease(repo.dir, { now })).plan;
const remoteTags = (remote: GitRepo) => remote.git('tag', '--list').split('\n').filter(Boolean).sort();
const releaseCommits = (remote: GitRepo) =>
  remote
    .git('log', '--format=%B%x00', 'main')
    .split('\0')
    .filter((m) => m.includes('Relx-Release-Of:'));

describe('a re-run of the same workflow run (same commit, same plan)', () => {
  it('recognises the release an earlier attempt tagged and pushed, and carries it forward', async () => {
    const { repo, remote } = aReleasableRepo();
    const planHead = repo.head();
    const plan = await planOf(repo);
    const first = await applyReleasePlan(repo.dir, plan, options());

    const rerun = checkoutAt(remote, planHead);
    const again = await applyReleasePlan(rerun.dir, await planOf(rerun), options());
    expect(again).toMatchObject({ commit: first.commit, commitCreated: false, pushed: true });
    expect(again.components.map((c) => c.tagCreated)).toEqual([false, false]);
    // the job's later steps (publish) see the released files
    expect(rerun.head()).toBe(first.commit);
    expect(rerun.git('show', 'HEAD:packages/core/package.json')).toContain('"1.3.0"');
    expect(releaseCommits(remote)).toHaveLength(1);
  });

  it('also after the branch moved on (a manifest commit, a later push): pushes only the tags', async () => {
    const { repo, remote } = aReleasableRepo();
    const planHead = repo.head();
    const plan = await planOf(repo);
    const first = await applyReleasePlan(repo.dir, plan, options({ push: null }));
    // the release commit reached the branch, one tag did not, and the branch moved on
    repo.git('tag', '-d', '@acme/core@1.3.0');
    repo.git('push', '-q', 'origin', 'main', '@acme/api@0.4.2');
    repo.commit('chore(release): manifest 2026.11.1', ['releases/2026.11.1.yaml']);
    repo.git('push', '-q', 'origin', 'main');
    const later = remote.git('rev-parse', 'main');

    const rerun = checkoutAt(remote, planHead);
    const again = await applyReleasePlan(rerun.dir, plan, options());
    expect(again.commit).toBe(first.commit);
    expect(again.components.map((c) => [c.tag, c.tagCreated])).toEqual([
      ['@acme/api@0.4.2', false],
      ['@acme/core@1.3.0', true],
    ]);
    expect(remote.git('rev-parse', 'main')).toBe(later);
    expect(remote.git('rev-parse', '@acme/core@1.3.0^{commit}')).toBe(first.commit);
    expect(releaseCommits(remote)).toHaveLength(1);
  });

  it('still refuses a tag of another release on another commit', async () => {
    const { repo } = aReleasableRepo();
    const plan = await planOf(repo);
    repo.git('tag', '-a', '-m', 'x', '@acme/core@1.3.0', 'HEAD~1');
    await expect(applyReleasePlan(repo.dir, plan, options())).rejects.toThrow(/never moved/);
  });
});

describe('applying without a plan handed in', () => {
  const resolveAt = (repo: GitRepo) => resolveReleasePlan(repo.dir, { now });

  it('`relx version` then `relx version --push` pushes the release', async () => {
    const { repo, remote } = aReleasableRepo();
    const local = await applyReleasePlan(repo.dir, await resolveAt(repo), options({ push: null }));
    expect(remoteTags(remote)).not.toContain('@acme/core@1.3.0');
    const pushed = await applyReleasePlan(repo.dir, await resolveAt(repo), options());
    expect(pushed).toMatchObject({ commit: local.commit, commitCreated: false, pushed: true });
    expect(remoteTags(remote)).toEqual(expect.arrayContaining(['@acme/api@0.4.2', '@acme/core@1.3.0']));
    expect(remote.git('rev-parse', 'main')).toBe(local.commit);
  });

  it('killed after the release commit, before its tags: the re-run tags that commit, skips no version', async () => {
    const { repo, remote } = aReleasableRepo();
    const plan = await resolveAt(repo);
    const first = await applyReleasePlan(repo.dir, plan, options({ push: null }));
    repo.git('tag', '-d', '@acme/core@1.3.0', '@acme/api@0.4.2');
    const resumed = await applyReleasePlan(repo.dir, await resolveAt(repo), options());
    expect(resumed.commit).toBe(first.commit);
    expect(resumed.components.map((c) => c.version)).toEqual(['0.4.2', '1.3.0']);
    expect(releaseCommits(remote)).toHaveLength(1);
  });
});

describe('checked before the first write', () => {
  it('a tagFormat that renders an invalid tag: an error naming tagFormat, no release commit', async () => {
    const { repo } = aReleasableRepo(
      'components:\n  - { name: "@acme/core", tagFormat: "core {version}" }\n',
    );
    const head = repo.head();
    const error = await applyReleasePlan(repo.dir, await planOf(repo), options()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RelxError);
    expect(error).toMatchObject({ field: 'tagFormat' });
    expect((error as Error).message).toMatch(/"core 1\.3\.0" \(@acme\/core\): it contains a space/);
    expect(repo.head()).toBe(head);
    expect(repo.git('status', '--porcelain')).toBe('');
  });

  it('a stale .git/index.lock from a killed git: says which file and what to do, writes nothing', async () => {
    const { repo } = aReleasableRepo();
    const lock = join(repo.dir, '.git', 'index.lock');
    writeFileSync(lock, '');
    const head = repo.head();
    const error = await applyReleasePlan(repo.dir, await planOf(repo), options()).catch((e: unknown) => e);
    expect(error).toMatchObject({ file: lock });
    expect((error as RelxError).fix).toMatch(/delete the file and run again/);
    expect(repo.head()).toBe(head);
    expect(repo.git('status', '--porcelain')).toBe('');
    expect(existsSync(lock)).toBe(true);
  });
});

describe('GitHub Releases', () => {
  it('marks only a prerelease version a pre-release, not one with build metadata such as 1.3.0+build-abc', async () => {
    const { repo } = aReleasableRepo();
    repo.commit('chore: build metadata', { 'relx.config.yaml': 'buildMetadata: "build-abc"\n' });
    repo.git('push', '-q', 'origin', 'main');
    const made: { tag: string; prerelease: boolean }[] = [];
    const publisher: ReleasePublisher = {
      ensureRelease: async (release) => {
        made.push({ tag: release.tag, prerelease: release.prerelease });
        return { url: `https://example.invalid/${release.tag}`, created: true };
      },
    };
    await applyReleasePlan(repo.dir, await planOf(repo), options({ publisher }));
    expect(made).toEqual([
      { tag: '@acme/api@0.4.2+build-abc', prerelease: false },
      { tag: '@acme/core@1.3.0+build-abc', prerelease: false },
    ]);
  });
});
