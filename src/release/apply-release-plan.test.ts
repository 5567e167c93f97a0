import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GitRepo } from '../../test/git-repo.js';
import { acmeApi, acmeCore, aMonorepo, tagAll } from '../../test/monorepo-fixture.js';
import { RelxError } from '../relx-error.js';
import { planRepositoryRelease } from '../release-plan/plan-repository-release.js';
import { parseReleasePlan } from '../release-plan/parse-release-plan.js';
import { serializeReleasePlan, type ReleasePlan } from '../release-plan/release-plan.js';
import { applyReleasePlan, type ApplyReleaseOptions } from './apply-release-plan.js';

const now = new Date('2026-11-24T12:00:00Z');
const options = (extra: Partial<ApplyReleaseOptions> = {}): ApplyReleaseOptions => ({
  dryRun: false,
  push: { remote: 'origin', branch: 'main' },
  publisher: null,
  repositoryUrl: null,
  now,
  ...extra,
});

/** A monorepo with a lockfile, a bare remote it was pushed to, and a feature in core. */
function aReleasableRepo() {
  const repo = aMonorepo([acmeCore, acmeApi]);
  repo.writeJson('package-lock.json', {
    name: 'fixture-root',
    lockfileVersion: 3,
    requires: true,
    packages: {
      '': { name: 'fixture-root', workspaces: ['packages/*'] },
      'packages/api': { name: '@acme/api', version: '0.4.1', dependencies: { '@acme/core': '^1.2.0' } },
      'packages/core': { name: '@acme/core', version: '1.2.0' },
    },
  });
  repo.commit('chore: lockfile');
  tagAll(repo, [acmeCore, acmeApi]);
  repo.commit('feat(core): add retries', ['packages/core/retry.js']);
  const remote = GitRepo.create({ bare: true });
  repo.git('remote', 'add', 'origin', remote.dir);
  repo.git('push', '-q', 'origin', 'main', '--tags');
  return { repo, remote };
}

const planOf = async (repo: GitRepo) => (await planRepositoryRelease(repo.dir, { now })).plan;
const remoteTags = (remote: GitRepo) => remote.git('tag', '--list').split('\n').filter(Boolean).sort();
const read = (repo: GitRepo, path: string) => readFileSync(join(repo.dir, path), 'utf8');

