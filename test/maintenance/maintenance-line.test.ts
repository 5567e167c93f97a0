import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GitRepo } from '../git-repo.js';
import { aMonorepo } from '../monorepo-fixture.js';
import { startVerdaccio, type RunningVerdaccio } from '../npm-registry/verdaccio-fixture.js';
import { RelxError } from '../../src/relx-error.js';
import { applyReleasePlan } from '../../src/release/apply-release-plan.js';
import { planRepositoryRelease } from '../../src/release-plan/plan-repository-release.js';
import { publishRelease } from '../../src/publish/publish-release.js';
import { lineDistTags } from '../../src/publish/line-dist-tags.js';
import { releasedAtCommit } from '../../src/publish/released-components.js';
import { loadWorkspace } from '../../src/workspace/load-workspace.js';

/**
 * Maintenance lines in real repositories: `release/1.x` releases 1.4.3 while main is at 2.0.0,
 * under its own npm dist-tag in a real Verdaccio; a change the line cannot take is refused.
 */

const now = new Date('2026-12-01T12:00:00Z');
const lib = { dir: 'lib', name: '@acme/lib', version: '1.4.2' };
const maintenance = 'maintenance:\n  - branch: "release/*"\n';
const planOf = async (repo: GitRepo, branch?: string) =>
  (await planRepositoryRelease(repo.dir, { now, ...(branch ? { branch } : {}) })).plan;
const pkg = (version: string) => `${JSON.stringify({ name: lib.name, version }, null, 2)}\n`;

/** 1.4.2 released; main went on to 2.0.0 (tagged); `release/<line>` starts at 1.4.2. */
function aRepositoryWithALine(line: string, config = maintenance): GitRepo {
  const repo = aMonorepo([lib], config);
  repo.tag('@acme/lib@1.4.2');
  repo.git('branch', `release/${line}`);
  repo.commit('feat!: drop the callback API', ['packages/lib/api.js']);
  repo.commit('chore(release): 2.0.0', { 'packages/lib/package.json': pkg('2.0.0') });
  repo.tag('@acme/lib@2.0.0');
  repo.checkout(`release/${line}`);
  return repo;
}

const refusal = async (promise: Promise<unknown>): Promise<RelxError> => {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RelxError);
  return error as RelxError;
};

describe('a maintenance line', () => {
  it('releases 1.4.2 → 1.4.3 on release/1.x while v2.0.0 exists on main', async () => {
    const repo = aRepositoryWithALine('1.x');
    repo.commit('fix: close the socket on timeout', ['packages/lib/socket.js']);
    const plan = await planOf(repo);
    const c = plan.components.find((x) => x.name === lib.name);
    expect(c).toMatchObject({ currentVersion: '1.4.2', nextVersion: '1.4.3', nextTag: '@acme/lib@1.4.3' });
    expect(plan.line).toMatchObject({ branch: 'release/1.x', range: '>=1.0.0 <2.0.0', patchOnly: false });
  });

  it('without the line, the same fix is refused as going backwards (2.0.0 is tagged)', async () => {
    const repo = aRepositoryWithALine('1.x', '');
    repo.commit('fix: close the socket on timeout', ['packages/lib/socket.js']);
    const error = await refusal(planOf(repo));
    expect(error.message).toContain('is not greater than 2.0.0');
  });

  it('takes a feature on release/1.x (1.5.0), but refuses it on the patch-only release/1.4.x, writing nothing', async () => {
    const wide = aRepositoryWithALine('1.x');
    wide.commit('feat: a timeout option', ['packages/lib/timeout.js']);
    expect((await planOf(wide)).components[0]?.nextVersion).toBe('1.5.0');

    const repo = aRepositoryWithALine('1.4.x');
    const feat = repo.commit('feat: a timeout option', ['packages/lib/timeout.js']);
    const tags = repo.git('tag');
    const error = await refusal(planOf(repo));
    expect(error.message).toBe(
      `@acme/lib: 1.5.0 (a minor bump because of ${feat.slice(0, 7)} feat: a timeout option) is outside release/1.4.x's range >=1.4.0 <1.5.0; nothing was written.`,
    );
    expect(error.fix).toContain(
      'release/1.4.x takes fixes only: revert the feature here and land it on the default branch',
    );
    expect(error.field).toBe('maintenance[].range');
    expect(repo.git('status', '--porcelain')).toBe('');
    expect(repo.git('tag')).toBe(tags);
  });

  it('refuses a breaking change on a line, even one whose range would hold the version', async () => {
    const repo = aRepositoryWithALine(
      'lts',
      'maintenance:\n  - branch: release/lts\n    range: ">=1.0.0 <3.0.0"\n    distTag: lts\n',
    );
    repo.commit('feat!: remove the legacy export', ['packages/lib/legacy.js']);
    const error = await refusal(planOf(repo));
    expect(error.message).toContain('(a major bump because of');
    expect(error.fix).toBe(
      'A breaking change releases only from the default branch: revert it on release/lts and land it there.',
    );
  });

  it('takes its branch from --branch when the checkout is detached', async () => {
    const repo = aRepositoryWithALine('1.x');
    repo.commit('fix: close the socket on timeout', ['packages/lib/socket.js']);
    repo.git('checkout', '-q', '--detach');
    // detached and unnamed, it is not a line: 1.4.3 would go backwards from 2.0.0
    expect((await refusal(planOf(repo))).message).toContain('is not greater than 2.0.0');
    const plan = (await planRepositoryRelease(repo.dir, { now, fallbackBranch: 'release/1.x' })).plan;
    expect(plan.components[0]?.nextVersion).toBe('1.4.3');
    expect((await planOf(repo, 'release/1.x')).components[0]?.nextVersion).toBe('1.4.3');
  });

  // vite's shape: release/7.x holds a package added later, never tagged, whose history has breaking
  // commits, and one on another major. The line's range is theirs to refuse only if they are on it.
  it('holds components whose version is outside the line, instead of refusing the whole plan', async () => {
    const runtime = { dir: 'runtime', name: '@acme/unit-runtime', version: '0.1.0' };
    // tools had 1.x releases too, but this branch's history already took it to 3.2.0 (create-vite
    // at 9.x on vite's release/8.x): its newest release inside the range is not where it stands
    const tools = { dir: 'tools', name: '@acme/tools', version: '1.9.0' };
    const repo = aMonorepo([lib, runtime, tools], maintenance);
    repo.tag('@acme/lib@1.4.2');
    repo.tag('@acme/tools@1.9.0');
    repo.commit('chore(release): tools 3.2.0', {
      'packages/tools/package.json': `${JSON.stringify({ name: tools.name, version: '3.2.0' }, null, 2)}\n`,
    });
    repo.tag('@acme/tools@3.2.0');
    repo.commit('feat!: the runtime speaks ESM only', ['packages/runtime/index.js']);
    repo.git('branch', 'release/1.x');
    repo.checkout('release/1.x');
    repo.commit('fix: close the socket on timeout', ['packages/lib/socket.js']);
    repo.commit('fix: the tools read the new config', ['packages/tools/config.js']);
    const plan = await planOf(repo);
    const byName = new Map(plan.components.map((c) => [c.name, c]));
    expect(byName.get(lib.name)).toMatchObject({ nextVersion: '1.4.3', release: true });
    const held = `not on release/1.x: its version is outside the line's range >=1.0.0 <2.0.0, so it releases from the default branch`;
    for (const name of [runtime.name, tools.name])
      expect(byName.get(name)).toMatchObject({ release: false, nextVersion: null, notReleased: held });
  });

  it('names the field when a matching branch says no range', async () => {
    const repo = aRepositoryWithALine('1.x', 'maintenance:\n  - branch: "hotfix/*"\n');
    repo.git('branch', 'hotfix/urgent');
    repo.checkout('hotfix/urgent');
    const error = await refusal(planOf(repo));
    expect(error.field).toBe('maintenance[0].range');
    expect(error.fix).toContain('or set maintenance[0].range');
  });
});

