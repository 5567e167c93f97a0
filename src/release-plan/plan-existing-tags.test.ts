import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GitRepo } from '../../test/git-repo.js';
import { aMonorepo, type FixturePackage } from '../../test/monorepo-fixture.js';
import { RelxError } from '../relx-error.js';
import { planRepositoryRelease } from './plan-repository-release.js';
import { serializeReleasePlan, type PlannedComponent, type ReleasePlan } from './release-plan.js';
import { renderPlanTable } from './render-plan.js';

/** Repositories shaped as real ones were released before relx: their tags, their version files. */

const now = new Date('2026-11-24T12:00:00Z');
const plan = async (repo: GitRepo) => (await planRepositoryRelease(repo.dir, { now })).plan;
const component = (p: ReleasePlan, name: string) =>
  p.components.find((c) => c.name === name) as PlannedComponent;
const releases = (p: ReleasePlan) =>
  Object.fromEntries(
    p.components
      .filter((c) => c.release)
      .map((c) => [c.name, `${c.currentVersion} → ${c.nextVersion} (${c.bump})`]),
  );
const setVersion = (repo: GitRepo, dir: string, name: string, version: string, message: string) =>
  repo.commit(message, {
    [`packages/${dir}/package.json`]: `${JSON.stringify({ name, version }, null, 2)}\n`,
  });

