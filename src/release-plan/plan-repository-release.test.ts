import { GitRepo } from '../../test/git-repo.js';
import { acmeApi, acmeCore, aMonorepo, tagAll, type FixturePackage } from '../../test/monorepo-fixture.js';
import { planRepositoryRelease, type PlanRepositoryOptions } from './plan-repository-release.js';
import type { ReleasePlan } from './release-plan.js';

const now = new Date('2026-11-24T12:00:00Z');
const plan = async (repo: GitRepo, options: Partial<PlanRepositoryOptions> = {}) =>
  (await planRepositoryRelease(repo.dir, { now, ...options })).plan;

/** `name: current → next (bump)` for each released component, the shape a reviewer reads. */
const releases = (p: ReleasePlan) =>
  Object.fromEntries(
    p.components
      .filter((c) => c.release)
      .map((c) => [c.name, `${c.currentVersion} → ${c.nextVersion} (${c.bump})`]),
  );
const reasonsOf = (p: ReleasePlan, name: string) => p.components.find((c) => c.name === name)?.reasons ?? [];

const core = acmeCore;
const api = acmeApi;
const web: FixturePackage = {
  dir: 'web',
  name: '@acme/web',
  version: '2.0.0',
  dependencies: { '@acme/api': '^0.4.1' },
};
const docs: FixturePackage = {
  dir: 'docs',
  name: '@acme/docs',
  version: '1.0.0',
  devDependencies: { '@acme/core': '*' },
};

