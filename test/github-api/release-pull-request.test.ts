import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getOctokit } from '@actions/github';
import { GitHubApiServer } from './github-api-server.js';
import { GitRepo } from '../git-repo.js';
import { acmeApi, acmeCore, aMonorepo, tagAll } from '../monorepo-fixture.js';
import { GitDataApi } from '../../src/github/git-data-api.js';
import type { GitHubRequest } from '../../src/github/github-request.js';
import { GitHubPullRequests } from '../../src/github/pull-requests.js';
import { fetchGitHubRequest } from '../../src/github/fetch-github-request.js';
import { updatePreviewComment } from '../../src/release-pr/preview-comment.js';
import { previewCommentMarker, releaseLabels } from '../../src/release-pr/release-pull-request-body.js';
import {
  findMergedReleases,
  releaseMergedPullRequest,
  updateReleasePullRequest,
  type ReleasePullRequestContext,
} from '../../src/release-pr/release-pull-request.js';
import { planRepositoryRelease } from '../../src/release-plan/plan-repository-release.js';
import { applyReleasePlanThroughApi, commitThroughApi } from '../../src/release-pr/verified-commits.js';

const repository = 'acme/platform';
const now = new Date('2026-12-01T12:00:00Z');
let server: GitHubApiServer;
let origin: GitRepo;
let developer: GitRepo;
const cleanup: string[] = [];

const request = () =>
  getOctokit('ghs_test-token-0123456789', { baseUrl: server.url, request: { retries: 0 } })
    .request as unknown as GitHubRequest;
const pulls = () => new GitHubPullRequests(request(), 'acme', 'platform', async () => {});
// fixed dates: GitHub's refs/pull/N/merge is the same commit until the branch or its base moves
const fixedDates = { GIT_AUTHOR_DATE: '2026-12-01T12:00:00Z', GIT_COMMITTER_DATE: '2026-12-01T12:00:00Z' };
const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, ...fixedDates },
    stdio: ['ignore', 'pipe', 'pipe'],
  }).trim();
const developerPush = (ref = 'main') =>
  execFileSync('git', ['push', '-q', 'origin', `HEAD:refs/heads/${ref}`], {
    cwd: developer.dir,
    env: { ...process.env, DEVELOPER_PUSH: '1' },
    stdio: 'pipe',
  });

/** A workflow run's checkout: a fresh full clone of the default branch, as actions/checkout makes. */
function checkout(): string {
  const dir = mkdtempSync(join(tmpdir(), 'relx-runner-'));
  cleanup.push(dir);
  git(tmpdir(), 'clone', '-q', origin.dir, dir);
  git(dir, 'config', 'user.name', 'github-actions[bot]');
  git(dir, 'config', 'user.email', 'bot@relx.invalid');
  return dir;
}

function context(cwd: string): ReleasePullRequestContext {
  const remote = { remote: 'origin', branch: 'main' };
  return {
    cwd,
    base: 'main',
    branchPrefix: 'relx/release',
    pulls: pulls(),
    remote,
    verified: { ...remote, api: new GitDataApi(request(), 'acme', 'platform', async () => {}) },
    repositoryUrl: `https://github.com/${repository}`,
    now,
    manifest: {
      name: null,
      production: new Map([['@acme/core', '1.2.0']]),
      environments: ['staging', 'production'],
    },
  };
}

/** What release.yml does on a push to the default branch in release-PR mode. */
async function releaseWorkflow(verified = true) {
  const cwd = checkout();
  const ctx = { ...context(cwd), ...(verified ? {} : { verified: null }) };
  const merged = await findMergedReleases(ctx);
  if (merged.length > 0) {
    const released = [];
    for (const m of merged) released.push(await releaseMergedPullRequest(ctx, m, { publisher: null }));
    return { cwd, released, pullRequest: null };
  }
  const { plan } = await planRepositoryRelease(cwd, { now, branch: 'main' });
  return { cwd, released: [], pullRequest: await updateReleasePullRequest(ctx, plan) };
}

const pushLog = () => join(origin.dir, 'refused-pushes.log');

