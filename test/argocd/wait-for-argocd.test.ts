import { EnvironmentRevisions } from '../../src/engine/environment-revisions.js';
import { engineStatusSources } from '../../src/engine/engine-status-sources.js';
import { promoteEnvironment } from '../../src/promotion/promote-environment.js';
import { aGitOpsRepository, aRelease } from '../gitops/gitops-fixture.js';
import { waitForEngine } from '../../src/engine/wait-for-engine.js';
import { refusal } from '../expect-relx-error.js';
import { aSteppingClock } from '../stepping-clock.js';
import { anApplication, ArgoCdServer } from './argocd-server.js';

const commit = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';
const previous = '0123456789abcdef0123456789abcdef01234567';

let argocd: ArgoCdServer;
beforeEach(async () => {
  argocd = await ArgoCdServer.start();
});
afterEach(() => argocd.close());

const connection = (token = argocd.token) =>
  ({
    engine: 'argocd',
    url: argocd.url,
    application: 'shop-prod',
    token,
    field: { url: '--argocd-url', name: '--application', token: '--argocd-token' },
  }) as const;

async function waitFor(options: { timeoutMs?: number; token?: string } = {}) {
  const clock = aSteppingClock();
  const lines: string[] = [];
  const source = engineStatusSources.argocd(connection(options.token), commit, {
    clock,
    onProgress: (l) => lines.push(l),
  });
  const result = await waitForEngine(source, {
    timeoutMs: options.timeoutMs ?? 10 * 60_000,
    intervalMs: 10_000,
    clock,
    onProgress: (l) => lines.push(l),
  });
  return { result, lines, clock };
}