describe('applying a release plan', () => {
  it('writes version files, ranges, lockfile and changelogs in one commit, tags each component, and pushes', async () => {
    const { repo, remote } = aReleasableRepo();
    const plan = await planOf(repo);
    const result = await applyReleasePlan(repo.dir, plan, options());

    expect(result.files).toEqual([
      'package-lock.json',
      'packages/api/CHANGELOG.md',
      'packages/api/package.json',
      'packages/core/CHANGELOG.md',
      'packages/core/package.json',
    ]);
    expect(read(repo, 'packages/core/package.json')).toBe(
      `${JSON.stringify({ name: '@acme/core', version: '1.3.0' }, null, 2)}\n`,
    );
    expect(read(repo, 'packages/api/package.json')).toBe(
      `${JSON.stringify({ name: '@acme/api', version: '0.4.2', dependencies: { '@acme/core': '^1.3.0' } }, null, 2)}\n`,
    );
    const lock = JSON.parse(read(repo, 'package-lock.json')) as {
      packages: Record<string, { version?: string; dependencies?: object }>;
    };
    expect(lock.packages['packages/core']?.version).toBe('1.3.0');
    expect(lock.packages['packages/api']).toMatchObject({
      version: '0.4.2',
      dependencies: { '@acme/core': '^1.3.0' },
    });
    expect(read(repo, 'packages/core/CHANGELOG.md')).toMatch(
      /^# Changelog\n\n# 1\.3\.0 \(2026-11-24\)\n\n\n### Features\n\n\* \*\*core:\*\* add retries/,
    );
    expect(read(repo, 'packages/api/CHANGELOG.md')).toContain(
      '### Dependencies\n\n* **@acme/core:** 1.2.0 → 1.3.0',
    );

    // the remote holds the release commit and the tags
    expect(remote.git('log', '-1', '--format=%s', 'main')).toBe(
      'chore(release): @acme/api@0.4.2, @acme/core@1.3.0',
    );
    expect(remote.git('rev-parse', 'main')).toBe(result.commit);
    expect(remoteTags(remote)).toEqual([
      '@acme/api@0.4.1',
      '@acme/api@0.4.2',
      '@acme/core@1.2.0',
      '@acme/core@1.3.0',
    ]);
    expect(remote.git('cat-file', '-t', '@acme/core@1.3.0')).toBe('tag');
    expect(repo.git('status', '--porcelain')).toBe('');

    // a new plan on the release commit releases nothing
    expect((await planOf(repo)).components.filter((c) => c.release)).toEqual([]);
  });

  it('is a no-op when run again on the same commit', async () => {
    const { repo, remote } = aReleasableRepo();
    const plan = await planOf(repo);
    const first = await applyReleasePlan(repo.dir, plan, options());
    const again = await applyReleasePlan(repo.dir, plan, options());
    expect(again).toMatchObject({ commit: first.commit, commitCreated: false, pushed: true });
    expect(again.components.map((c) => c.tagCreated)).toEqual([false, false]);
    expect(repo.git('rev-list', '--count', 'HEAD')).toBe(remote.git('rev-list', '--count', 'main'));
    expect(
      repo
        .git('log', '--format=%s', '-3')
        .split('\n')
        .filter((s) => s.startsWith('chore(release)')),
    ).toHaveLength(1);
  });

  it('finishes a run that died between two tags, without a second commit', async () => {
    const { repo, remote } = aReleasableRepo();
    const plan = await planOf(repo);
    const first = await applyReleasePlan(repo.dir, plan, options({ push: null }));
    // the state a run leaves when killed after the release commit and the first tag
    repo.git('tag', '-d', '@acme/core@1.3.0');
    const resumed = await applyReleasePlan(repo.dir, plan, options());
    expect(resumed.commit).toBe(first.commit);
    expect(resumed.commitCreated).toBe(false);
    expect(resumed.components.map((c) => [c.tag, c.tagCreated])).toEqual([
      ['@acme/api@0.4.2', false],
      ['@acme/core@1.3.0', true],
    ]);
    expect(remoteTags(remote)).toContain('@acme/core@1.3.0');
    expect(remote.git('rev-parse', 'main')).toBe(first.commit);
  });

  it('finishes a run that died after writing some files, committing the right content', async () => {
    const { repo } = aReleasableRepo();
    const plan = await planOf(repo);
    // the previous run wrote core's files, then died before the api's and the commit
    repo.writeJson('packages/core/package.json', { name: '@acme/core', version: '1.3.0' });
    repo.write('packages/core/CHANGELOG.md', '# Changelog\n\npartial\n');
    const result = await applyReleasePlan(repo.dir, plan, options({ push: null }));
    expect(result.commitCreated).toBe(true);
    expect(repo.git('show', `${result.commit}:packages/core/package.json`)).toContain('"version": "1.3.0"');
    expect(repo.git('show', `${result.commit}:packages/api/package.json`)).toContain('"version": "0.4.2"');
    expect(repo.git('show', `${result.commit}:packages/core/CHANGELOG.md`)).toMatch(
      /^# Changelog\n\n# 1\.3\.0/,
    );
    expect(repo.git('status', '--porcelain')).toBe('');
  });

  it('refuses a tag that exists on another commit, and writes nothing', async () => {
    const { repo } = aReleasableRepo();
    const plan = await planOf(repo);
    repo.git('tag', '@acme/core@1.3.0', 'HEAD~1');
    const head = repo.head();
    const error = await applyReleasePlan(repo.dir, plan, options()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RelxError);
    expect((error as RelxError).message).toMatch(/@acme\/core@1\.3\.0 \(on [0-9a-f]{7}\).*never moved/);
    expect(repo.head()).toBe(head);
    expect(repo.git('status', '--porcelain')).toBe('');
    expect(repo.git('tag', '--list', '@acme/api@0.4.2')).toBe('');
  });

  it('refuses a plan made for another commit', async () => {
    const { repo } = aReleasableRepo();
    const plan = await planOf(repo);
    repo.commit('fix: later', ['packages/core/later.js']);
    await expect(applyReleasePlan(repo.dir, plan, options())).rejects.toThrow(/branch moved/);
  });

  it.each([
    ['another schema version', (p: ReleasePlan) => ({ ...p, schemaVersion: 2 }), /schemaVersion/],
    ['a malformed component', (p: ReleasePlan) => ({ ...p, components: [{ name: 1 }] }), /components\[0\]/],
  ])('refuses a plan of %s before anything is written', (_, mutate, message) => {
    const plan = {
      schemaVersion: 1,
      kind: 'ReleasePlan',
      head: 'a'.repeat(40),
      branch: 'main',
      channel: null,
      components: [],
      ignoredCommits: [],
    } as ReleasePlan;
    expect(() => parseReleasePlan(JSON.stringify(mutate(plan)), 'plan.json')).toThrow(message);
  });

  it('refuses a plan naming a component this repository does not have', async () => {
    const { repo } = aReleasableRepo();
    const plan = await planOf(repo);
    const renamed = parseReleasePlan(
      serializeReleasePlan(plan).replaceAll('@acme/api', '@acme/gone'),
      'plan.json',
    );
    await expect(applyReleasePlan(repo.dir, renamed, options())).rejects.toMatchObject({
      field: 'components[0].name',
    });
    expect(repo.git('status', '--porcelain')).toBe('');
  });

  it('writes nothing in a dry run', async () => {
    const { repo } = aReleasableRepo();
    const head = repo.head();
    const result = await applyReleasePlan(repo.dir, await planOf(repo), options({ dryRun: true }));
    expect(result.files).toHaveLength(5);
    expect(result.commit).toBeNull();
    expect(repo.head()).toBe(head);
    expect(repo.git('status', '--porcelain')).toBe('');
  });

  it("sets a chart's appVersion to the image it ships", async () => {
    const repo = aMonorepo(
      [acmeCore],
      [
        'components:',
        '  - { name: api-image, type: container-image, path: services/api, version: 2.0.0, dependsOn: ["@acme/core"] }',
        '  - { name: api-chart, type: helm-chart, path: charts/api, dependsOn: [api-image] }',
        '',
      ].join('\n'),
    );
    repo.write('services/api/Dockerfile', 'FROM scratch\n');
    repo.write('charts/api/Chart.yaml', 'apiVersion: v2\nname: api\nversion: 0.3.1\nappVersion: "2.0.0"\n');
    repo.commit('chore: image and chart');
    repo.tag('@acme/core@1.2.0').tag('api-image@2.0.0').tag('api-chart@0.3.1');
    repo.commit('fix(core): bug', ['packages/core/bug.js']);
    await applyReleasePlan(repo.dir, await planOf(repo), options({ push: null }));
    expect(read(repo, 'charts/api/Chart.yaml')).toBe(
      'apiVersion: v2\nname: api\nversion: 0.3.2\nappVersion: "2.0.1"\n',
    );
    expect(repo.git('tag', '--points-at', 'HEAD').split('\n').sort()).toEqual([
      '@acme/core@1.2.1',
      'api-chart@0.3.2',
      'api-image@2.0.1',
    ]);
  });
});

