import { parseDocument } from 'yaml';
import { z } from 'zod';
import { schemaInputError } from '../manifest/schema-issues.js';
import { inputError } from '../relx-error.js';

/**
 * How a GitOps repository is laid out, from `relx.gitops.yaml` at its root (all optional):
 * the environments in promotion order, the folder of each, and the overlay files relx edits so
 * Argo CD or Flux deploy what the manifest pins.
 */
export const gitopsConfigFile = 'relx.gitops.yaml';
export const environmentNamePattern = /^[a-z0-9][a-z0-9-]{0,62}$/;

const overlaySchema = z
  .object({
    component: z.string().min(1).describe('The component (its name in the manifest).'),
    file: z
      .string()
      .regex(/^(?!\/)(?!.*(^|\/)\.\.(\/|$))[\w./-]+$/, 'a path inside the environment folder, without ..')
      .describe(
        'The overlay file, relative to the environment folder, e.g. kustomization.yaml or values.yaml.',
      ),
    kustomizeImage: z
      .string()
      .min(1)
      .optional()
      .describe(
        'Kustomize: the images[].name to pin (default: the image repository). Only the digest is written.',
      ),
    path: z
      .string()
      .regex(/^[\w-]+(\.[\w-]+)*$/, 'a dotted YAML path such as image.digest')
      .optional()
      .describe('A YAML path to set, e.g. image.digest in Helm values.'),
    value: z.enum(['digest', 'version', 'reference']).default('digest').describe('What goes there.'),
  })
  .strict();

const insideFolder = z
  .string()
  .regex(/^(?!\/)(?!.*(^|\/)\.\.(\/|$))[\w./-]+$/, 'a path inside the environment folder, without ..');
const yamlPath = z.string().regex(/^[\w-]+(\.[\w-]+)*$/, 'a dotted YAML path such as canary.weight');
const resourceName = z.string().regex(/^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$/, 'a Kubernetes resource name');

/**
 * How an environment's cluster splits traffic between the stable and the canary workload, one
 * entry per thing relx writes (see the promote-env README, "Canary").
 */
const canaryTrafficSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('kustomize'),
      component: z.string().min(1).describe('The component whose two workloads these are.'),
      stable: insideFolder.describe("The stable workload's kustomization, e.g. stable/kustomization.yaml."),
      canary: insideFolder.describe("The canary workload's kustomization, e.g. canary/kustomization.yaml."),
      kustomizeImage: z.string().min(1).optional().describe('The images[].name (default: the repository).'),
    })
    .strict()
    .describe('Both workloads pinned by digest and labelled app.kubernetes.io/version.'),
  z
    .object({
      kind: z.literal('httproute'),
      file: insideFolder.describe('The file holding the Gateway API HTTPRoute.'),
      route: resourceName.optional().describe('Its metadata.name (default: the only HTTPRoute in the file).'),
      stable: resourceName.describe("The stable workload's Service, as backendRefs names it."),
      canary: resourceName.describe("The canary workload's Service, as backendRefs names it."),
    })
    .strict()
    .describe('backendRefs weights: the canary gets the step, the stable the rest.'),
  z
    .object({
      kind: z.literal('helm'),
      component: z.string().min(1),
      file: insideFolder.describe('The Helm values file.'),
      enabled: yamlPath.default('canary.enabled'),
      weight: yamlPath.default('canary.weight'),
      digest: yamlPath.default('canary.image.digest'),
      version: yamlPath.default('canary.image.version'),
    })
    .strict()
    .describe("Helm values: whether the canary runs, its weight, its image's digest and version."),
  z
    .object({
      kind: z.literal('argo-rollout'),
      component: z.string().min(1),
      file: insideFolder.describe('The file holding the Argo Rollouts Rollout.'),
      rollout: resourceName.optional().describe('Its metadata.name (default: the only Rollout in the file).'),
      container: z.string().min(1).optional().describe('The container (default: the one running the image).'),
    })
    .strict()
    .describe('The canary digest pinned in the Rollout; its own steps shift the traffic.'),
]);

const durationPattern = /^(\d+)(s|m|h)$/;
const durationMs = (text: string) => {
  const [, amount, unit] = durationPattern.exec(text) ?? [];
  return Number(amount) * (unit === 'h' ? 3_600_000 : unit === 'm' ? 60_000 : 1000);
};