describe('waiting for Argo CD to apply a promotion commit', () => {
  it('synced and healthy at the commit → applied, after the states an application goes through', async () => {
    argocd.script(
      'shop-prod',
      { revision: previous, sync: 'Synced', health: 'Healthy' },
      { revision: commit, sync: 'OutOfSync', health: 'Healthy' },
      { revision: commit, sync: 'Synced', health: 'Progressing', operation: { phase: 'Running' } },
      { revision: commit, sync: 'Synced', health: 'Healthy', operation: { phase: 'Succeeded' } },
    );
    const { result, lines, clock } = await waitFor();
    expect(result).toEqual({
      outcome: 'applied',
      reason: 'a1b2c3d4e5f6 synced and healthy',
      elapsedMs: 30_000,
      polls: 4,
    });
    expect(clock.slept).toEqual([10_000, 10_000, 10_000]);
    expect(lines).toEqual([
      'relx: Argo CD application shop-prod: not at a1b2c3d4e5f6 yet (revision 0123456789ab, sync Synced, health Healthy) (0 ms of 600 s)',
      'relx: Argo CD application shop-prod: at a1b2c3d4e5f6, not healthy yet (revision a1b2c3d4e5f6, sync OutOfSync, health Healthy) (10 s of 600 s)',
      'relx: Argo CD application shop-prod: at a1b2c3d4e5f6, not healthy yet (revision a1b2c3d4e5f6, sync Synced, health Progressing, last sync Running) (20 s of 600 s)',
    ]);
    // the first reading asks for a refresh, the others only read; every one as Argo CD's API has it
    expect(argocd.requests.map((r) => r.query)).toEqual([{ refresh: 'normal' }, {}, {}, {}]);
    expect(argocd.requests.every((r) => r.path === '/api/v1/applications/shop-prod')).toBe(true);
    expect(argocd.violations).toEqual([]);
  });

  it('degraded at the commit → failed at once, with Argo CD\u2019s health message', async () => {
    argocd.script(
      'shop-prod',
      { revision: commit, sync: 'Synced', health: 'Progressing', operation: { phase: 'Running' } },
      {
        revision: commit,
        sync: 'Synced',
        health: 'Degraded',
        healthMessage: 'Deployment "api" exceeded its progress deadline',
        operation: { phase: 'Succeeded' },
      },
      { revision: commit, sync: 'Synced', health: 'Healthy' },
    );
    const { result } = await waitFor();
    expect(result.outcome).toBe('failed');
    expect(result.reason).toBe(
      'degraded at a1b2c3d4e5f6: Deployment "api" exceeded its progress deadline (revision a1b2c3d4e5f6, sync Synced, health Degraded, last sync Succeeded)',
    );
    expect(result.polls).toBe(2);
    expect(argocd.violations).toEqual([]);
  });

  it('a failed sync of the commit → failed, with the operation\u2019s message', async () => {
    argocd.script('shop-prod', {
      revision: commit,
      sync: 'OutOfSync',
      health: 'Healthy',
      operation: {
        phase: 'Failed',
        message: 'one or more objects failed to apply, reason: admission webhook denied',
      },
    });
    const { result } = await waitFor();
    expect(result).toMatchObject({
      outcome: 'failed',
      reason:
        'the sync of a1b2c3d4e5f6 failed: one or more objects failed to apply, reason: admission webhook denied',
    });
  });

  it('never synced → timeout at the deadline, failing closed with the last status', async () => {
    argocd.script('shop-prod', { revision: previous, sync: 'OutOfSync', health: 'Healthy' });
    const { result } = await waitFor({ timeoutMs: 60_000 });
    expect(result).toEqual({
      outcome: 'timeout',
      reason:
        'not applied and healthy within 60 s: not at a1b2c3d4e5f6 yet (revision 0123456789ab, sync OutOfSync, health Healthy)',
      elapsedMs: 60_000,
      polls: 7,
    });
    expect(argocd.violations).toEqual([]);
  });

  it('a 503 is retried within the reading; the wait goes on', async () => {
    argocd.script('shop-prod', { revision: commit, sync: 'Synced', health: 'Healthy' });
    argocd.failNext(503, 2);
    const { result, lines } = await waitFor();
    expect(result.outcome).toBe('applied');
    expect(lines.filter((l) => l.includes('answered 503'))).toHaveLength(2);
  });

  it('a wrong token ends the wait with an error naming the flag — and the token appears nowhere', async () => {
    argocd.script('shop-prod', { revision: commit, sync: 'Synced', health: 'Healthy' });
    const wrong = 'eyJhbGciOiJIUzI1NiJ9.wrong-token-value';
    const error = await refusal(waitFor({ token: wrong }));
    expect(error.field).toBe('--argocd-token');
    expect(error.message).toContain('refused the token (401)');
    expect(JSON.stringify({ message: error.message, fix: error.fix })).not.toContain(wrong);
    expect(argocd.requests[0]?.authorization).toBe(`Bearer ${wrong}`);
  });

  it('an application that does not exist (Argo CD: 403) → an error naming the application', async () => {
    const error = await refusal(waitFor());
    expect(error.message).toContain('refused the token (403)');
    expect(error.fix).toContain('an application that does not exist');
  });
});

describe('the Argo CD server checks against Argo CD\u2019s OpenAPI description', () => {
  it('rejects an answer that is not an Application: health as a string, a field Argo CD has not', async () => {
    const malformed = anApplication('shop-prod', { revision: commit, sync: 'Synced', health: 'Healthy' });
    (malformed.status as Record<string, unknown>).health = 'Healthy';
    argocd.answerNext(200, malformed);
    const typo = anApplication('shop-prod', { revision: commit, sync: 'Synced', health: 'Healthy' });
    (typo.status as Record<string, unknown>).syncStatus = 'Synced';
    argocd.answerNext(200, typo);
    const headers = { authorization: `Bearer ${argocd.token}` };
    await fetch(`${argocd.url}/api/v1/applications/shop-prod`, { headers });
    await fetch(`${argocd.url}/api/v1/applications/shop-prod`, { headers });
    expect(argocd.violations).toEqual([
      'answer to GET /api/v1/applications/shop-prod (200): response/status/health must be object',
      'answer to GET /api/v1/applications/shop-prod (200): response/status must NOT have additional properties',
    ]);
  });

  it('rejects requests the API does not have: an unknown path, an undeclared query parameter', async () => {
    const headers = { authorization: `Bearer ${argocd.token}` };
    expect((await fetch(`${argocd.url}/api/v1/application/shop-prod`, { headers })).status).toBe(404);
    expect(
      (await fetch(`${argocd.url}/api/v1/applications/shop-prod?revision=main`, { headers })).status,
    ).toBe(400);
    expect(argocd.violations).toEqual([
      "GET /api/v1/application/shop-prod: no such operation in Argo CD's OpenAPI description",
      'GET /api/v1/applications/{name}: undeclared query parameter revision',
    ]);
  });
});