describe('SemVer build metadata', () => {
  it('appends the configured metadata to versions and tags, keeps it out of ranges, and the next release reads the tag', async () => {
    const { repo, remote } = aReleasableRepo();
    repo.commit('chore: build metadata on releases', {
      'relx.config.yaml': 'buildMetadata: "sha.{shortSha}"\n',
    });
    const released = repo.head();
    const short = released.slice(0, 7);

    const plan = await planOf(repo);
    const core = plan.components.find((c) => c.name === '@acme/core');
    expect(core).toMatchObject({
      nextVersion: `1.3.0+sha.${short}`,
      nextTag: `@acme/core@1.3.0+sha.${short}`,
    });
    await applyReleasePlan(repo.dir, plan, options());
    expect(remoteTags(remote)).toEqual(
      [
        `@acme/api@0.4.2+sha.${short}`,
        `@acme/core@1.3.0+sha.${short}`,
        '@acme/api@0.4.1',
        '@acme/core@1.2.0',
      ].sort(),
    );
    expect(JSON.parse(read(repo, 'packages/core/package.json')).version).toBe(`1.3.0+sha.${short}`);
    expect(JSON.parse(read(repo, 'packages/api/package.json')).dependencies['@acme/core']).toBe('^1.3.0');

    repo.commit('fix(core): retry on 503', ['packages/core/retry.js']);
    const next = await planOf(repo);
    expect(next.components.find((c) => c.name === '@acme/core')).toMatchObject({
      currentVersion: `1.3.0+sha.${short}`,
      lastTag: `@acme/core@1.3.0+sha.${short}`,
      nextVersion: `1.3.1+sha.${repo.head().slice(0, 7)}`,
    });
  });
});
