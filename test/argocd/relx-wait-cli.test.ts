import { jest } from '@jest/globals';
import { runCli } from '../../src/cli/main.js';
import { promoteEnvironment } from '../../src/promotion/promote-environment.js';
import { aGitOpsRepository, aRelease } from '../gitops/gitops-fixture.js';
import { KubernetesApiServer } from '../kubernetes-api/kubernetes-api-server.js';
import { ArgoCdServer } from './argocd-server.js';

const commit = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';
const previous = '0123456789abcdef0123456789abcdef01234567';

let argocd: ArgoCdServer;
let kube: KubernetesApiServer;
let out: string;
let err: string;
beforeEach(async () => {
  [argocd, kube] = await Promise.all([ArgoCdServer.start(), KubernetesApiServer.start()]);
  out = '';
  err = '';
  process.exitCode = undefined;
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((out += String(chunk)), true));
  jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((err += String(chunk)), true));
  jest
    .spyOn(console, 'error')
    .mockImplementation((...args: unknown[]) => void (err += `${args.join(' ')}\n`));
});
afterEach(async () => {
  jest.restoreAllMocks();
  process.exitCode = undefined;
  delete process.env.ARGOCD_TOKEN;
  await Promise.all([argocd.close(), kube.close()]);
});

const argoArgs = () => ['--engine', 'argocd', '--argocd-url', argocd.url, '--application', 'shop-prod'];
const fluxArgs = () => [
  '--engine',
  'flux',
  '--kube-api',
  kube.url,
  '--kustomization',
  'flux-system/shop-prod',
  '--kube-token',
  kube.token,
];

describe('relx wait', () => {
  it('exit 0 when Argo CD synced the commit healthy; the token from ARGOCD_TOKEN, progress on stderr', async () => {
    process.env.ARGOCD_TOKEN = argocd.token;
    argocd.script(
      'shop-prod',
      { revision: previous, sync: 'Synced', health: 'Healthy' },
      { revision: commit, sync: 'Synced', health: 'Healthy' },
    );
    const code = await runCli([
      'wait',
      ...argoArgs(),
      '--commit',
      commit,
      '--env',
      'prod',
      '--interval',
      '1s',
    ]);
    expect(code).toBe(0);
    expect(out).toMatch(
      /^Argo CD application shop-prod \(prod\): applied — a1b2c3d4e5f6 synced and healthy \(after \d\.\d s, 2 readings\)\.\n$/,
    );
    expect(err).toContain('relx: Argo CD application shop-prod: not at a1b2c3d4e5f6 yet');
    expect(err).not.toContain(argocd.token);
    expect(argocd.violations).toEqual([]);
  });

  it('exit 1 when Flux reports the commit failing, with the JSON result', async () => {
    kube.script('flux-system/shop-prod', {
      applied: commit,
      ready: 'False',
      reason: 'HealthCheckFailed',
      message: 'timeout waiting for: [Deployment/shop/api]',
    });
    const code = await runCli(['wait', ...fluxArgs(), '--commit', commit, '--json']);
    expect(code).toBe(1);
    expect(JSON.parse(out)).toMatchObject({
      engine: 'flux',
      target: 'Flux Kustomization flux-system/shop-prod',
      commit,
      outcome: 'failed',
      reason: 'HealthCheckFailed at a1b2c3d4e5f6: timeout waiting for: [Deployment/shop/api]',
      polls: 1,
    });
    expect(kube.violations).toEqual([]);
  });

  it('exit 4 when the commit is never applied within --timeout', async () => {
    kube.script('flux-system/shop-prod', {
      applied: previous,
      ready: 'True',
      reason: 'ReconciliationSucceeded',
    });
    const code = await runCli([
      'wait',
      ...fluxArgs(),
      '--commit',
      commit,
      '--timeout',
      '2s',
      '--interval',
      '1s',
    ]);
    expect(code).toBe(4);
    expect(out).toContain('timeout — not applied and healthy within 2.0 s: not at a1b2c3d4e5f6 yet');
  });

  it('with --gitops, an abbreviated commit on its branch is waited for as the full SHA', async () => {
    const { remote, url } = aGitOpsRepository();
    const head = remote.git('rev-parse', 'main').trim();
    argocd.script('shop-prod', { revision: head, sync: 'Synced', health: 'Healthy' });
    const code = await runCli([
      'wait',
      ...argoArgs(),
      '--argocd-token',
      argocd.token,
      '--gitops',
      url,
      '--commit',
      head.slice(0, 8),
      '--json',
    ]);
    expect(code).toBe(0);
    expect(JSON.parse(out)).toMatchObject({ commit: head, outcome: 'applied' });
  });

  it('with --gitops, a commit that is not on its branch is refused before waiting (exit 2)', async () => {
    const { url } = aGitOpsRepository();
    const code = await runCli([
      'wait',
      ...argoArgs(),
      '--argocd-token',
      argocd.token,
      '--gitops',
      url,
      '--commit',
      previous,
    ]);
    expect(code).toBe(2);
    expect(err).toContain(`--commit ${previous} is not on main of the GitOps repository`);
    expect(argocd.requests).toEqual([]);
  });

  it('with --gitops and --env: a later tip that keeps the environment is reached (0), another release of it superseded (5)', async () => {
    const { url } = aGitOpsRepository();
    const promote = async (environment: string, name: string, seed: string) =>
      (
        await promoteEnvironment({ remote: { url }, environment }, aRelease(name, '1.4.0', seed), {
          hotfix: true,
        })
      ).commit as string;
    const ours = await promote('prod', '2026.11.0', 'p');
    const wait = () =>
      runCli([
        'wait',
        ...argoArgs(),
        '--argocd-token',
        argocd.token,
        '--gitops',
        url,
        '--env',
        'prod',
        '--commit',
        ours,
        '--timeout',
        '2s',
        '--interval',
        '1s',
      ]);
    const staging = await promote('staging', '2026.11.1', 's');
    argocd.script('shop-prod', { revision: staging, sync: 'Synced', health: 'Healthy' });
    expect(await wait()).toBe(0);
    expect(out).toContain(`applied — ${ours.slice(0, 12)} synced and healthy (at ${staging.slice(0, 12)}`);
    out = '';
    const theirs = await promote('prod', '2026.12.0', 'q');
    argocd.script('shop-prod', { revision: theirs, sync: 'Synced', health: 'Healthy' });
    expect(await wait()).toBe(5);
    expect(out).toContain(
      `superseded — superseded: ${theirs.slice(0, 12)} changed environments/prod/release.yaml`,
    );
  });

  it.each([
    [['--commit', 'main'], '--commit "main" is not a commit SHA.'],
    [
      ['--commit', commit, '--engine', 'spinnaker'],
      '--engine "spinnaker" is not an engine relx can wait for.',
    ],
    [
      ['--commit', commit, '--engine', 'argocd', '--application', 'shop'],
      '--argocd-url is required with --engine argocd.',
    ],
    [
      ['--commit', commit, '--engine', 'flux', '--kube-api', 'http://127.0.0.1:1'],
      '--kustomization is required with --engine flux.',
    ],
    [
      [
        '--commit',
        commit,
        '--engine',
        'argocd',
        '--argocd-url',
        'http://x',
        '--application',
        'a',
        '--timeout',
        '0',
      ],
      '--timeout "0" is not a duration longer than 0.',
    ],
  ])('bad input %j → exit 2, a clear error, nothing read', async (args, message) => {
    expect(await runCli(['wait', ...args])).toBe(2);
    expect(err).toContain(message);
    expect(argocd.requests).toEqual([]);
  });
});
