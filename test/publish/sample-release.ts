import { GitRepo } from '../git-repo.js';
import { aMonorepo, type FixturePackage } from '../monorepo-fixture.js';
import { buildAndPushImage } from '../oci/registry-fixture.js';

/** Three workspace libraries in a chain, a service image built from one of them, and its Helm chart. */
export const libraries: FixturePackage[] = [
  { dir: 'utils', name: '@acme/utils', version: '2.0.0', dependencies: { '@acme/core': '^1.2.0' } },
  { dir: 'core', name: '@acme/core', version: '1.2.0' },
  { dir: 'client', name: '@acme/client', version: '0.3.0', dependencies: { '@acme/utils': '^2.0.0' } },
];

export function relxConfig(registryHost: string): string {
  return [
    'components:',
    '  - name: api',
    '    type: container-image',
    '    path: services/api',
    '    version: 1.2.0',
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
  ].join('\n');
}

/**
 * The repository as the release commit leaves it: versions written, every component tagged at
 * HEAD, and the image CI built for that commit in the registry as sha-<commit>.
 */
export function aReleasedRepository(registryHost: string): GitRepo {
  const repo = aMonorepo(libraries, relxConfig(registryHost));
  repo.commit('feat: service and chart', {
    'services/api/Dockerfile': 'FROM scratch\n',
    'charts/api/Chart.yaml': 'apiVersion: v2\nname: api\nversion: 0.1.0\nappVersion: "1.2.0"\n',
    'charts/api/templates/deployment.yaml': 'kind: Deployment\n',
  });
  for (const p of libraries) repo.tag(`${p.name}@${p.version}`);
  repo.tag('api@1.2.0').tag('api-chart@0.1.0');
  buildAndPushImage(`${registryHost}/ci/api:sha-${repo.head().slice(0, 7)}`, `api at ${repo.head()}`);
  return repo;
}
