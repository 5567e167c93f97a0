import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getOctokit } from '@actions/github';
import { GitHubApiServer } from './github-api-server.js';
import { GitRepo } from '../git-repo.js';
import { acmeApi, acmeCore, aMonorepo, tagAll } from '../monorepo-fixture.js';
import type { GitHubRequest } from '../../src/github/github-request.js';
import { GitHubPullRequests } from '../../src/github/pull-requests.js';
import { releaseLabels } from '../../src/release-pr/release-pull-request-body.js';
import { labelReleasesPublished } from '../../src/release-pr/release-pull-request.js';
import { runReleasePullRequestMode } from '../../src/release-pr/run-release-pull-request.js';
import { planRepositoryRelease } from '../../src/release-plan/plan-repository-release.js';
import { readRelxConfig } from '../../src/workspace/read-relx-config.js';

/**
 * How release pull requests are merged on GitHub in practice: after the base branch moved, with
 * a squash message that lost the trailer, one group's at a time, on a maintenance line, across a
 * month boundary (CalVer). Each case is a workflow run of release-PR mode against the
 * OpenAPI-checked GitHub server over real git repositories.
 */
const repository = 'acme/platform';
const built = new Date('2026-11-30T23:00:00Z');
const mergedAt = new Date('2026-12-01T09:00:00Z');
let server: GitHubApiServer;
let origin: GitRepo;
let developer: GitRepo;
const cleanup: string[] = [];

const request = () =>
  getOctokit('ghs_test-token-0123456789', { baseUrl: server.url, request: { retries: 0 } })
    .request as unknown as GitHubRequest;
const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
const developerPush = (ref = 'main') => developer.git('push', '-q', 'origin', `HEAD:refs/heads/${ref}`);
const data = () => server.gitData(repository)!;
const tagged = (tag: string) => {
  try {
    return data().git(['rev-parse', '--verify', '--quiet', `refs/tags/${tag}^{commit}`]);
  } catch {
    return ''; // no such tag
  }
};
const pull = (number: number) => server.pullRequests.pulls.find((p) => p.number === number)!;

function checkout(branch = 'main'): string {
  const dir = mkdtempSync(join(tmpdir(), 'relx-runner-'));
  cleanup.push(dir);
  git(tmpdir(), 'clone', '-q', '--branch', branch, origin.dir, dir);
  git(dir, 'config', 'user.name', 'github-actions[bot]');
  git(dir, 'config', 'user.email', 'bot@relx.invalid');
  return dir;
}

/** release.yml's bump-version step in release-PR mode, on a push to `branch`. */
async function releaseWorkflow(
  options: { branch?: string; now?: Date; verified?: boolean; labelAfterPublish?: boolean } = {},
) {
  const branch = options.branch ?? 'main';
  const now = options.now ?? built;
  const cwd = checkout(branch);
  const { config } = await readRelxConfig(cwd);
  const outcome = await runReleasePullRequestMode({
    cwd,
    config,
    request: request(),
    owner: 'acme',
    repo: 'platform',
    base: branch,
    remote: 'origin',
    verified: options.verified ?? true,
    plan: async () => (await planRepositoryRelease(cwd, { now, branch })).plan,
    publisher: null,
    draft: false,
    repositoryUrl: `https://github.com/${repository}`,
    now,
    production: null,
    releaseName: null,
    ...(options.labelAfterPublish ? { labelAfterPublish: true } : {}),
  });
  return { cwd, outcome };
}
const released = (outcome: Awaited<ReturnType<typeof releaseWorkflow>>['outcome']) =>
  outcome.kind === 'released' ? outcome.releases.flatMap((r) => r.tagsCreated).sort() : [];

/**
 * Merges as GitHub does when the base moved after the pull request was built (allowed unless
 * branch protection requires it to be up to date): a real three-way merge of the two tips.
 * `message` stands for the repository's squash setting.
 */
