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

/** A release train's finish: `relx train finish` releases the train's X.Y.0. */
const trainReason = z.object({
  kind: z.literal('train'),
  train: z.string(),
  version: z.string(),
});

export const planReasonSchema = z.discriminatedUnion('kind', [
  trainReason,
  commitReason,
  dependencyReason,
  lockstepReason,
  releaseAsReason,
]);

/** Where the component's history (the commits that decide its bump) starts: after this, exclusive. */
export const releaseStartSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('tag'), tag: z.string(), commit: z.string() }),
  /** No tag carries the current version: the commit that last set it in the version file. */
  z.object({
    kind: z.literal('version-file'),
    file: z.string(),
    version: z.string(),
    commit: z.string(),
    /** That commit created the file: it and everything after it count (nothing was released before). */
    createdFile: z.boolean(),
    parent: z.string().nullable(),
  }),
  /** Configured with bootstrapCommit. */
  z.object({ kind: z.literal('bootstrap-commit'), commit: z.string() }),
  /** Neither a tag nor a version: the component's whole history. */
  z.object({ kind: z.literal('history') }),
]);

export const plannedComponentSchema = z.object({
  name: z.string(),
  type: z.enum(componentTypes),
  paths: z.array(z.string()),
  versionFile: z.string().nullable(),
  scheme: z.enum(['semver', 'calver']),
  tagFormat: z.string(),
  /** Configured, inferred from the component's existing tags, or the default (no tags to infer from). */
  tagFormatSource: z.enum(['configured', 'inferred', 'default']).optional(),
  since: releaseStartSchema.optional(),
  /** The last stable version: the higher of its newest tag's and the version file's. */
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
  /** Why the component is never released (a private package without a version); absent when it can be. */
  notReleased: z.string().optional(),
  /** The release train this version belongs to, e.g. `sdk v1.4`; absent outside a train. */
  train: z.string().optional(),
});

/** The maintenance line (or train branch) the plan's branch releases on: see maintenance-line.ts. */
export const maintenanceLineSchema = z.object({
  branch: z.string(),
  range: z.string(),
  patchOnly: z.boolean(),
  distTag: z.string().nullable(),
  fallbackDistTag: z.string(),
  train: z.object({ name: z.string(), version: z.string(), components: z.array(z.string()) }).nullable(),
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
  /** What the plan could not decide for certain (tags in two conventions, implied lockstep). */
  warnings: z.array(z.string()).optional(),
  /** Set when the branch is a maintenance line or a train branch: versions stay in its range. */
  line: maintenanceLineSchema.optional(),
});

export type ReleasePlan = z.infer<typeof releasePlanSchema>;
export type PlannedComponent = z.infer<typeof plannedComponentSchema>;
export type PlanReason = z.infer<typeof planReasonSchema>;
export type IgnoredCommit = z.infer<typeof ignoredCommitSchema>;
export type ReleaseStart = z.infer<typeof releaseStartSchema>;

/** The components the plan releases, in plan order. */
export const releasedComponents = (plan: ReleasePlan): PlannedComponent[] =>
  plan.components.filter((c) => c.release);

/** Plans are compared byte for byte (cache or not, CLI or action): one serialisation. */
export const serializeReleasePlan = (plan: ReleasePlan): string => `${JSON.stringify(plan, null, 2)}\n`;
