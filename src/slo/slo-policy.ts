import { parseDocument } from 'yaml';
import { z } from 'zod';
import { schemaInputError } from '../manifest/schema-issues.js';
import { componentName } from '../manifest/published-list.js';
import { inputError } from '../relx-error.js';
import { parseLabelMatchers, type LabelMatcher } from './label-matchers.js';
import { checkVersionPlaceholders } from './version-placeholders.js';

/**
 * The gate's policy, as data: where the numbers come from, which traffic is the baseline and
 * which the canary, over what window, and the objectives the canary must meet. Validated before
 * any query runs; a bad policy names its field.
 */

/** A Prometheus duration: `30s`, `5m`, `1h`, `1d`. Anything else would end up inside PromQL. */
export const durationPattern = /^([1-9]\d{0,5})(ms|s|m|h|d|w)$/;
const unitMs: Record<string, number> = { ms: 1, s: 1e3, m: 60e3, h: 3600e3, d: 86400e3, w: 604800e3 };

export function durationMs(duration: string): number {
  const [, amount, unit] = durationPattern.exec(duration) ?? [];
  return Number(amount) * (unitMs[unit ?? ''] ?? Number.NaN);
}

const duration = z
  .string()
  .regex(durationPattern, 'a duration such as 30s, 5m, 1h or 1d (a whole number and one unit)');
const nonNegative = z.number().finite().nonnegative('must be 0 or more');
const metricName = z
  .string()
  .regex(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/, 'a metric name such as http_requests_total');
const labelName = z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'a label name such as status');
const selector = z
  .union([z.string(), z.record(labelName, z.string())])
  .describe('Label matchers: `version="canary"` (PromQL) or a map {version: canary} (equality).');

const objectivesSchema = z
  .object({
    maxErrorRateDelta: nonNegative
      .optional()
      .describe('Largest allowed canary error ratio minus baseline error ratio, e.g. 0.01 (one point).'),
    maxP99LatencyDeltaMs: nonNegative
      .optional()
      .describe('Largest allowed canary p99 minus baseline p99, in ms.'),
    maxErrorRate: nonNegative
      .max(1, 'is a ratio, at most 1')
      .optional()
      .describe('Ceiling for the canary error ratio.'),
    maxP99LatencyMs: nonNegative.optional().describe('Ceiling for the canary p99, in ms.'),
    minRequests: nonNegative
      .default(1)
      .describe('Requests each side must have served in the window for the numbers to mean anything.'),
  })
  .strict();

export const sloPolicySchema = z
  .object({
    provider: z.enum(['prometheus', 'datadog']).default('prometheus'),
    selector: selector.optional().describe('Matchers common to both sides, e.g. {service: api}.'),
    baseline: selector.describe('The traffic to compare against, e.g. version="stable".'),
    canary: selector.describe('The new version, e.g. version="canary".'),
    window: duration.default('30m'),
    objectives: objectivesSchema,
    metrics: z
      .object({
        requests: metricName.default('http_requests_total'),
        duration: metricName
          .default('http_request_duration_seconds')
          .describe('A histogram in seconds; its _bucket series are used.'),
        statusLabel: labelName.default('status'),
        errorStatus: z
          .string()
          .regex(/^[0-9.|x()[\]-]+$/, 'a status regular expression such as 5..')
          .default('5..'),
      })
      .strict()
      .default({
        requests: 'http_requests_total',
        duration: 'http_request_duration_seconds',
        statusLabel: 'status',
        errorStatus: '5..',
      }),
    queries: z
      .object({
        requests: z.string().min(1).optional(),
        errorRate: z.string().min(1).optional(),
        p99LatencyMs: z.string().min(1).optional(),
      })
      .strict()
      .optional()
      .describe(
        'Custom queries; {selector} and {window} are filled in. Prometheus: PromQL; Datadog: metric queries.',
      ),
    component: componentName
      .optional()
      .describe(
        'Whose version {canaryVersion} and {stableVersion} name: a component of the release manifests. Default: the only image.',
      ),
    bake: z
      .union([
        duration.transform((d) => ({ duration: d, failureLimit: 1 })),
        z
          .object({
            duration: duration
              .optional()
              .describe('How long each canary step must bake, measured from the commit that set its weight.'),
            samples: z.number().int().min(1).max(100).optional(),
            interval: duration.optional().describe('Time between samples (default: the window).'),
            failureLimit: z
              .number()
              .int()
              .min(1)
              .default(1)
              .describe('The gate fails once this many samples have failed.'),
          })
          .strict(),
      ])
      .optional()
      .describe(
        'A bake: `30m` (a duration) or {duration | samples, interval, failureLimit}. Without it the environment canary `bake` applies.',
      ),
    onInconclusive: z.enum(['fail', 'pass']).default('fail'),
    retries: z
      .number()
      .int()
      .min(0)
      .max(10)
      .default(3)
      .describe('Retries of a failed query before failing closed.'),
  })
  .strict();