/**
 * One GitOps repository for every environment: Argo CD's sync.revision is the branch tip, which a
 * promotion of another environment moves past ours. The GitOps clone decides (real git).
 */
describe('Argo CD at a later commit of the GitOps repository', () => {
  const promote = async (url: string, environment: string, name: string, seed: string) =>
    (
      await promoteEnvironment({ remote: { url }, environment }, aRelease(name, '1.4.0', seed), {
        hotfix: true,
      })
    ).commit as string;

  async function waitOnProd(url: string, ours: string) {
    const clock = aSteppingClock();
    const revisions = await EnvironmentRevisions.open({ url }, 'prod');
    try {
      const source = engineStatusSources.argocd(connection(), ours, { clock, ancestry: revisions });
      return await waitForEngine(source, {
        timeoutMs: 60_000,
        intervalMs: 10_000,
        clock,
        onProgress: () => {},
      });
    } finally {
      revisions.close();
    }
  }

  it('staging promoted right after prod (pushed after the wait began): prod counts as applied at the later tip', async () => {
    const { url } = aGitOpsRepository();
    const ours = await promote(url, 'prod', '2026.11.0', 'p');
    let staging = '';
    argocd.follow('shop-prod', () => ({
      revision: staging || ours,
      sync: staging ? 'Synced' : 'OutOfSync',
      health: 'Healthy',
    }));
    const clock = aSteppingClock();
    const revisions = await EnvironmentRevisions.open({ url }, 'prod');
    try {
      staging = await promote(url, 'staging', '2026.11.1', 's'); // after the clone: fetched when Argo CD reports it
      const source = engineStatusSources.argocd(connection(), ours, { clock, ancestry: revisions });
      const result = await waitForEngine(source, {
        timeoutMs: 60_000,
        intervalMs: 10_000,
        clock,
        onProgress: () => {},
      });
      expect(result.outcome).toBe('applied');
      expect(result.reason).toBe(
        `${ours.slice(0, 12)} synced and healthy (at ${staging.slice(0, 12)}, a later commit that leaves environments/prod/release.yaml as ours wrote it)`,
      );
    } finally {
      revisions.close();
    }
    expect(argocd.violations).toEqual([]);
  });

  it('a later promotion of prod itself: superseded at once, naming the commit and the release', async () => {
    const { url } = aGitOpsRepository();
    const ours = await promote(url, 'prod', '2026.11.0', 'p');
    const theirs = await promote(url, 'prod', '2026.12.0', 'q');
    argocd.script('shop-prod', { revision: theirs, sync: 'Synced', health: 'Healthy' });
    const result = await waitOnProd(url, ours);
    expect(result.outcome).toBe('superseded');
    expect(result.polls).toBe(1);
    expect(result.reason).toMatch(
      new RegExp(
        `^superseded: ${theirs.slice(0, 12)} changed environments/prod/release\\.yaml after ${ours.slice(0, 12)} \\(now 2026\\.12\\.0\\)`,
      ),
    );
  });

  it('a commit that is not a descendant of ours (an older tip) is not there yet', async () => {
    const { url } = aGitOpsRepository();
    const before = await promote(url, 'staging', '2026.11.0', 's');
    const ours = await promote(url, 'prod', '2026.11.0', 'p');
    argocd.script('shop-prod', { revision: before, sync: 'Synced', health: 'Healthy' });
    const result = await waitOnProd(url, ours);
    expect(result.outcome).toBe('timeout');
  });
});
