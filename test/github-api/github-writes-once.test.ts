import { createServer, type Server } from 'node:http';
import { getOctokit } from '@actions/github';
import { GitHubApiServer } from './github-api-server.js';
import { freePort } from '../free-port.js';
import { GitHubDeployments } from '../../src/github/github-deployments.js';
import { GitHubReleasePublisher } from '../../src/github/github-release-publisher.js';
import { requestWithRetry, type GitHubRequest } from '../../src/github/github-request.js';
import { sendRepositoryDispatch } from '../../src/github/repository-dispatch.js';

let server: GitHubApiServer;
beforeEach(async () => {
  server = await GitHubApiServer.start();
});
afterEach(() => server.close());

const request = (baseUrl = server.url) =>
  getOctokit('ghs_test-token-0123456789', { baseUrl, request: { retries: 0 } })
    .request as unknown as GitHubRequest;
const noWait = async () => {};
const dispatch = {
  repository: 'acme/deploy',
  eventType: 'relx-release-published',
  payload: { release: 'r1' },
};
const dispatches = '/repos/{owner}/{repo}/dispatches';
const deploymentsRoute = '/repos/{owner}/{repo}/deployments';

describe('a repository_dispatch is sent at most once by relx', () => {
  it('is not sent again when GitHub answers 502 after it was delivered, and says how to check', async () => {
    server.landThenFail('POST', dispatches, 502);
    await expect(sendRepositoryDispatch(request(), dispatch, noWait)).rejects.toMatchObject({
      kind: 'transient',
      message:
        'GitHub POST /repos/acme/deploy/dispatches answered 502; it may have taken effect, so relx does not send it again.',
      fix: expect.stringContaining(
        `Look in acme/deploy's Actions for a run started by repository_dispatch "relx-release-published"`,
      ),
    });
    expect(server.count('POST', dispatches)).toBe(1);
    expect(server.dispatches).toHaveLength(1);
    expect(server.violations).toEqual([]);
  });

  it('is sent again after a 429: GitHub refused it without acting', async () => {
    server.failNext('POST', dispatches, 429);
    await sendRepositoryDispatch(request(), dispatch, noWait);
    expect(server.count('POST', dispatches)).toBe(2);
    expect(server.dispatches).toHaveLength(1);
  });

  it('is sent again when the connection was refused: it never left', async () => {
    let waits = 0;
    const closed = `http://127.0.0.1:${await freePort()}`;
    await expect(
      sendRepositoryDispatch(request(closed), dispatch, async () => void waits++),
    ).rejects.toMatchObject({
      message: expect.stringMatching(/did not answer: .*ECONNREFUSED.*tried 4 times/),
    });
    expect(waits).toBe(3);
  });
});

describe('a deployment is made once', () => {
  const deployments = () => new GitHubDeployments(request(), 'acme', 'deploy', async () => {});
  const promotion = {
    key: 'acme/deploy/runs/42/staging/2026.11.0',
    ref: 'main',
    environment: 'staging',
    description: 'relx: 2026.11.0 to staging',
    production: false,
    payload: { release: '2026.11.0' },
  };
  const made = async () =>
    (
      (await request()('GET /repos/{owner}/{repo}/deployments', { owner: 'acme', repo: 'deploy' }))
        .data as unknown[]
    ).length;

  it('when GitHub made it but the answer was lost (502), it is found, not made twice', async () => {
    server.landThenFail('POST', deploymentsRoute, 502);
    const id = await deployments().start(promotion);
    expect(await made()).toBe(1);
    expect(server.count('POST', deploymentsRoute)).toBe(1);
    const statuses = (
      await request()('GET /repos/{owner}/{repo}/deployments/{deployment_id}/statuses', {
        owner: 'acme',
        repo: 'deploy',
        deployment_id: id,
      })
    ).data as Array<{ state: string }>;
    expect(statuses.map((s) => s.state)).toEqual(['in_progress']);
    expect(server.violations).toEqual([]);
  });

  it('when the 502 came before GitHub made it, it is made on the next attempt', async () => {
    server.failNext('POST', deploymentsRoute, 502);
    await deployments().start(promotion);
    expect(await made()).toBe(1);
    expect(server.count('POST', deploymentsRoute)).toBe(2);
  });

  it('a re-run of the job finds the deployment it made', async () => {
    const first = await deployments().start(promotion);
    expect(await deployments().start(promotion)).toBe(first);
    expect(
      await deployments().start({ ...promotion, key: 'acme/deploy/runs/43/staging/2026.11.0' }),
    ).not.toBe(first);
    expect(await made()).toBe(2);
  });

  it('a status whose answer was lost is not posted twice', async () => {
    const id = await deployments().start(promotion);
    server.landThenFail('POST', '/repos/{owner}/{repo}/deployments/{deployment_id}/statuses', 503);
    await deployments().status(id, 'success', 'staging runs 2026.11.0');
    const statuses = (
      await request()('GET /repos/{owner}/{repo}/deployments/{deployment_id}/statuses', {
        owner: 'acme',
        repo: 'deploy',
        deployment_id: id,
      })
    ).data as Array<{ state: string }>;
    expect(statuses.map((s) => s.state)).toEqual(['success', 'in_progress']);
  });
});

it('a GitHub Release whose answer was lost is found, not made twice', async () => {
  server.landThenFail('POST', '/repos/{owner}/{repo}/releases', 502);
  const publisher = new GitHubReleasePublisher(request(), 'acme', 'platform', async () => {});
  const release = { tag: 'core@1.3.0', name: 'core 1.3.0', body: 'x', draft: false, prerelease: false };
  expect(await publisher.ensureRelease(release)).toMatchObject({ created: true });
  expect(server.count('POST', '/repos/{owner}/{repo}/releases')).toBe(1);
});

describe('a GitHub that stalls', () => {
  let stalled: Server;
  let stalledRequests = 0;
  let url = '';
  beforeAll(async () => {
    stalled = createServer(() => void stalledRequests++); // accepts and never answers
    await new Promise<void>((r) => stalled.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(stalled.address() as { port: number }).port}`;
  });
  afterAll(() => {
    stalled.closeAllConnections();
    return new Promise<void>((r) => stalled.close(() => r()));
  });

  it('is cut off per attempt and overall, with what it waited for', async () => {
    const started = Date.now();
    await expect(
      requestWithRetry(
        request(url),
        'GET /repos/{owner}/{repo}',
        { owner: 'acme', repo: 'deploy' },
        {
          policy: {
            attempts: 10,
            attemptTimeoutMs: 200,
            overallTimeoutMs: 700,
            baseDelayMs: 20,
            maxDelayMs: 20,
          },
          onProgress: () => {},
        },
      ),
    ).rejects.toMatchObject({
      kind: 'transient',
      message: expect.stringMatching(
        /^GitHub GET \/repos\/acme\/deploy did not answer within \d+ ms \(tried \d times over (\d+ ms|\d\.\d s); no time left of the 700 ms allowed\)\.$/,
      ),
    });
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('a dispatch that times out may have been delivered: it is sent once', async () => {
    stalledRequests = 0;
    await expect(
      sendRepositoryDispatch(request(url), dispatch, {
        policy: { attemptTimeoutMs: 200 },
        onProgress: () => {},
      }),
    ).rejects.toMatchObject({
      message:
        'GitHub POST /repos/acme/deploy/dispatches did not answer within 200 ms; it may have taken effect, so relx does not send it again.',
    });
    expect(stalledRequests).toBe(1);
  });
});