function mergeOnGitHub(number: number, method: 'merge' | 'squash', message?: string): string {
  const pr = pull(number);
  const git = data();
  const base = git.git(['rev-parse', `refs/heads/${pr.base}`]);
  const head = git.git(['rev-parse', `refs/heads/${pr.head}`]);
  const tree = git.git(['merge-tree', '--write-tree', base, head]).split('\n')[0]!;
  const text =
    message ??
    (method === 'merge'
      ? `Merge pull request #${number} from acme/${pr.head}\n\n${pr.title}`
      : git.git(['log', '-1', '--format=%B', head]));
  const parents = method === 'merge' ? ['-p', base, '-p', head] : ['-p', base];
  const sha = git.git(['commit-tree', tree, ...parents], {
    input: text,
    env: {
      GIT_AUTHOR_NAME: 'A Maintainer',
      GIT_AUTHOR_EMAIL: 'maintainer@example.com',
      GIT_COMMITTER_NAME: 'GitHub',
      GIT_COMMITTER_EMAIL: 'noreply@github.com',
    },
  });
  git.git(['update-ref', `refs/heads/${pr.base}`, sha, base]);
  Object.assign(pr, { state: 'closed', merged: true, mergeCommit: sha });
  return sha;
}

function aRepository(config?: string, packages = [acmeCore, acmeApi]) {
  developer = aMonorepo(packages, config);
  tagAll(developer, packages);
  origin = GitRepo.create({ bare: true });
  developer.git('remote', 'add', 'origin', origin.dir);
  developer.git('push', '-q', 'origin', 'main', '--tags');
  server.serveGitData(repository, origin.dir);
}

beforeEach(async () => {
  server = await GitHubApiServer.start();
});

