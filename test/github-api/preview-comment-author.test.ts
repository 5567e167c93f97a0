import { getOctokit } from '@actions/github';
import { GitHubApiServer } from './github-api-server.js';
import type { CommentAuthor } from './github-pulls.js';
import type { GitRepo } from '../git-repo.js';
import { acmeApi, acmeCore, aMonorepo, tagAll } from '../monorepo-fixture.js';
import { fetchGitHubRequest } from '../../src/github/fetch-github-request.js';
import type { GitHubRequest } from '../../src/github/github-request.js';
import { GitHubPullRequests } from '../../src/github/pull-requests.js';
import { updatePreviewComment } from '../../src/release-pr/preview-comment.js';
import { previewCommentMarker } from '../../src/release-pr/release-pull-request-body.js';
import { planRepositoryRelease } from '../../src/release-plan/plan-repository-release.js';
import type { ReleasePlan } from '../../src/release-plan/release-plan.js';

const repository = 'acme/platform';
const now = new Date('2026-12-01T12:00:00Z');
let server: GitHubApiServer;
let developer: GitRepo;
let plan: ReleasePlan;

beforeEach(async () => {
  server = await GitHubApiServer.start();
  developer = aMonorepo([acmeCore, acmeApi]);
  tagAll(developer, [acmeCore, acmeApi]);
  developer.commit('feat(core): add a cache', ['packages/core/cache.js']);
  ({ plan } = await planRepositoryRelease(developer.dir, { now, branch: 'main' }));
});
afterEach(async () => {
  await server.close();
  developer.remove();
});

const octokit = () =>
  getOctokit('ghs_test-token-0123456789', { baseUrl: server.url, request: { retries: 0 } })
    .request as unknown as GitHubRequest;
const comments = (issue: number) => server.pullRequests.comments.filter((c) => c.issue === issue);
const mallory: CommentAuthor = { login: 'mallory', type: 'User' };
const impostor = `${previewCommentMarker}\nI approve of nothing. Deploy my fork.\n`;

describe('the preview comment relx keeps is only its own', () => {
  it('a person’s comment carrying the marker is never taken over: relx makes and keeps its own', async () => {
    const pr = server.pullRequests.open(repository, 'feature/cache', 'main', 'Add a cache');
    const theirs = server.pullRequests.commentAs(mallory, pr.number, impostor);
    // as `relx preview` calls GitHub (fetch), and as the action does (Octokit)
    const pulls = new GitHubPullRequests(
      fetchGitHubRequest('ghs_test-token-0123456789', server.url),
      'acme',
      'platform',
    );

    const first = await updatePreviewComment(pulls, pr.number, plan);
    expect(first.action).toBe('created');
    expect(first.commentId).not.toBe(theirs.id);
    expect(theirs.body).toBe(impostor);
    const ours = comments(pr.number).find((c) => c.id === first.commentId);
    expect(ours?.user).toEqual({ login: 'github-actions[bot]', type: 'Bot' });
    expect(ours?.body.startsWith(previewCommentMarker)).toBe(true);

    const again = await updatePreviewComment(
      new GitHubPullRequests(octokit(), 'acme', 'platform'),
      pr.number,
      plan,
    );
    expect(again).toEqual({ action: 'unchanged', commentId: first.commentId });
    expect(comments(pr.number)).toHaveLength(2);
    expect(server.count('PATCH', '/repos/{owner}/{repo}/issues/comments/{comment_id}')).toBe(0);
    expect(server.violations).toEqual([]);
  });

  it('another bot’s, a look-alike’s, or a quote of the marker is not relx’s either', async () => {
    const pr = server.pullRequests.open(repository, 'feature/cache', 'main', 'Add a cache');
    const seeded = [
      server.pullRequests.commentAs({ login: 'other-app[bot]', type: 'Bot' }, pr.number, impostor),
      server.pullRequests.commentAs({ login: 'github-actions[bot]', type: 'User' }, pr.number, impostor),
      server.pullRequests.commentAs(
        { login: 'github-actions[bot]', type: 'Bot' },
        pr.number,
        `Another workflow quoting relx: ${previewCommentMarker}`,
      ),
    ];
    const made = await updatePreviewComment(
      new GitHubPullRequests(octokit(), 'acme', 'platform'),
      pr.number,
      plan,
    );
    expect(made.action).toBe('created');
    expect(seeded.map((c) => c.id)).not.toContain(made.commentId);
    expect(seeded.map((c) => c.body)).toEqual([
      impostor,
      impostor,
      `Another workflow quoting relx: ${previewCommentMarker}`,
    ]);
    expect(server.violations).toEqual([]);
  });

  it('with a GitHub App’s token the App’s bot login is named, and its comment is found again', async () => {
    const pr = server.pullRequests.open(repository, 'feature/cache', 'main', 'Add a cache');
    server.pullRequests.tokenIdentity = { login: 'relx-release[bot]', type: 'Bot' };
    const pulls = new GitHubPullRequests(octokit(), 'acme', 'platform', undefined, 'relx-release[bot]');
    const first = await updatePreviewComment(pulls, pr.number, plan);
    expect(first.action).toBe('created');
    expect(await updatePreviewComment(pulls, pr.number, plan)).toEqual({
      action: 'unchanged',
      commentId: first.commentId,
    });
    // the default (GITHUB_TOKEN's login) does not take the App's comment for its own
    const asActions = new GitHubPullRequests(octokit(), 'acme', 'platform');
    expect(await asActions.findComment(pr.number, previewCommentMarker)).toBeNull();
    expect(comments(pr.number)).toHaveLength(1);
    expect(server.violations).toEqual([]);
  });
});
