import { GitRepo } from '../git-repo.js';
import { aMonorepo, type FixturePackage } from '../monorepo-fixture.js';
import { buildAndPushImage } from '../oci/registry-fixture.js';

/**
 * Three workspace libraries in a chain, a service image built from one of them, and its Helm
 * chart, under an npm scope and OCI namespace (`acme` unless a test needs its own).
 */
export const libraries = (scope = 'acme'): FixturePackage[] => [
  { dir: 'utils', name: `@${scope}/utils`, version: '2.0.0', dependencies: { [`@${scope}/core`]: '^1.2.0' } },
  { dir: 'core', name: `@${scope}/core`, version: '1.2.0' },
  {
    dir: 'client',
    name: `@${scope}/client`,
    version: '0.3.0',
    dependencies: { [`@${scope}/utils`]: '^2.0.0' },
  },
];

export function relxConfig(registryHost: string, scope = 'acme'): string {
  return [
    'components:',
    '  - name: api',
    '    type: container-image',
    '    path: services/api',
    '    version: 1.2.0',
    `    dependsOn: ["@${scope}/core"]`,
    '    publish:',
    `      source: ${registryHost}/ci/api:sha-{shortSha}`,
    `      repository: ${registryHost}/${scope}/api`,
    '  - name: api-chart',
    '    type: helm-chart',
    '    path: charts/api',
    '    dependsOn: [api]',
    '    publish:',
    `      repository: ${registryHost}/${scope === 'acme' ? '' : `${scope}/`}charts`,
    '',
  ].join('\n');
}

/**
 * The repository as the release commit leaves it: versions written, every component tagged at
 * HEAD, and the image CI built for that commit in the registry as sha-<commit>.
 */
export function aReleasedRepository(registryHost: string, scope = 'acme'): GitRepo {
  const packages = libraries(scope);
  const repo = aMonorepo(packages, relxConfig(registryHost, scope));
  repo.commit('feat: service and chart', {
    'services/api/Dockerfile': 'FROM scratch\n',
    'charts/api/Chart.yaml': 'apiVersion: v2\nname: api\nversion: 0.1.0\nappVersion: "1.2.0"\n',
    'charts/api/templates/deployment.yaml': 'kind: Deployment\n',
  });
  for (const p of packages) repo.tag(`${p.name}@${p.version}`);
  repo.tag('api@1.2.0').tag('api-chart@0.1.0');
  buildAndPushImage(`${registryHost}/ci/api:sha-${repo.head().slice(0, 7)}`, `api at ${repo.head()}`);
  return repo;
}