describe('publishing a maintenance release', () => {
  let npm: RunningVerdaccio;
  beforeAll(async () => {
    npm = await startVerdaccio();
  });
  afterAll(() => npm.stop());

  const publish = async (repo: GitRepo, branch: string) => {
    const { components, config } = await loadWorkspace(repo.dir);
    const commit = repo.head();
    const released = await releasedAtCommit(repo.dir, components, commit);
    return publishRelease({
      root: repo.dir,
      components,
      released,
      distTags: await lineDistTags(repo.dir, components, released, branch, config),
      commit,
      repository: 'acme/lib',
      runUrl: null,
      npm: { registry: npm.url, token: npm.token, provenance: false },
      oci: { credentials: {} },
      dryRun: false,
    });
  };
  // `npm view`, asynchronously: Verdaccio runs in this process and must keep answering.
  const distTags = async (name: string) => {
    const userconfig = join(mkdtempSync(join(tmpdir(), 'relx-npmrc-')), '.npmrc');
    writeFileSync(userconfig, `//${new URL(npm.url).host}/:_authToken=${npm.token}\n`);
    const args = ['view', name, 'dist-tags', '--json', '--registry', npm.url, '--userconfig', userconfig];
    return JSON.parse((await promisify(execFile)('npm', args)).stdout) as Record<string, string>;
  };

  it('releases 1.4.3 from release/1.x under release-1.x; npm latest stays on 2.0.0', async () => {
    const scope = 'maint';
    const name = `@${scope}/lib`;
    const repo = aMonorepo([{ ...lib, name }], maintenance);
    repo.tag(`${name}@1.4.2`);
    await publish(repo, 'main');
    repo.git('branch', 'release/1.x');
    repo.commit('feat!: drop the callback API', ['packages/lib/api.js']);
    const major = await planOf(repo);
    await applyReleasePlan(repo.dir, major, {
      dryRun: false,
      push: null,
      publisher: null,
      repositoryUrl: null,
      now,
    });
    expect((await publish(repo, 'main')).failure).toBeNull();
    expect(await distTags(name)).toEqual({ latest: '2.0.0' });

    repo.checkout('release/1.x');
    repo.commit('fix: close the socket on timeout', ['packages/lib/socket.js']);
    const plan = await planOf(repo);
    expect(plan.components[0]).toMatchObject({ currentVersion: '1.4.2', nextVersion: '1.4.3' });
    const applied = await applyReleasePlan(repo.dir, plan, {
      dryRun: false,
      push: null,
      publisher: null,
      repositoryUrl: null,
      now,
    });
    expect(applied.components.map((c) => c.tag)).toEqual([`${name}@1.4.3`]);
    const result = await publish(repo, 'release/1.x');
    expect(result.failure).toBeNull();
    expect(result.outcomes.map((o) => `${o.reference} ${o.outcome}`)).toEqual([
      `npm:${name}@1.4.3 published`,
    ]);
    expect(await distTags(name)).toEqual({ latest: '2.0.0', 'release-1.x': '1.4.3' });
  });
});
