import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { digestOf } from '../../src/manifest/manifest-builders.js';
import { renderReleaseManifest, type ReleaseManifest } from '../../src/manifest/release-manifest.js';
import { aRelease } from '../gitops/gitops-fixture.js';
import { canaryVersion, stableVersion } from '../prometheus/slo-scenarios.js';

/**
 * A GitOps repository whose prod runs a canary, written in the state format the canary core
 * reads (CONTRACT: `release.yaml` + `canary-release.yaml`, `Relx-Canary` trailers), with the
 * commit dates a test needs: the step's commit at `stepStartedAt`.
 */
export const stableRelease = aRelease('2026.11.1', stableVersion, 'b');
export const canaryRelease: ReleaseManifest = {
  ...aRelease('2026.12.1', canaryVersion, 'e', '2026.11.1'),
};
export { digestOf };

const config = [
  'environments: [dev, staging, prod]',
  'canary:',
  '  prod:',
  '    steps: [5, 25, 50]',
  '    bake: 30m',
  '    traffic:',
  '      - {kind: kustomize, component: api, stable: stable/kustomization.yaml, canary: canary/kustomization.yaml}',
  '',
].join('\n');

function commitAt(dir: string, when: Date, files: Record<string, string>, message: string) {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  const env = {
    ...process.env,
    GIT_AUTHOR_DATE: when.toISOString(),
    GIT_COMMITTER_DATE: when.toISOString(),
    GIT_AUTHOR_NAME: 'relx',
    GIT_AUTHOR_EMAIL: 'relx@users.noreply.github.com',
    GIT_COMMITTER_NAME: 'relx',
    GIT_COMMITTER_EMAIL: 'relx@users.noreply.github.com',
  };
  execFileSync('git', ['add', '-A'], { cwd: dir, env });
  execFileSync('git', ['commit', '-q', '-m', message], { cwd: dir, env });
}

/** A bare repository (its path is the URL); prod runs `stableRelease`, and the canary at 5 % since `stepStartedAt` unless `canary: false`. */
export function aGitOpsRepositoryWithCanary(stepStartedAt: Date, options: { canary?: boolean } = {}): string {
  const work = mkdtempSync(join(tmpdir(), 'relx-gitops-canary-'));
  execFileSync('git', ['init', '-q', '-b', 'main', work]);
  const folder = 'environments/prod';
  commitAt(
    work,
    new Date(stepStartedAt.getTime() - 3600_000),
    { 'relx.gitops.yaml': config, [`${folder}/release.yaml`]: renderReleaseManifest(stableRelease) },
    'promote(prod): 2026.11.1\n\nRelx-Manifest: 2026.11.1\nRelx-Environment: prod\nRelx-Previous: none',
  );
  if (options.canary !== false) {
    commitAt(
      work,
      stepStartedAt,
      { [`${folder}/canary-release.yaml`]: renderReleaseManifest(canaryRelease) },
      'canary(prod): 2026.12.1 at 5%\n\nRelx-Manifest: 2026.12.1\nRelx-Environment: prod\nRelx-Previous: 2026.11.1\nRelx-Canary: 5',
    );
  }
  const bare = mkdtempSync(join(tmpdir(), 'relx-gitops-bare-'));
  execFileSync('git', ['clone', '-q', '--bare', work, bare]);
  return bare;
}
