import { z } from 'zod';
import { inputError } from '../relx-error.js';
import { schemaInputError } from './schema-issues.js';

/**
 * The published list: what publish-artifact published (or found already published) in this
 * release, one item per component, with the digest or integrity it recorded. write-manifest reads
 * it; nothing else about the publish step is assumed.
 */
export const publishedListSchemaVersion = 1;

export const publishedKinds = [
  'npm-package',
  'container-image',
  'helm-chart',
  'terraform-module',
  'kustomize-base',
  'cdk-app',
  'go-module',
  'release-assets',
  'files',
] as const;
export type PublishedKind = (typeof publishedKinds)[number];

/** npm-name-like: letters, digits, `@`, `/`, `.`, `_`, `-`. No spaces, no shell metacharacters. */
export const componentNamePattern = /^[A-Za-z0-9@][A-Za-z0-9@/._-]*$/;
export const componentName = z
  .string()
  .regex(componentNamePattern, 'a component name of letters, digits, @, /, ., _ and - only');

export const publishedItemSchema = z
  .object({
    component: componentName,
    kind: z.enum(publishedKinds),
    version: z.string().min(1),
    reference: z
      .string()
      .min(1)
      .describe(
        'npm:@acme/core@1.3.0, ghcr.io/acme/api:1.3.0, oci://ghcr.io/acme/charts/api:1.3.0 or a Go module, example.com/sdk/go/v2@v2.1.0',
      ),
    registry: z.string().min(1).optional(),
    digest: z.string().min(1).optional().describe('sha256:…; for a Go module its h1: checksum'),
    commit: z
      .string()
      .regex(/^[0-9a-f]{40}$/, 'a full commit sha')
      .optional()
      .describe('Go modules: the commit the tag points at.'),
    integrity: z.string().min(1).optional().describe('sha512-…'),
    assets: z
      .array(
        z
          .object({
            name: z.string().min(1),
            digest: z.string().regex(/^sha256:[0-9a-f]{64}$/, 'sha256:<64 hex>'),
            url: z.string().min(1),
          })
          .strict(),
      )
      .optional()
      .describe('release-assets: each file on the GitHub Release, checksums.txt included.'),
    skipped: z.boolean().describe('true when the same content was already published'),
  })
  .strict();
export type PublishedItem = z.infer<typeof publishedItemSchema>;

export const publishedListSchema = z
  .object({
    schemaVersion: z.literal(publishedListSchemaVersion),
    kind: z.literal('PublishedList'),
    source: z
      .object({
        repository: z.string().min(1),
        commit: z.string().min(1),
        runUrl: z.string().min(1).optional(),
      })
      .strict(),
    items: z.array(publishedItemSchema),
  })
  .strict();
export type PublishedList = z.infer<typeof publishedListSchema>;

/** Parses and validates a published list (JSON); refuses another schema version or shape, naming the field. */
export function parsePublishedList(text: string, file: string): PublishedList {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw inputError('The published list is not JSON.', {
      file,
      fix: "Pass publish-artifact's `published` output unmodified.",
    });
  }
  const version = (value as { schemaVersion?: unknown } | null)?.schemaVersion;
  if (version !== publishedListSchemaVersion) {
    throw inputError(
      `The published list has schemaVersion ${JSON.stringify(version)}; this relx reads ${publishedListSchemaVersion}.`,
      {
        file,
        field: 'schemaVersion',
        fix: 'Use publish-artifact and write-manifest from the same relx release.',
      },
    );
  }
  const result = publishedListSchema.safeParse(value);
  if (!result.success) {
    throw schemaInputError(
      'The published list',
      result.error.issues,
      file,
      "Pass publish-artifact's `published` output unmodified.",
    );
  }
  const seen = new Set<string>();
  result.data.items.forEach((item, index) => {
    if (seen.has(item.component)) {
      throw inputError(`Component ${item.component} is listed twice.`, {
        file,
        field: `items[${index}].component`,
        fix: 'List each component once.',
      });
    }
    seen.add(item.component);
  });
  return result.data;
}