describe('planning with the tags a repository already has', () => {
  it('reads release-please tags of scoped packages ({unscopedName}-v{version}) and tags the same way', async () => {
    const pkgs: FixturePackage[] = [
      { dir: 'node-auto', name: '@acme/auto-instrumentations-node', version: '0.79.0' },
      { dir: 'redis', name: '@acme/instrumentation-redis', version: '0.60.2' },
    ];
    const repo = aMonorepo(pkgs);
    repo.tag('auto-instrumentations-node-v0.78.0', { ref: 'HEAD' });
    repo.tag('auto-instrumentations-node-v0.79.0');
    repo.tag('instrumentation-redis-v0.60.2');
    const fix = repo.commit('fix(redis): keep the span open', ['packages/redis/src/index.ts']);

    const p = await plan(repo);
    expect(releases(p)).toEqual({ '@acme/instrumentation-redis': '0.60.2 → 0.60.3 (patch)' });
    const redis = component(p, '@acme/instrumentation-redis');
    expect(redis).toMatchObject({
      tagFormat: '{unscopedName}-v{version}',
      tagFormatSource: 'inferred',
      lastTag: 'instrumentation-redis-v0.60.2',
      nextTag: 'instrumentation-redis-v0.60.3',
      since: { kind: 'tag', tag: 'instrumentation-redis-v0.60.2' },
    });
    expect(redis.reasons.map((r) => (r.kind === 'commit' ? r.sha : r.kind))).toEqual([fix]);
    expect(p.warnings).toEqual([]);
    expect(renderPlanTable(p)).toContain('"{unscopedName}-v{version}" (inferred from existing tags)');
    expect(renderPlanTable(p)).toContain('since tag instrumentation-redis-v0.60.2');
  });

  it('reads tags named after the folder ({dir}-v{version})', async () => {
    const repo = aMonorepo([{ dir: 'babel-eslint-parser', name: '@acme/eslint-parser', version: '11.0.0' }]);
    repo.tag('babel-eslint-parser-v11.0.0');
    repo.commit('feat: parse decorators', ['packages/babel-eslint-parser/src/index.ts']);
    const p = await plan(repo);
    expect(component(p, '@acme/eslint-parser')).toMatchObject({
      tagFormat: '{dir}-v{version}',
      tagFormatSource: 'inferred',
      currentVersion: '11.0.0',
      nextTag: 'babel-eslint-parser-v11.1.0',
    });
  });

  it('releases packages that share repository-wide v* tags together, as one lockstep group', async () => {
    const pkgs: FixturePackage[] = [
      { dir: 'parser', name: '@acme/parser', version: '8.67.0' },
      { dir: 'utils', name: '@acme/utils', version: '8.67.0' },
      { dir: 'plugin', name: 'acme-plugin', version: '8.67.0' },
    ];
    const repo = aMonorepo(pkgs);
    repo.tag('v8.66.0', { ref: 'HEAD' });
    repo.tag('v8.67.0');
    repo.commit('feat(parser): support new syntax', ['packages/parser/src/index.ts']);

    const p = await plan(repo);
    expect(releases(p)).toEqual({
      '@acme/parser': '8.67.0 → 8.68.0 (minor)',
      '@acme/utils': '8.67.0 → 8.68.0 (minor)',
      'acme-plugin': '8.67.0 → 8.68.0 (minor)',
    });
    expect(p.components.map((c) => [c.tagFormat, c.tagFormatSource, c.nextTag])).toEqual([
      ['v{version}', 'inferred', 'v8.68.0'],
      ['v{version}', 'inferred', 'v8.68.0'],
      ['v{version}', 'inferred', 'v8.68.0'],
    ]);
    expect(component(p, '@acme/utils').reasons).toEqual([{ kind: 'lockstep', group: 'v-tags' }]);
    expect(p.warnings).toEqual([
      expect.stringMatching(
        /3 components share the repository's "v\{version\}" tags.*lockstep group "v-tags"/,
      ),
    ]);
  });

  it('never goes below the version file: a stray old tag does not win (babel: @babel/core@7.23.2, package.json 8.0.1)', async () => {
    const repo = aMonorepo([{ dir: 'babel-core', name: '@acme/core', version: '7.23.0' }]);
    repo.commit('fix: old fix', ['packages/babel-core/a.js']);
    repo.tag('@acme/core@7.23.2');
    repo.commit('feat!: the next major, before its release', ['packages/babel-core/b.js']);
    const release = setVersion(repo, 'babel-core', '@acme/core', '8.0.1', 'v8.0.1');
    repo.commit('fix: after the release', ['packages/babel-core/c.js']);

    const p = await plan(repo);
    expect(releases(p)).toEqual({ '@acme/core': '8.0.1 → 8.0.2 (patch)' });
    expect(component(p, '@acme/core')).toMatchObject({
      tagFormat: '{name}@{version}',
      lastTag: '@acme/core@7.23.2',
      since: { kind: 'version-file', commit: release, version: '8.0.1', createdFile: false },
      nextTag: '@acme/core@8.0.2',
    });
    expect(renderPlanTable(p)).toContain(
      `since ${release.slice(0, 7)}, which set 8.0.1 in packages/babel-core/package.json (no tag for 8.0.1)`,
    );
  });

  it('plans 1.26.1, not 1.3.2, when the newest tag 1.3.1 is older than package.json 1.26.0', async () => {
    const repo = aMonorepo([{ dir: 'sdk', name: '@acme/sdk', version: '1.3.1' }]);
    repo.tag('sdk-v1.3.1');
    repo.commit('feat: released without tags since', ['packages/sdk/a.js']);
    setVersion(repo, 'sdk', '@acme/sdk', '1.26.0', 'chore: release 1.26.0');
    repo.commit('fix: a fix', ['packages/sdk/b.js']);
    expect(releases(await plan(repo))).toEqual({ '@acme/sdk': '1.26.0 → 1.26.1 (patch)' });
  });

  it('starts a component without a tag at the commit that set its version, not at the root', async () => {
    const repo = aMonorepo([{ dir: 'core', name: '@acme/core', version: '1.0.0' }]);
    repo.commit('feat!: long-released history', ['packages/core/a.js']);
    const release = setVersion(repo, 'core', '@acme/core', '1.4.0', 'chore: release 1.4.0');
    repo.commit('docs: touch the readme', ['packages/core/README.md']);
    repo.commit('fix: the first fix since 1.4.0', ['packages/core/b.js']);

    const p = await plan(repo);
    expect(releases(p)).toEqual({ '@acme/core': '1.4.0 → 1.4.1 (patch)' });
    expect(component(p, '@acme/core')).toMatchObject({
      tagFormatSource: 'default',
      lastTag: null,
      commitCount: 2,
      since: { kind: 'version-file', commit: release, file: 'packages/core/package.json', version: '1.4.0' },
    });
  });

  it('plans the same from the history cache when history starts at a version-setting commit', async () => {
    const repo = aMonorepo([{ dir: 'core', name: '@acme/core', version: '1.0.0' }]);
    repo.commit('feat!: long-released history', ['packages/core/a.js']);
    setVersion(repo, 'core', '@acme/core', '2.0.0', 'chore: release 2.0.0');
    repo.commit('fix: since 2.0.0', ['packages/core/b.js']);
    const cacheFile = join(mkdtempSync(join(tmpdir(), 'relx-cache-')), 'history.json');
    const first = await planRepositoryRelease(repo.dir, { now, cacheFile });
    repo.commit('feat: one more', ['packages/core/c.js']);
    const cached = await planRepositoryRelease(repo.dir, { now, cacheFile });
    const fresh = await planRepositoryRelease(repo.dir, { now });
    expect(releases(first.plan)).toEqual({ '@acme/core': '2.0.0 → 2.0.1 (patch)' });
    expect(cached.stats.cache).toBe('used');
    expect(serializeReleasePlan(cached.plan)).toBe(serializeReleasePlan(fresh.plan));
    expect(releases(fresh.plan)).toEqual({ '@acme/core': '2.0.0 → 2.1.0 (minor)' });
  });

  it('counts a never-bumped package from the commit that created it', async () => {
    const repo = aMonorepo([{ dir: 'core', name: '@acme/core', version: '0.1.0' }]);
    const created = repo.commit('feat: a new package', {
      'packages/fresh/package.json': '{ "name": "@acme/fresh", "version": "0.1.0" }\n',
    });
    const p = await plan(repo);
    expect(releases(p)).toEqual({ '@acme/fresh': '0.1.0 → 0.2.0 (minor)' });
    expect(component(p, '@acme/fresh').since).toMatchObject({
      kind: 'version-file',
      commit: created,
      createdFile: true,
    });
  });

  it('takes a configured bootstrap commit over the version-setting one', async () => {
    const repo = aMonorepo([{ dir: 'core', name: '@acme/core', version: '1.0.0' }]);
    setVersion(repo, 'core', '@acme/core', '1.4.0', 'chore: release 1.4.0');
    repo.commit('feat: before the bootstrap commit', ['packages/core/a.js']);
    const bootstrap = repo.commit('chore: adopt relx', ['.nvmrc']);
    repo.commit('fix: after the bootstrap commit', ['packages/core/b.js']);
    expect(releases(await plan(repo))).toEqual({ '@acme/core': '1.4.0 → 1.5.0 (minor)' });

    repo.write(
      'relx.config.yaml',
      `components:\n  - { name: "@acme/core", bootstrapCommit: ${bootstrap} }\n`,
    );
    const p = await plan(repo);
    expect(releases(p)).toEqual({ '@acme/core': '1.4.0 → 1.4.1 (patch)' });
    expect(component(p, '@acme/core').since).toEqual({ kind: 'bootstrap-commit', commit: bootstrap });
    expect(renderPlanTable(p)).toContain(`since bootstrap commit ${bootstrap.slice(0, 7)} (bootstrapCommit)`);
  });

  it('applies a top-level bootstrapCommit to every untagged component, and names the field when it is no commit', async () => {
    const repo = aMonorepo([{ dir: 'core', name: '@acme/core', version: '1.0.0' }]);
    repo.commit('feat: before the bootstrap commit', ['packages/core/a.js']);
    const bootstrap = repo.commit('chore: adopt relx', ['.nvmrc']);
    repo.commit('fix: after it', ['packages/core/b.js']);
    repo.write('relx.config.yaml', `bootstrapCommit: ${bootstrap}\n`);
    expect(releases(await plan(repo))).toEqual({ '@acme/core': '1.0.0 → 1.0.1 (patch)' });

    repo.write('relx.config.yaml', 'bootstrapCommit: 0123456789abcdef\n');
    const error = (await plan(repo).catch((e: unknown) => e)) as RelxError;
    expect(error.field).toBe('bootstrapCommit');
    expect(error.message).toMatch(/0123456789abcdef is not a commit/);
  });

  it('reports a component whose tags follow two conventions, and uses the newer', async () => {
    const repo = aMonorepo([{ dir: 'core', name: '@acme/core', version: '1.3.0' }]);
    repo.tag('@acme/core@1.2.0', { ref: 'HEAD' });
    repo.tag('core-v1.3.0');
    repo.commit('fix: a fix', ['packages/core/a.js']);
    const p = await plan(repo);
    expect(component(p, '@acme/core')).toMatchObject({
      tagFormat: '{unscopedName}-v{version}',
      nextTag: 'core-v1.3.1',
    });
    expect(p.warnings).toEqual([
      '@acme/core: its tags follow 2 conventions, "{name}@{version}" (1 tag(s), newest @acme/core@1.2.0) and "{unscopedName}-v{version}" (1 tag(s), newest core-v1.3.0); using "{unscopedName}-v{version}", which carries the newest version. To choose, set tagFormat for @acme/core in relx.config.yaml.',
    ]);
    expect(renderPlanTable(p)).toContain('warning: @acme/core: its tags follow 2 conventions');
  });

  it('keeps a configured tagFormat and infers nothing', async () => {
    const repo = aMonorepo(
      [{ dir: 'core', name: '@acme/core', version: '1.3.0' }],
      'tagFormat: "{name}@{version}"\n',
    );
    repo.tag('core-v1.3.0');
    repo.commit('fix: a fix', ['packages/core/a.js']);
    const p = await plan(repo);
    expect(component(p, '@acme/core')).toMatchObject({
      tagFormat: '{name}@{version}',
      tagFormatSource: 'configured',
      lastTag: null,
      nextTag: '@acme/core@1.3.1',
    });
  });

  it('refuses a next version that is not above every released one, naming both and the fix', async () => {
    const repo = aMonorepo([{ dir: 'core', name: '@acme/core', version: '1.2.0' }]);
    repo.tag('@acme/core@1.2.0');
    repo.checkout('next', true);
    repo.commit('feat!: only on the side branch', ['packages/core/side.js']);
    repo.tag('@acme/core@2.0.0');
    repo.checkout('main');
    repo.commit('fix: on main', ['packages/core/main.js']);
    const error = (await plan(repo).catch((e: unknown) => e)) as RelxError;
    expect(error).toBeInstanceOf(RelxError);
    expect(error.message).toBe(
      '@acme/core: the next version 1.2.1 is not greater than 2.0.0, already released (tag @acme/core@2.0.0); relx never plans a version backwards.',
    );
    expect(error.fix).toMatch(/above 2\.0\.0/);
  });
});
