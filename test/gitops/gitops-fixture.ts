import { aManifest, digestOf } from '../../src/manifest/manifest-builders.js';
import type { ReleaseManifest } from '../../src/manifest/release-manifest.js';
import { GitRepo } from '../git-repo.js';

export const gitopsConfig = [
  'environments: [dev, staging, prod]',
  'overlays:',
  '  - component: api',
  '    file: kustomization.yaml',
  '  - component: api-chart',
  '    file: values.yaml',
  '    path: image.chartDigest',
  '',
].join('\n');

const kustomization = (env: string) =>
  [
    '# Argo CD reconciles this folder',
    'apiVersion: kustomize.config.k8s.io/v1beta1',
    'kind: Kustomization',
    `namespace: shop-${env}`,
    'resources:',
    '  - ../../base',
    'images:',
    '  - name: ghcr.io/acme/api',
    '    newTag: latest # replaced by relx with a digest',
    '  - name: ghcr.io/acme/worker',
    '    newTag: "7.1"',
    '',
  ].join('\n');

/**
 * A bare GitOps repository with the layout relx expects and Kustomize/Helm overlays per
 * environment, on `branch` (its default branch; main unless told), with `config` appended to
 * relx.gitops.yaml.
 */
export function aGitOpsRepository(options: { branch?: string; config?: string } = {}): {
  remote: GitRepo;
  url: string;
} {
  const branch = options.branch ?? 'main';
  const seed = GitRepo.create();
  const files: Record<string, string> = {
    'relx.gitops.yaml': gitopsConfig + (options.config ?? ''),
    'base/kustomization.yaml': 'resources: []\n',
  };
  for (const env of ['dev', 'staging', 'prod']) {
    files[`environments/${env}/kustomization.yaml`] = kustomization(env);
    files[`environments/${env}/values.yaml`] =
      `# Helm values for ${env}\nreplicas: 2\nimage:\n  pullPolicy: IfNotPresent\n`;
  }
  seed.commit('chore: GitOps layout', files);
  const remote = GitRepo.create({ bare: true });
  seed.git('remote', 'add', 'origin', remote.dir);
  seed.git('push', '-q', 'origin', `main:${branch}`);
  remote.git('symbolic-ref', 'HEAD', `refs/heads/${branch}`);
  return { remote, url: remote.dir };
}

/** Release `name` where the api image is at `apiVersion` with a digest made from `seed`. */
export function aRelease(
  name: string,
  apiVersion: string,
  seed: string,
  previous: string | null = null,
): ReleaseManifest {
  const base = aManifest();
  return {
    ...base,
    metadata: { ...base.metadata, name, previous },
    components: {
      ...base.components,
      images: [{ name: 'api', repository: 'ghcr.io/acme/api', tag: apiVersion, digest: digestOf(seed) }],
    },
  };
}
