import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { aGitOpsRepository, aRelease } from '../../test/gitops/gitops-fixture.js';
import { renderReleaseManifest, type ReleaseManifest } from '../manifest/release-manifest.js';
import { relxInProcess } from '../../test/relx-in-process.js';

const relx = relxInProcess();

function aManifestFile(manifest: ReleaseManifest): string {
  const path = join(mkdtempSync(join(tmpdir(), 'relx-risk-')), `${manifest.metadata.name}.yaml`);
  writeFileSync(path, renderReleaseManifest(manifest));
  return path;
}

describe('relx risk', () => {
  it('compares a release with what prod runs: a patch needs no reviewer, a minor does', async () => {
    const { url } = aGitOpsRepository();
    const stable = aManifestFile(aRelease('2026.12.0', '1.4.0', 'a'));
    for (const env of ['dev', 'staging', 'prod'])
      expect((await relx('promote', '--env', env, '--manifest', stable, '--gitops', url)).code).toBe(0);

    const patch = await relx(
      'risk',
      '--env',
      'prod',
      '--manifest',
      aManifestFile(aRelease('2026.12.1', '1.4.1', 'b')),
      '--gitops',
      url,
      '--json',
    );
    expect(patch.code).toBe(0);
    expect(JSON.parse(patch.out)).toMatchObject({
      environment: 'prod',
      running: '2026.12.0',
      incoming: '2026.12.1',
      risk: 'patch',
      review: false,
      reviewed: ['minor', 'major'],
      components: [{ name: 'api', from: '1.4.0', to: '1.4.1', risk: 'patch' }],
      canarySteps: null,
    });

    // what staging runs, once it runs the minor release
    const minor = aManifestFile(aRelease('2026.12.2', '1.5.0', 'c'));
    expect((await relx('promote', '--env', 'dev', '--manifest', minor, '--gitops', url)).code).toBe(0);
    expect((await relx('promote', '--env', 'staging', '--manifest', minor, '--gitops', url)).code).toBe(0);
    const fromStaging = await relx('risk', '--env', 'prod', '--from-env', 'staging', '--gitops', url);
    expect(fromStaging.out).toBe(
      '2026.12.0 → 2026.12.2: minor — needs a reviewer\n  api  minor  1.4.0 → 1.5.0\n',
    );
    // which bumps need a reviewer is configurable
    const onlyMajor = await relx(
      'risk',
      ...['--env', 'prod', '--from-env', 'staging', '--gitops', url, '--review', 'major', '--json'],
    );
    expect(JSON.parse(onlyMajor.out)).toMatchObject({ risk: 'minor', review: false });
  });

  it('reads the canary in progress against the stable release beside it, and says prod has canary steps', async () => {
    const { url } = aGitOpsRepository({
      config:
        'canary:\n  prod:\n    steps: [5, 25, 50]\n    traffic:\n      - {kind: helm, component: api, file: values.yaml}\n',
    });
    const stable = aManifestFile(aRelease('2026.12.0', '1.4.0', 'a'));
    const next = aManifestFile(aRelease('2026.12.2', '2.0.0', 'c'));
    for (const env of ['dev', 'staging', 'prod'])
      expect((await relx('promote', '--env', env, '--manifest', stable, '--gitops', url)).code).toBe(0);
    for (const env of ['dev', 'staging'])
      expect((await relx('promote', '--env', env, '--manifest', next, '--gitops', url)).code).toBe(0);
    const started = await relx(
      'promote',
      '--env',
      'prod',
      '--manifest',
      next,
      '--canary',
      'next',
      '--gitops',
      url,
    );
    expect(started.code).toBe(0);
    const canary = await relx('risk', '--env', 'prod', '--canary', '--gitops', url, '--json');
    expect(JSON.parse(canary.out)).toMatchObject({
      running: '2026.12.0',
      incoming: '2026.12.2',
      risk: 'major',
      review: true,
      canarySteps: [5, 25, 50],
    });
  });

  it('refuses an unknown bump, no release or two, and an environment with no canary, naming the flag', async () => {
    const { url } = aGitOpsRepository();
    const file = aManifestFile(aRelease('2026.12.1', '1.4.1', 'b'));
    const cases: Array<[string[], RegExp]> = [
      [['--manifest', file, '--review', 'minor,huge'], /--review: "huge" is not a bump/],
      [[], /Give exactly one of --manifest, --from-env and --canary/],
      [['--manifest', file, '--from-env', 'staging'], /Give exactly one/],
      [['--canary'], /--canary: environments\/prod\/canary-release\.yaml does not exist/],
      [['--from-env', 'qa'], /--from-env: Unknown environment "qa"/],
    ];
    for (const [args, message] of cases) {
      const { code, err: error } = await relx('risk', '--env', 'prod', '--gitops', url, ...args);
      expect(code).toBe(2);
      expect(error).toMatch(message);
    }
  });
});