export type SloPolicyInput = z.input<typeof sloPolicySchema>;
type ParsedPolicy = z.infer<typeof sloPolicySchema>;

/** A bake, normalised: `bake: 30m` is `{duration: 30m}`. */
export interface BakePolicy {
  /** How long a canary step must bake (across runs, from the step's commit). */
  duration?: string;
  /** Samples taken in one run, `interval` apart (a bake that holds the runner). */
  samples?: number;
  interval?: string;
  failureLimit: number;
}

export interface SloPolicy extends Omit<ParsedPolicy, 'selector' | 'baseline' | 'canary' | 'bake'> {
  selector: LabelMatcher[];
  baseline: LabelMatcher[];
  canary: LabelMatcher[];
  bake?: BakePolicy;
}

/** Validates a policy document (YAML or JSON); every problem names its field. */
export function parseSloPolicy(text: string, source: string): SloPolicy {
  const document = parseDocument(text);
  if (document.errors.length > 0) {
    throw inputError(
      `The SLO policy is not valid YAML: ${document.errors[0]?.message.split('\n')[0] ?? ''}`,
      {
        file: source,
        fix: 'Fix the YAML syntax; quote selectors such as \'version="canary"\'.',
      },
    );
  }
  return validateSloPolicy(document.toJS(), source);
}

export function validateSloPolicy(value: unknown, source: string): SloPolicy {
  const result = sloPolicySchema.safeParse(value ?? {});
  if (!result.success) {
    throw schemaInputError(
      'The SLO policy',
      result.error.issues,
      source,
      'See the slo-gate README for the policy format.',
    );
  }
  const policy = result.data;
  const objectives = policy.objectives;
  if (
    objectives.maxErrorRateDelta === undefined &&
    objectives.maxP99LatencyDeltaMs === undefined &&
    objectives.maxErrorRate === undefined &&
    objectives.maxP99LatencyMs === undefined
  ) {
    throw inputError('The SLO policy has no objective: it would pass anything.', {
      file: source,
      field: 'objectives',
      fix: 'Set at least one of maxErrorRateDelta, maxP99LatencyDeltaMs, maxErrorRate, maxP99LatencyMs.',
    });
  }
  const bake: BakePolicy | undefined = policy.bake;
  if (bake && bake.duration === undefined && bake.samples === undefined) {
    throw inputError("The SLO policy's bake says neither how long nor how many samples.", {
      file: source,
      field: 'bake',
      fix: 'Write bake: 30m, or bake: {duration: 30m, interval: 5m}, or bake: {samples: 6, interval: 5m}.',
    });
  }
  const matchers = (field: string, value: ParsedPolicy['baseline'] | undefined) =>
    value === undefined ? [] : parseLabelMatchers(value, { source, field });
  const parsed: SloPolicy = {
    ...policy,
    selector: matchers('selector', policy.selector),
    baseline: matchers('baseline', policy.baseline),
    canary: matchers('canary', policy.canary),
    ...(bake ? { bake } : {}),
  };
  checkVersionPlaceholders(parsed, source);
  return parsed;
}
