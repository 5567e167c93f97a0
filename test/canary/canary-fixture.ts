import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { GitRepo } from '../git-repo.js';

/**
 * A GitOps repository laid out for canaries, as the promote-env README describes: per environment
 * a stable and a canary workload (each its own kustomization over the same base, pinned by digest),
 * a Gateway API HTTPRoute between their Services, Helm values and an Argo Rollouts Rollout.
 */
export const canaryGitOpsConfig = [
  'environments: [dev, staging, prod]',
  'overlays:',
  '  - component: api',
  '    file: stable/kustomization.yaml',
  'canary:',
  '  prod:',
  '    steps: [5, 25, 50]',
  '    bake: 30m',
  '    traffic:',
  '      - kind: kustomize',
  '        component: api',
  '        stable: stable/kustomization.yaml',
  '        canary: canary/kustomization.yaml',
  '      - kind: httproute',
  '        file: httproute.yaml',
  '        stable: api-stable',
  '        canary: api-canary',
  '      - kind: helm',
  '        component: api',
  '        file: values.yaml',
  '      - kind: argo-rollout',
  '        component: api',
  '        file: rollout/rollout.yaml',
  '',
].join('\n');

const base = {
  'base/api/kustomization.yaml': 'resources: [deployment.yaml, service.yaml]\n',
  'base/api/deployment.yaml': [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata: {name: api, labels: {app: api}}',
    'spec:',
    '  selector: {matchLabels: {app: api}}',
    '  template:',
    '    metadata: {labels: {app: api}}',
    '    spec:',
    '      containers: [{name: api, image: ghcr.io/acme/api}]',
    '',
  ].join('\n'),
  'base/api/service.yaml': [
    'apiVersion: v1',
    'kind: Service',
    'metadata: {name: api}',
    'spec: {selector: {app: api}, ports: [{port: 80}]}',
    '',
  ].join('\n'),
};

const workload = (track: string) =>
  [
    `# the ${track} workload: relx pins its image and its version label`,
    'resources: [../../../base/api]',
    `nameSuffix: -${track}`,
    'labels:',
    `  - pairs: {app.kubernetes.io/track: ${track}}`,
    '    includeSelectors: true',
    '',
  ].join('\n');

function environment(env: string): Record<string, string> {
  const folder = `environments/${env}`;
  return {
    [`${folder}/kustomization.yaml`]: `namespace: shop-${env}\nresources: [stable, canary, httproute.yaml]\n`,
    [`${folder}/stable/kustomization.yaml`]: workload('stable'),
    [`${folder}/canary/kustomization.yaml`]: workload('canary'),
    [`${folder}/httproute.yaml`]: [
      '# traffic to the api: relx sets the weights',
      'apiVersion: gateway.networking.k8s.io/v1',
      'kind: HTTPRoute',
      'metadata: {name: api}',
      'spec:',
      '  parentRefs: [{name: shop-gateway}]',
      '  rules:',
      '    - matches: [{path: {type: PathPrefix, value: /api}}]',
      '      backendRefs:',
      '        - {name: api-stable, port: 80, weight: 100}',
      '',
    ].join('\n'),
    [`${folder}/values.yaml`]: `# Helm values for ${env}\nreplicas: 2\nimage:\n  repository: ghcr.io/acme/api\n`,
    [`${folder}/rollout/rollout.yaml`]: [
      'apiVersion: argoproj.io/v1alpha1',
      'kind: Rollout',
      'metadata: {name: api}',
      'spec:',
      '  strategy: {canary: {steps: [{setWeight: 5}, {pause: {duration: 30m}}]}}',
      '  selector: {matchLabels: {app: api}}',
      '  template:',
      '    metadata: {labels: {app: api}}',
      '    spec:',
      '      containers:',
      '        - {name: sidecar, image: ghcr.io/acme/proxy:1.0}',
      '        - {name: api, image: ghcr.io/acme/api:latest}',
      '',
    ].join('\n'),
  };
}

export function aCanaryGitOpsRepository(config = canaryGitOpsConfig): { remote: GitRepo; url: string } {
  const seed = GitRepo.create();
  seed.commit('chore: GitOps layout with canary workloads', {
    'relx.gitops.yaml': config,
    ...base,
    ...environment('dev'),
    ...environment('staging'),
    ...environment('prod'),
  });
  const remote = GitRepo.create({ bare: true });
  seed.git('remote', 'add', 'origin', remote.dir);
  seed.git('push', '-q', 'origin', 'main:main');
  return { remote, url: remote.dir };
}

/** The parts of the rendered resources the tests read. */
export interface Resource {
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  spec: {
    strategy?: unknown;
    template: {
      metadata: { labels?: Record<string, string> };
      spec: { containers: Array<{ name: string; image: string }> };
    };
    rules: Array<{ backendRefs: Array<{ name: string; weight: number }> }>;
  };
}

export interface RenderedWorkload {
  name: string;
  image: string;
  version: string | undefined;
  podVersion: string | undefined;
}

/**
 * What the cluster would run: the environment's overlay at `ref` rendered by real kustomize
 * (`kubectl kustomize`), its Deployments and the HTTPRoute's weights.
 */
export function renderOverlay(
  remote: GitRepo,
  environment: string,
  ref = 'main',
): { workloads: RenderedWorkload[]; weights: Record<string, number> } {
  const work = mkdtempSync(join(tmpdir(), 'relx-kustomize-'));
  try {
    execFileSync('git', ['clone', '-q', '--branch', ref, remote.dir, work], { stdio: 'ignore' });
    const out = execFileSync('kubectl', ['kustomize', join(work, 'environments', environment)], {
      encoding: 'utf8',
    });
    const documents = parseAllDocuments(out).map((d) => d.toJS() as Resource);
    const workloads = documents
      .filter((d) => d.kind === 'Deployment')
      .map((d) => ({
        name: d.metadata.name,
        image: d.spec.template.spec.containers[0]?.image ?? '',
        version: d.metadata.labels?.['app.kubernetes.io/version'],
        podVersion: d.spec.template.metadata.labels?.['app.kubernetes.io/version'],
      }))
      .sort((a, b) => a.name.localeCompare(b.name));
    const route = documents.find((d) => d.kind === 'HTTPRoute');
    const weights: Record<string, number> = {};
    for (const ref of route?.spec.rules[0]?.backendRefs ?? []) weights[ref.name] = ref.weight;
    return { workloads, weights };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** A YAML file of the environment at `ref`, parsed (every document). */
export function readYaml<T = Resource>(remote: GitRepo, path: string, ref = 'main'): T {
  return parse(remote.git('show', `${ref}:${path}`)) as T;
}
