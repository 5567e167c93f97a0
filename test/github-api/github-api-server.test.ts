import { getOctokit } from '@actions/github';
import { GitHubReleasePublisher } from '../../src/github/github-release-publisher.js';
import type { GitHubRequest } from '../../src/github/github-request.js';
import { GitHubApiServer } from './github-api-server.js';

let server: GitHubApiServer;
beforeEach(async () => {
  server = await GitHubApiServer.start();
});
afterEach(() => server.close());

const octokit = (token = 'ghs_test') => getOctokit(token, { baseUrl: server.url, request: { retries: 0 } });
const noSleep = async () => {};

describe('the GitHub API fixture checks requests against the OpenAPI description', () => {
  it('answers a valid request and records it', async () => {
    const { data } = await octokit().request('POST /repos/{owner}/{repo}/releases', {
      owner: 'acme',
      repo: 'platform',
      tag_name: 'core@1.3.0',
      name: 'core 1.3.0',
      draft: false,
    });
    expect(data.html_url).toBe('https://github.com/acme/platform/releases/tag/core@1.3.0');
    expect(server.violations).toEqual([]);
    expect(server.requests[0]).toMatchObject({ method: 'POST', template: '/repos/{owner}/{repo}/releases' });
  });

  it('refuses a body that does not fit the schema, and records the violation', async () => {
    await expect(
      octokit().request('POST /repos/{owner}/{repo}/releases', {
        owner: 'acme',
        repo: 'platform',
        tag_name: 'x',
        draft: 'yes' as unknown as boolean,
      }),
    ).rejects.toMatchObject({ status: 422 });
    expect(server.violations).toEqual([expect.stringMatching(/releases: body: .*draft must be boolean/)]);
  });

  it('refuses an operation GitHub does not have, a bad path parameter, and a call without a token', async () => {
    await expect(
      octokit().request('POST /repos/{owner}/{repo}/releasez', { owner: 'a', repo: 'b' }),
    ).rejects.toMatchObject({ status: 404 });
    await expect(
      octokit().request('PATCH /repos/{owner}/{repo}/releases/{release_id}', {
        owner: 'a',
        repo: 'b',
        release_id: 'abc' as unknown as number,
      }),
    ).rejects.toMatchObject({ status: 422 });
    expect(server.violations).toHaveLength(2);
    const anonymous = await fetch(`${server.url}/repos/a/b`);
    expect(anonymous.status).toBe(401);
  });

  it('records repository_dispatch with its payload', async () => {
    await octokit().request('POST /repos/{owner}/{repo}/dispatches', {
      owner: 'acme',
      repo: 'deploy',
      event_type: 'relx-release-published',
      client_payload: { manifest: 'releases/2026.11.0.yaml' },
    });
    expect(server.dispatches).toEqual([
      {
        repository: 'acme/deploy',
        event_type: 'relx-release-published',
        client_payload: { manifest: 'releases/2026.11.0.yaml' },
      },
    ]);
    expect(server.violations).toEqual([]);
  });
});

describe('GitHub Releases through the publisher', () => {
  const publisher = () =>
    new GitHubReleasePublisher(octokit().request as unknown as GitHubRequest, 'acme', 'platform', noSleep);
  const release = {
    tag: 'core@1.3.0',
    name: 'core 1.3.0',
    body: '### Features\n\n* x',
    draft: false,
    prerelease: false,
  };

  it('creates a release once; a second call finds it', async () => {
    expect(await publisher().ensureRelease(release)).toEqual({
      url: 'https://github.com/acme/platform/releases/tag/core@1.3.0',
      created: true,
    });
    expect(await publisher().ensureRelease(release)).toMatchObject({ created: false });
    expect(server.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
    expect(server.violations).toEqual([]);
  });

  it('finds a draft, which GitHub does not return by tag', async () => {
    await publisher().ensureRelease({ ...release, draft: true });
    expect(await publisher().ensureRelease({ ...release, draft: true })).toMatchObject({ created: false });
    expect(server.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
  });

  it('retries 5xx and 429, then succeeds once', async () => {
    server.failNext('POST', '/repos/{owner}/{repo}/releases', 502, 1);
    server.failNext('GET', '/repos/{owner}/{repo}/releases/tags/{tag}', 429, 1);
    expect(await publisher().ensureRelease(release)).toMatchObject({ created: true });
    expect(server.requests.filter((r) => r.method === 'POST')).toHaveLength(2);
    expect(server.violations).toEqual([]);
  });

  it('gives up after repeated failures with a transient error that says a re-run is safe', async () => {
    server.failNext('GET', '/repos/{owner}/{repo}/releases/tags/{tag}', 503, 10);
    await expect(publisher().ensureRelease(release)).rejects.toMatchObject({
      kind: 'transient',
      fix: expect.stringContaining('Re-run'),
    });
  });
});