afterEach(async () => {
  if (server.violations.length) console.log(server.violations.join('\n').slice(0, 3000));
  await server.close();
  developer.remove();
  origin.remove();
  for (const dir of cleanup.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('a release pull request merged after the base branch moved', () => {
  beforeEach(() => aRepository());

  it('merge commit: the release commit (its second parent) is tagged, the new commit goes to the next release', async () => {
    developer.commit('feat(core): add a cache', ['packages/core/cache.js']);
    developerPush();
    expect((await releaseWorkflow()).outcome.kind).toBe('pull-requests');
    // a push lands while the release PR waits; it is merged before a run rebuilt it
    developer.commit('feat(api): stream results', ['packages/api/stream.js']);
    developerPush();
    const merge = mergeOnGitHub(1, 'merge');

    const { outcome } = await releaseWorkflow();
    expect(released(outcome)).toEqual(['@acme/api@0.4.2', '@acme/core@1.3.0']);
    const releaseCommit = data().git(['rev-parse', `${merge}^2`]);
    expect(tagged('@acme/core@1.3.0')).toBe(releaseCommit);
    expect(pull(1).labels).toEqual([releaseLabels.released]);

    // the next push proposes the commit that came in meanwhile, on top of what was released
    developer.git('pull', '-q', 'origin', 'main');
    developer.commit('chore: tidy', ['notes.txt']);
    developerPush();
    const next = (await releaseWorkflow()).outcome;
    expect(next.kind).toBe('pull-requests');
    expect(pull(2).title).toBe('chore(release): @acme/api@0.5.0');
    expect(server.violations).toEqual([]);
  });

  it('squash with the title only (no trailer): the pull request itself names the release commit', async () => {
    developer.commit('feat(core): add a cache', ['packages/core/cache.js']);
    developerPush();
    await releaseWorkflow();
    developer.commit('docs: a note', ['notes.txt']);
    developerPush();
    const squash = mergeOnGitHub(1, 'squash', `${pull(1).title} (#1)\n`);

    const { outcome } = await releaseWorkflow();
    expect(released(outcome)).toEqual(['@acme/api@0.4.2', '@acme/core@1.3.0']);
    expect(tagged('@acme/core@1.3.0')).toBe(squash);
    expect(pull(1).labels).toEqual([releaseLabels.released]);
    expect(server.violations).toEqual([]);
  });

  it('squash with title and description: the body carries the trailer, so a re-run after the label moved finds it', async () => {
    developer.commit('feat(core): add a cache', ['packages/core/cache.js']);
    developerPush();
    await releaseWorkflow();
    const squash = mergeOnGitHub(1, 'squash', `${pull(1).title} (#1)\n\n${pull(1).body}`);
    expect(released((await releaseWorkflow()).outcome)).toEqual(['@acme/api@0.4.2', '@acme/core@1.3.0']);
    expect(tagged('@acme/core@1.3.0')).toBe(squash);
    // re-run: the pull request is labelled released; HEAD itself is recognised, nothing new is made
    const rerun = (await releaseWorkflow()).outcome;
    expect(rerun.kind).toBe('released');
    expect(released(rerun)).toEqual([]);
    expect(server.violations).toEqual([]);
  });

  it('a merged pending release pull request that cannot be recognised fails the run, naming it', async () => {
    developer.commit('feat(core): add a cache', ['packages/core/cache.js']);
    developerPush();
    await releaseWorkflow();
    pull(1).body = 'Released by hand.'; // the marker naming the plan head is gone
    mergeOnGitHub(1, 'squash', 'Release\n');
    await expect(releaseWorkflow()).rejects.toThrow(/#1.*relx: pending/s);
    expect(tagged('@acme/core@1.3.0')).toBe('');
    expect(server.pullRequests.pulls).toHaveLength(1); // no second release pull request
  });
});

describe('release pull requests per component group', () => {
  beforeEach(() =>
    aRepository('releasePullRequest:\n  groups:\n    - name: api\n      components: ["@acme/api"]\n'),
  );

  it("merging one group's pull request tags only its members; the other group's merge tags the rest", async () => {
    developer.commit('feat(core): add a cache', ['packages/core/cache.js']);
    developerPush();
    const opened = (await releaseWorkflow()).outcome;
    expect(opened.kind === 'pull-requests' && opened.pullRequests.map((p) => p.branch)).toEqual([
      'relx/release',
      'relx/release--api',
    ]);
    expect(pull(1).title).toBe('chore(release): @acme/core@1.3.0');
    expect(pull(2).title).toBe('chore(release)(api): @acme/api@0.4.2');

    const apiMerge = mergeOnGitHub(2, 'merge');
    expect(released((await releaseWorkflow()).outcome)).toEqual(['@acme/api@0.4.2']);
    expect(tagged('@acme/api@0.4.2')).toBe(data().git(['rev-parse', `${apiMerge}^2`]));
    expect(tagged('@acme/core@1.3.0')).toBe(''); // the other group's release is its own pull request's
    expect(pull(1).labels).toEqual([releaseLabels.pending]);
    // a re-run after the label moved finds HEAD itself: the same release, nothing new
    const rerun = (await releaseWorkflow()).outcome;
    expect(
      rerun.kind === 'released' && rerun.releases.map((r) => r.result.components.map((c) => c.tag)),
    ).toEqual([['@acme/api@0.4.2']]);
    expect(released(rerun)).toEqual([]);

    const coreMerge = mergeOnGitHub(1, 'merge');
    expect(released((await releaseWorkflow()).outcome)).toEqual(['@acme/core@1.3.0']);
    expect(tagged('@acme/core@1.3.0')).toBe(data().git(['rev-parse', `${coreMerge}^2`]));
    expect(data().git(['show', `${tagged('@acme/core@1.3.0')}:packages/core/package.json`])).toContain(
      '"version": "1.3.0"',
    );
    expect(pull(1).labels).toEqual([releaseLabels.released]);
    expect(pull(2).labels).toEqual([releaseLabels.released]);
    expect(server.violations).toEqual([]);
  });
});

describe('a maintenance line in release-PR mode', () => {
  beforeEach(() => aRepository('maintenance:\n  - branch: release/*\n    range: ">=0.4.0 <2.0.0"\n'));

  it("gets its own release pull request branch: the default branch's is not force-pushed over", async () => {
    developer.git('branch', 'release/1.x');
    developer.commit('feat(core): add a cache', ['packages/core/cache.js']);
    developerPush();
    await releaseWorkflow();
    const mainPr = () => data().git(['rev-parse', 'refs/heads/relx/release']);
    const before = mainPr();

    developer.checkout('release/1.x');
    developer.commit('fix(core): handle a timeout', ['packages/core/timeout.js']);
    developerPush('release/1.x');
    const line = (await releaseWorkflow({ branch: 'release/1.x' })).outcome;
    expect(line.kind === 'pull-requests' && line.pullRequests[0]?.branch).toBe('relx/release--release-1.x');
    expect(mainPr()).toBe(before);
    expect(pull(2)).toMatchObject({ head: 'relx/release--release-1.x', base: 'release/1.x' });
    expect(pull(2).title).toBe('chore(release): @acme/api@0.4.2, @acme/core@1.2.1');
    expect(pull(1).title).toBe('chore(release): @acme/api@0.4.2, @acme/core@1.3.0');

    // merging the line's pull request releases the line only; the default branch's stays pending
    mergeOnGitHub(2, 'merge');
    expect(released((await releaseWorkflow({ branch: 'release/1.x' })).outcome)).toEqual([
      '@acme/api@0.4.2',
      '@acme/core@1.2.1',
    ]);
    expect(pull(1).labels).toEqual([releaseLabels.pending]);
    expect(mainPr()).toBe(before);
    expect(server.violations).toEqual([]);
  });
});

describe('a CalVer release pull request merged in the next month', () => {
  const web = { dir: 'web', name: '@acme/web', version: '2026.10.0' };
  beforeEach(() => aRepository('versioning: calver\n', [web]));

  it('is tagged with the version its files show, not one planned again at merge time', async () => {
    developer.commit('feat(web): a dark theme', ['packages/web/theme.css']);
    developerPush();
    await releaseWorkflow({ now: built });
    expect(pull(1).title).toBe('chore(release): @acme/web@2026.11.0');

    const merge = mergeOnGitHub(1, 'merge');
    const { outcome } = await releaseWorkflow({ now: mergedAt });
    expect(released(outcome)).toEqual(['@acme/web@2026.11.0']);
    expect(tagged('@acme/web@2026.11.0')).toBe(data().git(['rev-parse', `${merge}^2`]));
    expect(tagged('@acme/web@2026.12.0')).toBe('');
    expect(outcome.kind === 'released' && outcome.releases[0]?.result.components[0]?.version).toBe(
      '2026.11.0',
    );
    expect(server.violations).toEqual([]);
  });
});

describe('the released label after publishing', () => {
  beforeEach(() => aRepository());

  it('a merged release stays pending (tagged) until publishing is confirmed: a push meanwhile resumes it', async () => {
    developer.commit('feat(core): add a cache', ['packages/core/cache.js']);
    developerPush();
    await releaseWorkflow();
    const merge = mergeOnGitHub(1, 'merge');
    const first = (await releaseWorkflow({ labelAfterPublish: true })).outcome;
    expect(released(first)).toEqual(['@acme/api@0.4.2', '@acme/core@1.3.0']);
    expect(pull(1).labels).toEqual([releaseLabels.pending, releaseLabels.tagged]);

    // publishing failed, and a push lands before anyone re-runs it: that run resumes the release
    developer.git('pull', '-q', 'origin', 'main');
    developer.commit('feat(api): stream results', ['packages/api/stream.js']);
    developerPush();
    const resumed = (await releaseWorkflow({ labelAfterPublish: true })).outcome;
    expect(resumed.kind).toBe('released');
    expect(
      resumed.kind === 'released' && resumed.releases.map((r) => [r.pullRequest, r.result.commit]),
    ).toEqual([[1, data().git(['rev-parse', `${merge}^2`])]]);
    expect(released(resumed)).toEqual([]); // the tags are there: publishing runs again on the same outputs

    // the step after publishing and the manifest labels it released; the next push plans anew
    await labelReleasesPublished({ pulls: new GitHubPullRequests(request(), 'acme', 'platform') }, [1]);
    await labelReleasesPublished({ pulls: new GitHubPullRequests(request(), 'acme', 'platform') }, [1]);
    expect(pull(1).labels).toEqual([releaseLabels.released]);
    const next = (await releaseWorkflow({ labelAfterPublish: true })).outcome;
    expect(next.kind).toBe('pull-requests');
    expect(pull(2).title).toBe('chore(release): @acme/api@0.5.0');
    expect(server.violations).toEqual([]);
  });
});
