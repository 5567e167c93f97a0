import { GitRepo } from '../../test/git-repo.js';
import { acmeApi, acmeCore, aMonorepo, tagAll } from '../../test/monorepo-fixture.js';
import { planRepositoryRelease } from './plan-repository-release.js';
import type { ReleasePlan } from './release-plan.js';
import { renderPlanTable } from './render-plan.js';

// Commit shapes as real repositories have them, each in a generated repository.
const now = new Date('2026-11-24T12:00:00Z');
const plan = async (repo: GitRepo) => (await planRepositoryRelease(repo.dir, { now })).plan;
const releases = (p: ReleasePlan) =>
  Object.fromEntries(
    p.components
      .filter((c) => c.release)
      .map((c) => [c.name, `${c.currentVersion} → ${c.nextVersion} (${c.bump})`]),
  );
const reasonsOf = (p: ReleasePlan, name: string) => p.components.find((c) => c.name === name)?.reasons ?? [];

const monorepo = (config?: string) => {
  const repo = aMonorepo([acmeCore, acmeApi], config);
  tagAll(repo, [acmeCore, acmeApi]);
  return repo;
};
/** A single package at the repository root, released as v1.4.0. */
const singlePackage = () => {
  const repo = GitRepo.create();
  repo.writeJson('package.json', { name: 'app', version: '1.4.0' });
  repo.write('relx.config.yaml', 'tagFormat: "v{version}"\n');
  repo.commit('chore: init', ['index.js']);
  repo.tag('v1.4.0');
  return repo;
};
const core = ['packages/core/index.js'];

