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
  })
  .strict();

export type GitOpsConfig = z.infer<typeof gitopsConfigSchema>;
export type OverlayConfig = z.infer<typeof overlaySchema>;

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
