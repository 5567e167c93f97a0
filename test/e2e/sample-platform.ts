import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gitopsConfig } from '../gitops/gitops-fixture.js';
import { GitRepo } from '../git-repo.js';

const templates = resolve(import.meta.dirname, '..', '..', 'workflows-templates');

/**
 * Copies relx's workflow templates into a repository, as a team adopting relx does, with the one
 * edit the README's quick start lists: `$default-branch` becomes the repository's branch, `main`.
 * relx's `uses: relx-dev/relx/<action>@v1` stay; the step runner runs this checkout's actions.
 */
export function adoptTemplates(repo: GitRepo, names: string[]): void {
  mkdirSync(join(repo.dir, '.github', 'workflows'), { recursive: true });
  for (const name of names) {
    const text = readFileSync(join(templates, name), 'utf8');
    writeFileSync(join(repo.dir, '.github', 'workflows', name), text.replaceAll('$default-branch', 'main'));
  }
}

/**
 * Writes package-lock.json for a workspace without third-party dependencies, as its maintainers
 * commit one: ci.yml and release.yml install exactly what the lockfile records (`npm ci`).
 */
export function lockWithNpm(repo: GitRepo): void {
  execFileSync('npm', ['install', '--package-lock-only', '--offline', '--no-audit', '--no-fund'], {
    cwd: repo.dir,
    stdio: 'ignore',
  });
}

/**
 * The sample platform: two libraries, a service image built from one of them, and its Helm
 * chart; relx's CI and release templates; pushed to a bare `origin`.
 */
export function aSamplePlatform(registryHost: string): { repo: GitRepo; origin: GitRepo } {
  const repo = GitRepo.create();
  repo.writeJson('package.json', { name: 'platform', private: true, workspaces: ['packages/*'] });
  repo.writeJson('packages/core/package.json', { name: '@acme/core', version: '1.0.0', main: 'index.js' });
  repo.write('packages/core/index.js', 'exports.retry = (f) => f();\n');
  repo.writeJson('packages/utils/package.json', { name: '@acme/utils', version: '2.0.0', main: 'index.js' });
  repo.write('packages/utils/index.js', 'exports.id = (x) => x;\n');
  repo.write('services/api/Dockerfile', 'FROM scratch\nCOPY app /app\n');
  repo.write('charts/api/Chart.yaml', 'apiVersion: v2\nname: api\nversion: 0.1.0\nappVersion: "1.0.0"\n');
  repo.write('charts/api/templates/deployment.yaml', 'kind: Deployment\n');
  repo.write(
    'relx.config.yaml',
    [
      'components:',
      '  - name: api',
      '    type: container-image',
      '    path: services/api',
      '    version: 1.0.0',
      '    dependsOn: ["@acme/core"]',
      '    publish:',
      `      source: ${registryHost}/ci/api:sha-{shortSha}`,
      `      repository: ${registryHost}/acme/api`,
      '  - name: api-chart',
      '    type: helm-chart',
      '    path: charts/api',
      '    dependsOn: [api]',
      '    publish:',
      `      repository: ${registryHost}/charts`,
      '',
    ].join('\n'),
  );
  lockWithNpm(repo);
  adoptTemplates(repo, ['ci.yml', 'release.yml']);
  repo.commit('feat: the platform: core, utils, the api service and its chart');
  const origin = GitRepo.create({ bare: true });
  repo.git('remote', 'add', 'origin', origin.dir);
  repo.git('push', '-q', 'origin', 'main');
  return { repo, origin };
}

export const sloPolicy = (scenario: string) =>
  [
    `selector: {scenario: ${scenario}}`,
    `baseline: 'version="stable"'`,
    `canary: 'version="canary"'`,
    'window: 30m',
    'objectives: {maxErrorRateDelta: 0.01, maxP99LatencyDeltaMs: 100, minRequests: 100}',
    '',
  ].join('\n');

/** The CD repository, which is also the GitOps repository: the deploy template, SLO policies, environments. */
export function aDeployRepository(): { origin: GitRepo } {
  const seed = GitRepo.create();
  adoptTemplates(seed, ['deploy.yml']);
  const files: Record<string, string> = {
    'relx.gitops.yaml': gitopsConfig,
    'slo/dev.yaml': sloPolicy('healthy'),
    'slo/staging.yaml': sloPolicy('healthy'),
  };
  for (const env of ['dev', 'staging', 'prod']) {
    files[`environments/${env}/kustomization.yaml`] =
      'resources: [../../base]\nimages:\n  - name: api\n    newTag: latest\n';
    files[`environments/${env}/values.yaml`] = 'replicas: 2\n';
  }
  seed.commit('chore: environments, SLO policies and the deploy workflow', files);
  const origin = GitRepo.create({ bare: true });
  seed.git('remote', 'add', 'origin', origin.dir);
  seed.git('push', '-q', 'origin', 'main');
  return { origin };
}

/** A fresh checkout of a bare repository's main, as actions/checkout gives a job. */
export function checkout(origin: GitRepo): GitRepo {
  const work = GitRepo.create();
  work.git('remote', 'add', 'origin', origin.dir);
  work.git('fetch', '-q', '--tags', 'origin', 'main');
  work.git('reset', '-q', '--hard', 'FETCH_HEAD');
  return work;
}