describe('reading commits as the ecosystem does', () => {
  it('reads a GitHub squash merge as its title: branch commits listed in the body, a reverted feat among them, do not count', async () => {
    const repo = monorepo();
    const sha = repo.commit(
      [
        'fix(core): handle an empty cursor (#12)',
        '',
        '* feat: try a new option',
        '',
        '* Revert "feat: try a new option"',
        '',
        'This reverts commit 0123456789abcdef0123456789abcdef01234567.',
        '',
        '* fix(core): handle an empty cursor',
        '',
        '---------',
        '',
        'Co-authored-by: Someone <someone@example.com>',
      ].join('\n'),
      core,
    );
    const p = await plan(repo);
    expect(releases(p)).toEqual({
      '@acme/core': '1.2.0 → 1.2.1 (patch)',
      '@acme/api': '0.4.1 → 0.4.2 (patch)',
    });
    expect(reasonsOf(p, '@acme/core')).toEqual([
      expect.objectContaining({ kind: 'commit', sha, type: 'fix', subject: 'handle an empty cursor (#12)' }),
    ]);
  });

  it('does not count the release notes a dependency update quotes', async () => {
    const repo = monorepo();
    repo.commit(
      [
        'fix(deps): update dependency left-pad to v2.1.0 (#77)',
        '',
        'This PR contains the following updates:',
        '',
        '| Package | Change |',
        '|---|---|',
        '| [left-pad](https://example.com/left-pad) | `2.0.0` -> `2.1.0` |',
        '',
        '### Release Notes',
        '',
        '<details>',
        '<summary>left-pad/left-pad (left-pad)</summary>',
        '',
        '### [`v2.1.0`](https://example.com/left-pad/releases/tag/v2.1.0)',
        '',
        '##### Features',
        '',
        'feat: make padding idempotent',
        '> feat!: drop node 14',
        '* feat(core): pad with emoji',
        '',
        '</details>',
      ].join('\n'),
      core,
    );
    const p = await plan(repo);
    expect(releases(p)['@acme/core']).toBe('1.2.0 → 1.2.1 (patch)');
    expect(reasonsOf(p, '@acme/core')).toHaveLength(1);
  });

  it('reads `fix!(scope):`, the bang before the scope, as breaking', async () => {
    const repo = monorepo();
    repo.commit('fix!(core): drop the callback API', core);
    expect(releases(await plan(repo))['@acme/core']).toBe('1.2.0 → 2.0.0 (major)');
  });

  describe('empty commits (git commit --allow-empty), how maintainers force a release', () => {
    it.each([
      ['fix: trigger a release', '1.4.0 → 1.4.1 (patch)'],
      ['chore: trigger a release\n\nBREAKING CHANGE: the config file moved', '1.4.0 → 2.0.0 (major)'],
    ])('count for the component at the repository root: %j', async (message, expected) => {
      const repo = singlePackage();
      const sha = repo.commit(message);
      const p = await plan(repo);
      expect(releases(p)).toEqual({ app: expected });
      expect(reasonsOf(p, 'app')).toEqual([expect.objectContaining({ sha, via: 'root' })]);
      expect(renderPlanTable(p)).toContain('empty commit, root component');
    });

    it('count, in a monorepo, for the components their scope names (name, unscoped name or folder)', async () => {
      const repo = monorepo();
      repo.commit('fix(api): republish with the right files');
      let p = await plan(repo);
      expect(releases(p)).toEqual({ '@acme/api': '0.4.1 → 0.4.2 (patch)' });
      expect(reasonsOf(p, '@acme/api')).toEqual([expect.objectContaining({ type: 'fix', via: 'scope' })]);
      repo.commit('feat(@acme/core): announce the new docs');
      p = await plan(repo);
      expect(releases(p)['@acme/core']).toBe('1.2.0 → 1.3.0 (minor)');
    });

    it('count for nothing in a monorepo when no component is at the root or named by the scope', async () => {
      const repo = monorepo();
      repo.commit('fix: trigger CI');
      repo.commit('fix(website): rebuild');
      expect(releases(await plan(repo))).toEqual({});
    });
  });

  describe('Release-As', () => {
    it('sets the next version of a root component from an empty commit, with the reason in the plan', async () => {
      const repo = singlePackage();
      repo.commit('fix: a small fix', ['index.js']);
      const sha = repo.commit('chore: release 3.0.0\n\nRelease-As: 3.0.0');
      const p = await plan(repo);
      expect(releases(p)).toEqual({ app: '1.4.0 → 3.0.0 (major)' });
      expect(reasonsOf(p, 'app')[0]).toEqual({ kind: 'release-as', sha, version: '3.0.0', component: null });
      expect(renderPlanTable(p)).toContain(`Release-As: 3.0.0 (${sha.slice(0, 7)})`);
    });

    it('names one component of a monorepo; its dependents get their usual patch', async () => {
      const repo = monorepo();
      repo.commit('feat(core): new option', core);
      const sha = repo.commit('chore: graduate the API\n\nRelease-As: api@1.0.0');
      const p = await plan(repo);
      expect(releases(p)).toEqual({
        '@acme/core': '1.2.0 → 1.3.0 (minor)',
        '@acme/api': '0.4.1 → 1.0.0 (major)',
      });
      expect(reasonsOf(p, '@acme/api')).toContainEqual({
        kind: 'release-as',
        sha,
        version: '1.0.0',
        component: 'api',
      });
    });

    it('applies to the components a commit changes, the newest footer winning', async () => {
      const repo = monorepo();
      repo.commit('fix(core): x\n\nRelease-As: 1.5.0', core);
      repo.commit('fix(core): y\n\nRelease-As: 1.6.0', core);
      expect(releases(await plan(repo))['@acme/core']).toBe('1.2.0 → 1.6.0 (minor)');
    });

    it('sets a lockstep group to the version a member names, and is a pre-release of it on a channel', async () => {
      let repo = monorepo('lockstep:\n  - { name: acme, components: ["@acme/core", "@acme/api"] }\n');
      repo.commit('chore: one version for all\n\nRelease-As: api@2.0.0');
      expect(releases(await plan(repo))).toEqual({
        '@acme/core': '1.2.0 → 2.0.0 (major)',
        '@acme/api': '0.4.1 → 2.0.0 (major)',
      });
      repo = monorepo('channels:\n  - { branch: next, prerelease: rc }\n');
      repo.checkout('next', true);
      repo.commit('fix(core): x\n\nRelease-As: 2.0.0', core);
      expect(releases(await plan(repo))['@acme/core']).toBe('1.2.0 → 2.0.0-rc.0 (major)');
    });

    it.each([
      ['1.1.0', "is not above @acme/core's current version 1.2.0; versions never go backwards"],
      ['1.2.0', "is not above @acme/core's current version 1.2.0; versions never go backwards"],
      ['two', 'is not a SemVer version'],
    ])('refuses Release-As: %s, naming the commit and the fix', async (version, message) => {
      const repo = monorepo();
      const sha = repo.commit(`fix(core): x\n\nRelease-As: ${version}`, core);
      await expect(plan(repo)).rejects.toMatchObject({
        kind: 'input',
        field: 'Release-As',
        message: expect.stringContaining(message),
        fix: expect.stringContaining(`revert ${sha.slice(0, 7)}`),
      });
    });
  });

  it('replaces a commit with the changes of its BEGIN_COMMIT_OVERRIDE block', async () => {
    const repo = monorepo();
    const sha = repo.commit(
      [
        'Update the cursor code (#9)',
        '',
        '* wip',
        '',
        'BEGIN_COMMIT_OVERRIDE',
        'feat(core): cursors can go backwards',
        'fix(core): off-by-one in the cursor',
        'END_COMMIT_OVERRIDE',
      ].join('\n'),
      core,
    );
    const p = await plan(repo);
    expect(releases(p)['@acme/core']).toBe('1.2.0 → 1.3.0 (minor)');
    expect(reasonsOf(p, '@acme/core')).toEqual([
      expect.objectContaining({ sha, type: 'feat', origin: 'override' }),
      expect.objectContaining({ sha, type: 'fix', origin: 'override' }),
    ]);
    expect(p.ignoredCommits).toEqual([]);
    expect(renderPlanTable(p)).toContain('from BEGIN_COMMIT_OVERRIDE');
  });

  describe("release-please's nested forms (commits.nested: release-please)", () => {
    const message = [
      'chore: regenerate clients (#31)',
      '',
      'Regenerated from the new API definitions.',
      '',
      'feat(core): add the cursor option',
      '',
      'BEGIN_NESTED_COMMIT',
      'fix(core)!: rename Client to ApiClient',
      '',
      'BREAKING CHANGE: Client is now ApiClient',
      'END_NESTED_COMMIT',
      '',
      '* feat: a bulleted line never counts',
    ].join('\n');

    it('are off by default: only the header and the footers count, as semantic-release reads them', async () => {
      const repo = monorepo();
      const sha = repo.commit(message, core);
      const p = await plan(repo);
      // the BREAKING CHANGE line is a footer to conventional-commits-parser wherever it stands
      expect(releases(p)['@acme/core']).toBe('1.2.0 → 2.0.0 (major)');
      expect(reasonsOf(p, '@acme/core')).toEqual([
        expect.objectContaining({ sha, type: 'chore', bump: 'major' }),
      ]);
    });

    it('count when enabled: an unbulleted header after a blank line and each nested block', async () => {
      const repo = monorepo('commits:\n  nested: release-please\n');
      repo.commit(message, core);
      const p = await plan(repo);
      expect(releases(p)['@acme/core']).toBe('1.2.0 → 2.0.0 (major)');
      expect(
        reasonsOf(p, '@acme/core').map((r) => (r.kind === 'commit' ? [r.type, r.bump, r.origin] : r.kind)),
      ).toEqual([
        ['feat', 'minor', 'nested'],
        ['fix', 'major', 'nested'],
      ]);
    });
  });
});
