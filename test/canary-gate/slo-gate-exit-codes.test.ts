import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { endTime, startPrometheus, type RunningPrometheus } from '../prometheus/prometheus-fixture.js';
import { canaryScenarios, scenarios } from '../prometheus/slo-scenarios.js';
import { aGitOpsRepositoryWithCanary } from './gitops-canary-state.js';

/** `relx slo-gate`'s exit codes, through the built CLI (dist/cli) as a script sees them. */
const cli = resolve(import.meta.dirname, '..', '..', 'dist', 'cli', 'index.js');
const relx = (...args: string[]) =>
  spawnSync(process.execPath, [cli, ...args], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
  });

let prometheus: RunningPrometheus;
beforeAll(async () => {
  prometheus = await startPrometheus({ ...scenarios, ...canaryScenarios });
}, 60_000);
afterAll(() => prometheus?.stop());

const dir = mkdtempSync(join(tmpdir(), 'relx-gate-exit-'));
const policyFile = (name: string, text: string) => {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, text);
  return file;
};
const policy = (scenario: string, extra = '') =>
  policyFile(
    `${scenario}${extra ? '-extra' : ''}`,
    `selector: {scenario: ${scenario}}\nbaseline: {version: stable}\ncanary: {version: canary}\nobjectives: {maxErrorRateDelta: 0.01, minRequests: 100}\n${extra}`,
  );
const gate = (file: string, url = prometheus.url, ...more: string[]) =>
  relx('slo-gate', '--policy', file, '--prometheus-url', url, '--time', endTime.toISOString(), ...more);

describe('relx slo-gate exit codes (dist/cli)', () => {
  it('0 on pass, 1 on fail, 3 on inconclusive — and 0 for inconclusive when the policy lets it pass', () => {
    const pass = gate(policy('healthy'), prometheus.url, '--json');
    expect(pass.status).toBe(0);
    expect(JSON.parse(pass.stdout)).toMatchObject({ verdict: 'pass', passed: true });
    const fail = gate(policy('errors'));
    expect(fail.status).toBe(1);
    expect(fail.stdout).toContain('## SLO gate: ❌ fail');
    const inconclusive = gate(policy('no-traffic'));
    expect(inconclusive.status).toBe(3);
    expect(inconclusive.stdout).toContain('## SLO gate: ❔ inconclusive (fails: on-inconclusive is fail)');
    expect(gate(policy('no-traffic', 'onInconclusive: pass\n')).status).toBe(0);
  });

  it('75 when Prometheus cannot be reached (transient: retry later), with the report saying so', () => {
    const down = gate(policy('healthy', 'retries: 0\n'), 'http://127.0.0.1:9', '--json');
    expect(down.status).toBe(75);
    expect(JSON.parse(down.stdout)).toMatchObject({
      verdict: 'fail',
      error: expect.stringMatching(/could not answer after 1 attempt/),
    });
  });

  it('78 for a policy that is wrong, naming the file and field; 2 for a flag that is missing or wrong', () => {
    const bad = gate(
      policyFile(
        'bad',
        'baseline: {version: stable}\ncanary: {version: canary}\nwindow: 30x\nobjectives: {maxErrorRate: 0.1}\n',
      ),
    );
    expect(bad.status).toBe(78);
    expect(bad.stderr).toMatch(/^relx: .*bad\.yaml: window: /m);
    const placeholders = gate(
      policyFile(
        'versions',
        'baseline: \'version="{stableVersion}"\'\ncanary: \'version="{canaryVersion}"\'\nobjectives: {maxErrorRate: 0.1}\n',
      ),
    );
    expect(placeholders.status).toBe(2);
    expect(placeholders.stderr).toMatch(
      /--env: The SLO policy names \{stableVersion\}, \{canaryVersion\}|--env: The SLO policy names \{canaryVersion\}, \{stableVersion\}/,
    );
    expect(gate(policy('healthy'), 'not-a-url').status).toBe(2);
    expect(relx('slo-gate', '--policy', policy('healthy'), '--no-such-flag').status).toBe(2);
  });

  it('4 while the canary step bakes, 0 once it has baked, 1 for a bad canary at once — the versions read from the GitOps repository', () => {
    const gitops = aGitOpsRepositoryWithCanary(new Date(endTime.getTime() - 12 * 60_000));
    const canaryPolicy = (scenario: string) =>
      policyFile(
        `versions-${scenario}`,
        `selector: {scenario: ${scenario}}\nbaseline: 'version="{stableVersion}"'\ncanary: 'version="{canaryVersion}"'\nwindow: 10m\nobjectives: {maxErrorRateDelta: 0.02, minRequests: 100}\n`,
      );
    const run = (scenario: string, time: string, repository = gitops) =>
      relx(
        'slo-gate',
        '--policy',
        canaryPolicy(scenario),
        '--prometheus-url',
        prometheus.url,
        '--env',
        'prod',
        '--gitops',
        repository,
        '--time',
        time,
        '--json',
      );
    const baking = run('canary-good', endTime.toISOString());
    expect(baking.status).toBe(4);
    expect(JSON.parse(baking.stdout)).toMatchObject({
      verdict: 'baking',
      bakeProgress: { bakedSeconds: 720, bakeSeconds: 1800, complete: false },
      target: { canaryVersion: '1.5.0', stableVersion: '1.4.2' },
    });
    const baked = aGitOpsRepositoryWithCanary(new Date(endTime.getTime() - 45 * 60_000));
    const pass = run('canary-good', endTime.toISOString(), baked);
    expect(pass.status).toBe(0);
    expect(JSON.parse(pass.stdout)).toMatchObject({ verdict: 'pass', bakeProgress: { complete: true } });
    const bad = run('canary-bad', endTime.toISOString());
    expect(bad.status).toBe(1);
    expect(JSON.parse(bad.stdout)).toMatchObject({ verdict: 'fail', bakeProgress: { complete: false } });

    const none = relx(
      'slo-gate',
      '--policy',
      canaryPolicy('canary-good'),
      '--prometheus-url',
      prometheus.url,
      '--env',
      'prod',
      '--gitops',
      aGitOpsRepositoryWithCanary(endTime, { canary: false }),
    );
    expect(none.status).toBe(2);
    expect(none.stderr).toMatch(/no canary is in progress in prod/);
    const unreachable = relx(
      'slo-gate',
      '--policy',
      canaryPolicy('canary-good'),
      '--prometheus-url',
      prometheus.url,
      '--env',
      'prod',
      '--gitops',
      join(dir, 'no-such-repository'),
    );
    // git cannot tell a wrong address from an outage: relx reports the repository as the input to check
    expect(unreachable.status).toBe(2);
    expect(unreachable.stderr).toMatch(/Cannot read the GitOps repository .*no-such-repository/);
  });
});