beforeEach(async () => {
  server = await GitHubApiServer.start();
  developer = aMonorepo([acmeCore, acmeApi]);
  tagAll(developer, [acmeCore, acmeApi]);
  origin = GitRepo.create({ bare: true });
  developer.git('remote', 'add', 'origin', origin.dir);
  developer.git('push', '-q', 'origin', 'main', '--tags');
  // Verified mode pushes nothing: any push that is not the developer's is refused and logged.
  const hook = join(origin.dir, 'hooks', 'pre-receive');
  writeFileSync(
    hook,
    `#!/bin/sh\n[ "$DEVELOPER_PUSH" = 1 ] && exit 0\ncat >> "${pushLog()}"\necho "pushes are refused: commits go through the API" >&2\nexit 1\n`,
  );
  chmodSync(hook, 0o755);
  server.serveGitData(repository, origin.dir);
});

afterEach(async () => {
  if (server.violations.length) console.log(server.violations.join('\n').slice(0, 3000));
  await server.close();
  developer.remove();
  origin.remove();
  for (const dir of cleanup.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('release pull request mode, verified commits, against the OpenAPI-checked GitHub', () => {
  it('a push opens it, a second updates it, merging releases once, a re-run releases nothing new', async () => {
    developer.commit('feat(core): add a cache', ['packages/core/cache.js']);
    developerPush();
    const first = await releaseWorkflow();
    expect(first.pullRequest).toMatchObject({
      action: 'opened',
      pullRequest: { number: 1 },
      branch: 'relx/release',
    });
    const data = server.gitData(repository)!;
    const pull = () => server.pullRequests.pulls[0]!;
    expect(server.pullRequests.pulls).toHaveLength(1);
    expect(pull()).toMatchObject({ head: 'relx/release', base: 'main', labels: [releaseLabels.pending] });
    expect(pull().title).toBe('chore(release): @acme/api@0.4.2, @acme/core@1.3.0');
    // the body: the plan with every reason (propagation too), the manifest against production, environments
    expect(pull().body).toContain('feat(core): add a cache');
    expect(pull().body).toContain('dependency @acme/core 1.2.0 → 1.3.0');
    expect(pull().body).toContain('| component | in production | this release |');
    expect(pull().body).toContain('| `@acme/core` | 1.2.0 | 1.3.0 (`@acme/core@1.3.0`) |');
    expect(pull().body).toContain('Goes to: `staging` → `production`.');
    const branchTip = () => data.git(['rev-parse', 'refs/heads/relx/release']);
    expect(data.verified.has(branchTip())).toBe(true);
    expect(data.git(['rev-parse', `${branchTip()}^`])).toBe(data.git(['rev-parse', 'refs/heads/main']));
    expect(data.git(['show', `${branchTip()}:packages/core/package.json`])).toContain('"version": "1.3.0"');

    developer.commit('fix(api): handle timeouts', ['packages/api/timeouts.js']);
    developerPush();
    const second = await releaseWorkflow();
    expect(second.pullRequest).toMatchObject({ action: 'updated', pullRequest: { number: 1 } });
    expect(server.pullRequests.pulls).toHaveLength(1);
    expect(pull().body).toContain('fix(api): handle timeouts');
    expect(data.git(['rev-parse', `${branchTip()}^`])).toBe(data.git(['rev-parse', 'refs/heads/main']));
    expect(server.count('POST', '/repos/{owner}/{repo}/pulls')).toBe(1);

    // a re-run on the same head changes nothing
    const commitsMade = server.count('POST', '/repos/{owner}/{repo}/git/commits');
    expect((await releaseWorkflow()).pullRequest).toMatchObject({ action: 'unchanged' });
    expect(server.count('POST', '/repos/{owner}/{repo}/git/commits')).toBe(commitsMade);
    expect(server.count('PATCH', '/repos/{owner}/{repo}/pulls/{pull_number}')).toBe(1);

    const merge = server.pullRequests.merge(repository, 1, 'merge');
    const release = await releaseWorkflow();
    expect(release.released).toHaveLength(1);
    const [released] = release.released;
    expect(released?.tagsCreated.sort()).toEqual(['@acme/api@0.4.2', '@acme/core@1.3.0']);
    // the merge brings the release commit in as its second parent: that commit, GitHub's, is tagged
    const releaseCommit = data.git(['rev-parse', `${merge}^2`]);
    expect(data.verified.has(releaseCommit)).toBe(true);
    expect(released?.result.commit).toBe(releaseCommit);
    for (const tag of ['@acme/api@0.4.2', '@acme/core@1.3.0']) {
      const tagObject = data.git(['rev-parse', `refs/tags/${tag}`]);
      expect(data.verified.has(tagObject)).toBe(true); // made through the API
      expect(data.git(['rev-parse', `${tagObject}^{commit}`])).toBe(releaseCommit);
      expect(git(release.cwd, 'rev-parse', `refs/tags/${tag}`)).toBe(tagObject); // the checkout has GitHub's
    }
    expect(git(release.cwd, 'rev-parse', 'HEAD')).toBe(merge);
    expect(pull().labels).toEqual([releaseLabels.released]);

    // re-running the merge workflow releases nothing new
    const tagsMade = server.count('POST', '/repos/{owner}/{repo}/git/tags');
    const rerun = await releaseWorkflow();
    expect(rerun.released[0]?.tagsCreated).toEqual([]);
    expect(rerun.released[0]?.result.components.map((c) => c.tagCreated)).toEqual([false, false]);
    expect(server.count('POST', '/repos/{owner}/{repo}/git/tags')).toBe(tagsMade);
    expect(server.count('POST', '/repos/{owner}/{repo}/git/commits')).toBe(commitsMade); // the merge is GitHub's, not relx's

    // the next push finds nothing to release: no new release pull request
    developer.git('pull', '-q', 'origin', 'main');
    developer.commit('chore: tidy', ['notes.txt']);
    developerPush();
    expect((await releaseWorkflow()).pullRequest).toMatchObject({ action: 'none' });
    expect(server.pullRequests.pulls).toHaveLength(1);

    // relx pushed nothing with git: every commit and tag it made came through the API
    expect(existsSync(pushLog()) ? readFileSync(pushLog(), 'utf8') : '').toBe('');
    // …and the hook that would have caught one does refuse a push from the runner
    expect(() => git(checkout(), 'push', '-q', 'origin', 'HEAD:refs/heads/probe')).toThrow(
      /pushes are refused/,
    );
    expect(readFileSync(pushLog(), 'utf8')).toContain('refs/heads/probe');
    expect(server.violations).toEqual([]);
  });
});

describe('release pull request mode without verified commits', () => {
  it('pushes the PR branch and, once squash-merged, the tags with git', async () => {
    rmSync(join(origin.dir, 'hooks', 'pre-receive'));
    developer.commit('feat(core): add a cache', ['packages/core/cache.js']);
    developerPush();
    expect((await releaseWorkflow(false)).pullRequest).toMatchObject({ action: 'opened' });
    const data = server.gitData(repository)!;
    const branchTip = data.git(['rev-parse', 'refs/heads/relx/release']);
    expect(data.verified.has(branchTip)).toBe(false); // pushed, not made by GitHub
    const squash = server.pullRequests.merge(repository, 1, 'squash');
    const release = await releaseWorkflow(false);
    expect(release.released[0]?.result).toMatchObject({ commit: squash, pushed: true });
    expect(data.git(['rev-parse', 'refs/tags/@acme/core@1.3.0^{commit}'])).toBe(squash);
    expect(server.pullRequests.pulls[0]?.labels).toEqual([releaseLabels.released]);
    expect(server.count('POST', '/repos/{owner}/{repo}/git/commits')).toBe(0);
    expect((await releaseWorkflow(false)).released[0]?.tagsCreated).toEqual([]);
    expect(server.violations).toEqual([]);
  });
});

describe('direct mode with verified commits', () => {
  it('makes the release commit, a later manifest-style commit and the tags through the API; the checkout ends on them', async () => {
    developer.commit('feat(core): add a cache', ['packages/core/cache.js']);
    developerPush();
    const cwd = checkout();
    const { plan } = await planRepositoryRelease(cwd, { now, branch: 'main' });
    const target = context(cwd).verified!;
    const options = { dryRun: false, repositoryUrl: null, now, publisher: null };
    const result = await applyReleasePlanThroughApi(cwd, plan, options, target);
    const data = server.gitData(repository)!;
    const main = () => data.git(['rev-parse', 'refs/heads/main']);
    expect(result.commit).toBe(main());
    expect(data.verified.has(main())).toBe(true);
    expect(data.git(['rev-parse', `${main()}^`])).toBe(plan.head);
    expect(git(cwd, 'rev-parse', 'HEAD')).toBe(main());
    expect(git(cwd, 'status', '--porcelain')).toBe('');
    expect(result.tagsCreated.sort()).toEqual(['@acme/api@0.4.2', '@acme/core@1.3.0']);
    for (const tag of result.tagsCreated) {
      expect(data.verified.has(data.git(['rev-parse', `refs/tags/${tag}`]))).toBe(true);
      expect(git(cwd, 'rev-parse', `refs/tags/${tag}`)).toBe(data.git(['rev-parse', `refs/tags/${tag}`]));
    }

    // the manifest commit write-manifest makes locally goes the same way
    writeFileSync(join(cwd, 'release-manifest.yaml'), 'apiVersion: relx.dev/v1\n');
    git(cwd, 'add', 'release-manifest.yaml');
    git(cwd, 'commit', '-q', '-m', 'chore(release): manifest 2026.12.0');
    const local = git(cwd, 'rev-parse', 'HEAD');
    const made = await commitThroughApi(cwd, target);
    expect(made.get(local)).toBe(main());
    expect(data.verified.has(main())).toBe(true);
    expect(git(cwd, 'rev-parse', 'HEAD')).toBe(main());
    expect(data.git(['show', `${main()}:release-manifest.yaml`])).toBe('apiVersion: relx.dev/v1');

    // a re-run of the whole step releases nothing new
    const again = await applyReleasePlanThroughApi(checkout(), plan, options, { ...target });
    expect(again.tagsCreated).toEqual([]);
    expect(server.count('POST', '/repos/{owner}/{repo}/git/commits')).toBe(2);
    expect(existsSync(pushLog())).toBe(false);
    expect(server.violations).toEqual([]);
  });
});

describe('a preview comment on a pull request', () => {
  /** What the preview job does: plan the pull request's merge commit (refs/pull/N/merge), comment. */
  async function preview(number: number, branch: string) {
    const cwd = checkout();
    git(cwd, 'fetch', '-q', 'origin', `refs/heads/${branch}`);
    git(cwd, 'checkout', '-q', '--detach', 'main');
    git(cwd, 'merge', '-q', '--no-ff', '-m', `Merge ${branch} into main`, 'FETCH_HEAD');
    const { plan } = await planRepositoryRelease(cwd, { now, branch: 'main' });
    // as `relx preview` calls GitHub: fetch, not Octokit
    const cli = fetchGitHubRequest('ghs_test-token-0123456789', server.url);
    return updatePreviewComment(new GitHubPullRequests(cli, 'acme', 'platform'), number, plan);
  }
  const comments = (issue: number) => server.pullRequests.comments.filter((c) => c.issue === issue);

  it('is made once, updated when what merging would release changes, never repeated', async () => {
    developer.checkout('feature/cache', true);
    developer.commit('feat(core): add a cache', ['packages/core/cache.js']);
    developerPush('feature/cache');
    const pr = server.pullRequests.open(repository, 'feature/cache', 'main', 'Add a cache');

    expect(await preview(pr.number, 'feature/cache')).toMatchObject({ action: 'created' });
    expect(comments(pr.number)).toHaveLength(1);
    const [comment] = comments(pr.number);
    expect(comment?.body.startsWith(previewCommentMarker)).toBe(true);
    expect(comment?.body).toContain('releases 2 component(s)');
    expect(comment?.body).toContain('dependency @acme/core 1.2.0 → 1.3.0'); // propagation

    expect(await preview(pr.number, 'feature/cache')).toMatchObject({ action: 'unchanged' });
    developer.commit('feat(api)!: drop the v1 routes', ['packages/api/routes.js']);
    developerPush('feature/cache');
    expect(await preview(pr.number, 'feature/cache')).toMatchObject({
      action: 'updated',
      commentId: comment?.id,
    });
    expect(comments(pr.number)).toHaveLength(1);
    expect(comments(pr.number)[0]?.body).toContain('feat(api)!: drop the v1 routes');
    expect(server.count('POST', '/repos/{owner}/{repo}/issues/{issue_number}/comments')).toBe(1);
    expect(server.violations).toEqual([]);
  });

  it('is not made when merging would release nothing', async () => {
    developer.checkout('docs/readme', true);
    developer.commit('docs: explain the cache', ['README.md']);
    developerPush('docs/readme');
    const pr = server.pullRequests.open(repository, 'docs/readme', 'main', 'Docs');
    expect(await preview(pr.number, 'docs/readme')).toMatchObject({ action: 'none' });
    expect(comments(pr.number)).toEqual([]);
    expect(server.violations).toEqual([]);
  });
});