describe('planning a release from a repository', () => {
  it('plans an npm-workspaces monorepo with zero config, propagating through internal dependencies', async () => {
    const pkgs = [core, api, web, docs];
    const repo = aMonorepo(pkgs);
    tagAll(repo, pkgs);
    const feat = repo.commit('feat(core): add retries', ['packages/core/src/retry.ts']);
    repo.commit('docs: explain retries', ['README.md']); // outside every component

    const p = await plan(repo);
    expect(releases(p)).toEqual({
      '@acme/core': '1.2.0 → 1.3.0 (minor)',
      '@acme/api': '0.4.1 → 0.4.2 (patch)',
      '@acme/web': '2.0.0 → 2.0.1 (patch)',
    });
    // devDependencies do not ship, so they do not carry a bump by default
    expect(p.components.find((c) => c.name === '@acme/docs')?.release).toBe(false);
    expect(reasonsOf(p, '@acme/core')).toEqual([
      {
        kind: 'commit',
        sha: feat,
        type: 'feat',
        scope: 'core',
        subject: 'add retries',
        breaking: false,
        notes: [],
        bump: 'minor',
      },
    ]);
    expect(reasonsOf(p, '@acme/api')).toEqual([
      { kind: 'dependency', dependency: '@acme/core', from: '1.2.0', to: '1.3.0' },
    ]);
    expect(reasonsOf(p, '@acme/web')).toEqual([
      { kind: 'dependency', dependency: '@acme/api', from: '0.4.1', to: '0.4.2' },
    ]);
    expect(p).toMatchObject({
      schemaVersion: 1,
      kind: 'ReleasePlan',
      head: repo.head(),
      branch: 'main',
      channel: null,
    });
    expect(p.components.find((c) => c.name === '@acme/core')).toMatchObject({
      lastTag: '@acme/core@1.2.0',
      nextTag: '@acme/core@1.3.0',
      versionFile: 'packages/core/package.json',
      paths: ['packages/core'],
    });
  });

  it('propagates through a diamond once, and with `same` carries the bump itself', async () => {
    const left: FixturePackage = { dir: 'left', name: 'left', dependencies: { base: '^1.0.0' } };
    const right: FixturePackage = { dir: 'right', name: 'right', peerDependencies: { base: '^1.0.0' } };
    const top: FixturePackage = {
      dir: 'top',
      name: 'top',
      dependencies: { left: '^1.0.0', right: '^1.0.0' },
    };
    const base: FixturePackage = { dir: 'base', name: 'base' };
    const pkgs = [base, left, right, top];
    const repo = aMonorepo(pkgs, 'propagation:\n  bump: same\n');
    tagAll(repo, pkgs);
    repo.commit('feat: new base API', ['packages/base/index.js']);
    const p = await plan(repo);
    expect(releases(p)).toEqual({
      base: '1.0.0 → 1.1.0 (minor)',
      left: '1.0.0 → 1.1.0 (minor)',
      right: '1.0.0 → 1.1.0 (minor)',
      top: '1.0.0 → 1.1.0 (minor)',
    });
    expect(reasonsOf(p, 'top').map((r) => (r.kind === 'dependency' ? r.dependency : r.kind))).toEqual([
      'left',
      'right',
    ]);
  });

  it('does not propagate when propagation is off', async () => {
    const pkgs = [core, api];
    const repo = aMonorepo(pkgs, 'propagation:\n  bump: none\n');
    tagAll(repo, pkgs);
    repo.commit('fix: a bug', ['packages/core/index.js']);
    expect(releases(await plan(repo))).toEqual({ '@acme/core': '1.2.0 → 1.2.1 (patch)' });
  });

  describe('commit forms', () => {
    const single = () => {
      const repo = aMonorepo([core]);
      tagAll(repo, [core]);
      return repo;
    };
    const file = ['packages/core/x.js'];

    it.each([
      ['feat!: drop v1', 'major'],
      ['feat(core)!: drop v1', 'major'],
      ['fix: x\n\nBREAKING CHANGE: gone', 'major'],
      ['fix: x\n\nBREAKING-CHANGE: gone', 'major'],
      ['feat: x', 'minor'],
      ['fix: x', 'patch'],
      ['perf: x', 'patch'],
      ['docs: x', 'none'],
      ['chore: x', 'none'],
      ['refactor: x', 'none'],
    ])('%j → %s', async (message, bump) => {
      const repo = single();
      repo.commit(message, file);
      const c = (await plan(repo)).components[0];
      expect(c?.bump).toBe(bump);
      expect(c?.release).toBe(bump !== 'none');
    });

    it('reads a squash merge as its header and footers: the bulleted list is not commits of its own', async () => {
      const repo = single();
      repo.commit('chore: squash (#3)\n\n* fix: one\n\n* feat!: two\n\nBREAKING CHANGE: two is new', file);
      const p = await plan(repo);
      expect(releases(p)).toEqual({ '@acme/core': '1.2.0 → 2.0.0 (major)' });
      expect(
        reasonsOf(p, '@acme/core').map((r) => (r.kind === 'commit' ? `${r.type}:${r.bump}` : r.kind)),
      ).toEqual(['chore:major']);
    });

    it('cancels a revert and the reverted commit when both are in range', async () => {
      const repo = single();
      const feat = repo.commit('feat: risky', file);
      repo.commit(`Revert "feat: risky"\n\nThis reverts commit ${feat}.`, file);
      repo.commit('fix: small', file);
      expect(releases(await plan(repo))).toEqual({ '@acme/core': '1.2.0 → 1.2.1 (patch)' });
    });

    it('counts a revert of an already released commit as a change of its own', async () => {
      const repo = aMonorepo([core]);
      const feat = repo.commit('feat: shipped', ['packages/core/x.js']);
      repo.tag('@acme/core@1.2.0');
      repo.commit(`Revert "feat: shipped"\n\nThis reverts commit ${feat}.`, ['packages/core/x.js']);
      const p = await plan(repo);
      expect(releases(p)).toEqual({ '@acme/core': '1.2.0 → 1.2.1 (patch)' });
      expect(reasonsOf(p, '@acme/core')[0]).toMatchObject({ type: 'revert', subject: 'feat: shipped' });
    });

    it('counts a branch merged with a merge commit once', async () => {
      const repo = single();
      repo.checkout('feature', true);
      const feat = repo.commit('feat: on a branch', file);
      repo.checkout('main');
      repo.commit('fix: on main', ['packages/core/y.js']);
      repo.merge('feature', 'feat: merge pull request #4 from feature');
      const p = await plan(repo);
      const reasons = reasonsOf(p, '@acme/core');
      expect(reasons.filter((r) => r.kind === 'commit' && r.sha === feat)).toHaveLength(1);
      expect(reasons).toHaveLength(2);
      expect(p.components[0]?.commitCount).toBe(2);
    });

    it('lists non-conventional commits as ignored, with the components they touched', async () => {
      const repo = single();
      const sha = repo.commit('Update the thing', file);
      repo.commit('fix: real', file);
      const p = await plan(repo);
      expect(p.ignoredCommits).toEqual([
        { sha, header: 'Update the thing', reason: 'not a Conventional Commit', components: ['@acme/core'] },
      ]);
      expect(releases(p)).toEqual({ '@acme/core': '1.2.0 → 1.2.1 (patch)' });
    });
  });

  it('decides "since the last release" on the graph: a branch forked before the release and merged after counts', async () => {
    const repo = aMonorepo([core]);
    repo.checkout('feature', true);
    const feat = repo.commit('feat: long-lived branch', ['packages/core/f.js']);
    repo.checkout('main');
    repo.commit('fix: shipped in 1.2.0', ['packages/core/x.js']);
    repo.tag('@acme/core@1.2.0');
    repo.merge('feature');
    const p = await plan(repo);
    expect(releases(p)).toEqual({ '@acme/core': '1.2.0 → 1.3.0 (minor)' });
    expect(reasonsOf(p, '@acme/core').map((r) => (r.kind === 'commit' ? r.sha : ''))).toEqual([feat]);
  });

  it('ignores a newer release tag that is not in the branch history', async () => {
    const repo = aMonorepo([core]);
    tagAll(repo, [core]);
    repo.checkout('hotfix', true);
    repo.commit('fix: only on the side branch', ['packages/core/side.js']);
    repo.tag('@acme/core@1.2.1');
    repo.checkout('main');
    repo.commit('feat: on main', ['packages/core/main.js']);
    const p = await plan(repo);
    expect(releases(p)).toEqual({ '@acme/core': '1.2.0 → 1.3.0 (minor)' });
    expect(p.components[0]?.lastTag).toBe('@acme/core@1.2.0');
  });

  it('applies configured rules by type and scope, scoped rules first', async () => {
    const pkgs = [core];
    const repo = aMonorepo(
      pkgs,
      'rules:\n  - { type: docs, scope: readme, bump: patch }\n  - { type: build, bump: patch }\n',
    );
    tagAll(repo, pkgs);
    repo.commit('docs(api): not released', ['packages/core/api.md']);
    expect(releases(await plan(repo))).toEqual({});
    repo.commit('docs(readme): released', ['packages/core/README.md']);
    expect(releases(await plan(repo))).toEqual({ '@acme/core': '1.2.0 → 1.2.1 (patch)' });
    repo.tag('@acme/core@1.2.1');
    repo.commit('build: pin node', ['packages/core/.nvmrc']);
    expect(releases(await plan(repo))).toEqual({ '@acme/core': '1.2.1 → 1.2.2 (patch)' });
  });

  it.each([
    ['major', '0.4.1 → 1.0.0 (major)'],
    ['minor', '0.4.1 → 0.5.0 (minor)'],
  ])('below 1.0.0, with preMajorBreaking %s, a breaking change gives %s', async (setting, expected) => {
    const lib: FixturePackage = { dir: 'lib', name: 'lib', version: '0.4.1' };
    const repo = aMonorepo([lib], `preMajorBreaking: ${setting}\n`);
    tagAll(repo, [lib]);
    repo.commit('feat!: new shape', ['packages/lib/index.js']);
    expect(releases(await plan(repo))).toEqual({ lib: expected });
  });

  it('numbers pre-releases on a channel branch and promotes them to the stable version', async () => {
    const repo = aMonorepo([core], 'channels:\n  - { branch: next, prerelease: rc }\n');
    tagAll(repo, [core]);
    repo.checkout('next', true);
    repo.commit('feat: preview', ['packages/core/a.js']);
    let p = await plan(repo);
    expect(p.channel).toBe('rc');
    expect(releases(p)).toEqual({ '@acme/core': '1.2.0 → 1.3.0-rc.0 (minor)' });
    repo.tag('@acme/core@1.3.0-rc.0');
    expect(releases(await plan(repo))).toEqual({}); // nothing new since rc.0
    repo.commit('fix: preview bug', ['packages/core/b.js']);
    p = await plan(repo);
    expect(releases(p)).toEqual({ '@acme/core': '1.2.0 → 1.3.0-rc.1 (minor)' });
    expect(p.components[0]?.lastTag).toBe('@acme/core@1.3.0-rc.0');
    repo.tag('@acme/core@1.3.0-rc.1');
    repo.checkout('main');
    repo.merge('next');
    p = await plan(repo);
    expect(p.channel).toBeNull();
    expect(releases(p)).toEqual({ '@acme/core': '1.2.0 → 1.3.0 (minor)' });
    // a detached checkout (as in CI) names its branch explicitly
    repo.git('checkout', '-q', '--detach');
    expect((await plan(repo, { branch: 'next' })).channel).toBe('rc');
  });

  it.each([
    ['YYYY.MM.PATCH', '2026.11.3', new Date('2026-11-30T23:59:59Z'), '2026.11.4'],
    ['YYYY.MM.PATCH', '2026.11.3', new Date('2026-12-01T00:00:00Z'), '2026.12.0'],
    ['YYYY.MM.PATCH', '2026.12.7', new Date('2027-01-02T00:00:00Z'), '2027.1.0'],
    ['YYYY.0M.MICRO', '2026.12.7', new Date('2027-01-02T00:00:00Z'), '2027.01.0'],
  ])('CalVer %s after %s on %s → %s', async (format, last, when, expected) => {
    const repo = aMonorepo(
      [],
      `components:\n  - { name: site, type: files, path: site, versioning: calver, calverFormat: ${format} }\n`,
    );
    repo.commit('chore: site', ['site/index.html']);
    repo.tag(`site@${last}`);
    repo.commit('fix: typo', ['site/index.html']);
    const p = await planRepositoryRelease(repo.dir, { now: when });
    expect(p.plan.components[0]).toMatchObject({
      scheme: 'calver',
      currentVersion: last,
      nextVersion: expected,
      nextTag: `site@${expected}`,
    });
  });

  it('keeps lockstep members on one version', async () => {
    const a: FixturePackage = { dir: 'a', name: 'sdk-a', version: '1.0.0' };
    const b: FixturePackage = { dir: 'b', name: 'sdk-b', version: '1.2.0' };
    const c: FixturePackage = { dir: 'c', name: 'other', version: '3.0.0' };
    const repo = aMonorepo([a, b, c], 'lockstep:\n  - { name: sdk, components: [sdk-a, sdk-b] }\n');
    tagAll(repo, [a, b, c]);
    repo.commit('fix: a only', ['packages/a/index.js']);
    const p = await plan(repo);
    expect(releases(p)).toEqual({ 'sdk-a': '1.0.0 → 1.2.1 (patch)', 'sdk-b': '1.2.0 → 1.2.1 (patch)' });
    expect(reasonsOf(p, 'sdk-b')).toEqual([{ kind: 'lockstep', group: 'sdk' }]);
  });

  it('starts a component with no previous tag from the version in its package.json', async () => {
    const fresh: FixturePackage = { dir: 'fresh', name: '@acme/fresh', version: '0.1.0' };
    const repo = aMonorepo([core, fresh]);
    tagAll(repo, [core]);
    repo.commit('feat: first feature', ['packages/fresh/index.js']);
    const p = await plan(repo);
    expect(releases(p)).toEqual({ '@acme/fresh': '0.1.0 → 0.2.0 (minor)' });
    expect(p.components.find((c) => c.name === '@acme/fresh')?.lastTag).toBeNull();
  });

  it.each([
    ['{name}@{version}', 'app@1.4.0', 'app@1.5.0'],
    ['{name}-v{version}', 'app-v1.4.0', 'app-v1.5.0'],
    ['v{version}', 'v1.4.0', 'v1.5.0'],
    ['{name}/v{version}', 'app/v1.4.0', 'app/v1.5.0'],
    ['release-{version}', 'release-1.4.0', 'release-1.5.0'],
  ])('tag format %s: finds %s and plans %s', async (format, last, next) => {
    const repo = GitRepo.create();
    repo.writeJson('package.json', { name: 'app', version: '1.0.0' });
    repo.write('relx.config.yaml', `tagFormat: "${format}"\n`);
    repo.commit('chore: init', ['index.js']);
    repo.tag(last);
    repo.tag('unrelated-2.0.0'); // tags of other formats are not this component's
    repo.commit('feat: more', ['index.js']);
    const c = (await plan(repo)).components[0];
    expect(c).toMatchObject({
      name: 'app',
      lastTag: last,
      currentVersion: '1.4.0',
      nextVersion: '1.5.0',
      nextTag: next,
    });
  });

  it('reads only the range since the oldest last release, and honours an explicit range', async () => {
    const repo = aMonorepo([core, api]);
    repo.commit('feat: ancient', ['packages/core/old.js']);
    tagAll(repo, [core, api]);
    repo.commit('fix: recent', ['packages/api/x.js']);
    const result = await planRepositoryRelease(repo.dir, { now });
    // the new commit, then the release commit, where the walk learns nothing older can count
    expect(result.stats.commitsRead).toBe(2);
    const from = repo.head();
    repo.commit('feat: newest', ['packages/api/y.js']);
    expect(releases((await planRepositoryRelease(repo.dir, { now, range: `${from}..HEAD` })).plan)).toEqual({
      '@acme/api': '0.4.1 → 0.5.0 (minor)',
    });
  });
});
