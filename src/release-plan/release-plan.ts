import { z } from 'zod';
import { bumpLevels, componentTypes } from '../workspace/relx-config.js';

/**
 * The release plan: what analyze-commits decides and bump-version applies. Written to disk and
 * passed between jobs, so it carries a schema version; a plan of another version is refused.
 * Deterministic: no timestamps, stable ordering, so the same history gives the same bytes.
 */
export const releasePlanSchemaVersion = 1;

const bump = z.enum(bumpLevels);

const commitReason = z.object({
  kind: z.literal('commit'),
  sha: z.string(),
  type: z.string(),
  scope: z.string().nullable(),
  subject: z.string(),
  breaking: z.boolean(),
  /** Breaking-change notes, for the changelog. */
  notes: z.array(z.string()),
  bump,
  /** Written in a BEGIN_COMMIT_OVERRIDE block, or nested (`commits.nested`); absent: the commit's header. */
  origin: z.enum(['override', 'nested']).optional(),
  /** Counted though it changed no file of the component: an empty commit at the root (`root`), by its scope (`scope`), or named by Release-As. */
  via: z.enum(['root', 'scope', 'release-as']).optional(),
});

/** A `Release-As:` footer set the version. */
const releaseAsReason = z.object({
  kind: z.literal('release-as'),
  sha: z.string(),
  version: z.string(),
  /** The component the footer named (`Release-As: api@2.0.0`), or null when it named none. */
  component: z.string().nullable(),
});

const dependencyReason = z.object({
  kind: z.literal('dependency'),
  dependency: z.string(),
  from: z.string().nullable(),
  to: z.string(),
});

const lockstepReason = z.object({
  kind: z.literal('lockstep'),
  group: z.string(),
});

export const planReasonSchema = z.discriminatedUnion('kind', [
  commitReason,
  dependencyReason,
  lockstepReason,
  releaseAsReason,
]);

export const plannedComponentSchema = z.object({
  name: z.string(),
  type: z.enum(componentTypes),
  paths: z.array(z.string()),
  versionFile: z.string().nullable(),
  scheme: z.enum(['semver', 'calver']),
  tagFormat: z.string(),
  /** The last stable version (its tag's), or the version file's before the first release. */
  currentVersion: z.string().nullable(),
  /** The newest release tag of this component reachable from the head, stable or pre-release. */
  lastTag: z.string().nullable(),
  release: z.boolean(),
  bump,
  nextVersion: z.string().nullable(),
  nextTag: z.string().nullable(),
  /** Commits attributed to the component since its last release, releasable or not. */
  commitCount: z.number().int().nonnegative(),
  reasons: z.array(planReasonSchema),
});

export const ignoredCommitSchema = z.object({
  sha: z.string(),
  header: z.string(),
  reason: z.string(),
  components: z.array(z.string()),
});

export const releasePlanSchema = z.object({
  schemaVersion: z.literal(releasePlanSchemaVersion),
  kind: z.literal('ReleasePlan'),
  head: z.string(),
  branch: z.string().nullable(),
  /** Pre-release identifier of the channel the head's branch releases on; null for stable. */
  channel: z.string().nullable(),
  components: z.array(plannedComponentSchema),
  ignoredCommits: z.array(ignoredCommitSchema),
});

export type ReleasePlan = z.infer<typeof releasePlanSchema>;
export type PlannedComponent = z.infer<typeof plannedComponentSchema>;
export type PlanReason = z.infer<typeof planReasonSchema>;
export type IgnoredCommit = z.infer<typeof ignoredCommitSchema>;

/** The components the plan releases, in plan order. */
export const releasedComponents = (plan: ReleasePlan): PlannedComponent[] =>
  plan.components.filter((c) => c.release);

/** Plans are compared byte for byte (cache or not, CLI or action): one serialisation. */
export const serializeReleasePlan = (plan: ReleasePlan): string => `${JSON.stringify(plan, null, 2)}\n`;