const canarySchema = z
  .object({
    steps: z
      .array(z.number().int().min(1).max(99))
      .min(1)
      .refine((s) => s.every((w, i) => i === 0 || w > (s[i - 1] ?? 0)), 'weights rising, e.g. [5, 25, 50]')
      .describe('The traffic share (1–99 %) of each step, rising; --canary next takes the next one.'),
    bake: z
      .string()
      .regex(durationPattern, 'a duration such as 30m, 1h or 90s')
      .default('30m')
      .describe('How long each step bakes before the gate may pass it.'),
    traffic: z.array(canaryTrafficSchema).min(1).describe('What relx writes to split the traffic.'),
  })
  .strict();

export const gitopsConfigSchema = z
  .object({
    environments: z
      .array(z.string().regex(environmentNamePattern, 'lower-case letters, digits and -'))
      .min(1)
      .default(['dev', 'staging', 'prod'])
      .describe('Promotion order: a release reaches each only after the one before it.'),
    folder: z
      .string()
      .regex(/^[\w./-]*\{env\}[\w./-]*$/, 'a path containing {env}')
      .refine((f) => !f.split('/').includes('..'), 'no .. segments')
      .default('environments/{env}'),
    branch: z
      .string()
      .regex(/^(?!-)(?!.*\.\.)(?!.*\.lock$)[\w./-]+$/, 'a branch name')
      .optional()
      .describe("The branch Argo CD or Flux reconciles (default: the repository's default branch)."),
    overlays: z.array(overlaySchema).default([]),
    canary: z
      .record(z.string(), canarySchema)
      .default({})
      .describe('Per environment: its canary steps, bake time and traffic split.'),
  })
  .strict()
  .superRefine((config, context) => {
    for (const environment of Object.keys(config.canary)) {
      if (!config.environments.includes(environment))
        context.addIssue({
          code: 'custom',
          path: ['canary', environment],
          message: `not an environment (${config.environments.join(', ')})`,
        });
    }
  });

export type GitOpsConfig = z.infer<typeof gitopsConfigSchema>;
export type OverlayConfig = z.infer<typeof overlaySchema>;
export type CanaryConfig = z.infer<typeof canarySchema>;
export type CanaryTraffic = z.infer<typeof canaryTrafficSchema>;

/** The canary configuration of an environment; null when it declares none. */
export function canaryConfig(config: GitOpsConfig, environment: string): CanaryConfig | null {
  return Object.hasOwn(config.canary, environment) ? (config.canary[environment] ?? null) : null;
}

export const bakeMs = (canary: CanaryConfig) => durationMs(canary.bake);

export function parseGitOpsConfig(text: string | null): GitOpsConfig {
  if (text === null) return gitopsConfigSchema.parse({});
  const document = parseDocument(text);
  if (document.errors.length > 0) {
    throw inputError(
      `${gitopsConfigFile} is not valid YAML: ${document.errors[0]?.message.split('\n')[0] ?? ''}`,
      {
        file: gitopsConfigFile,
        fix: 'Fix the YAML syntax.',
      },
    );
  }
  const result = gitopsConfigSchema.safeParse(document.toJS() ?? {});
  if (!result.success) {
    throw schemaInputError(
      gitopsConfigFile,
      result.error.issues,
      gitopsConfigFile,
      'See the promote-env README for the layout.',
    );
  }
  return result.data;
}

/** The environment, checked against the configured list: an unknown name or a path never gets through. */
export function checkEnvironment(config: GitOpsConfig, environment: string, field = 'environment'): string {
  if (!environmentNamePattern.test(environment) || !config.environments.includes(environment)) {
    throw inputError(`Unknown environment "${environment}".`, {
      field,
      fix: `Use one of: ${config.environments.join(', ')} (declared in ${gitopsConfigFile}).`,
    });
  }
  return environment;
}

export const environmentFolder = (config: GitOpsConfig, environment: string) =>
  config.folder.replaceAll('{env}', environment);
export const releaseFile = (config: GitOpsConfig, environment: string) =>
  `${environmentFolder(config, environment)}/release.yaml`;
/** While a canary runs, its manifest lies beside the stable one. */
export const canaryReleaseFile = (config: GitOpsConfig, environment: string) =>
  `${environmentFolder(config, environment)}/canary-release.yaml`;
