import type { NowClock } from '../clock.js';
import {
  componentsOfChange,
  deliveredChanges,
  planSourceRevisions,
  type SourceHistory,
} from './change-lead-time.js';
import { planPromotionTimeline, type PromotionCommit, type PromotionUnit } from './promotion-timeline.js';

/** Metrics read only the time (src/clock.ts's NowClock). */
export type Clock = NowClock;

export interface MetricsPeriod {
  environment: string;
  /** The period ends now (the clock) and starts this many days before. */
  days: number;
  /** Only promotions that changed this component (or rolled it back). */
  component?: string | null;
}

/** Seconds. Percentiles by nearest rank: every figure is a time one change actually took. */
export interface DurationSummary {
  count: number;
  median: number | null;
  p90: number | null;
}

export interface DeliveryMetrics {
  environment: string;
  component: string | null;
  period: { since: string; until: string; days: number };
  /** Promotions started in the period (rollbacks apart), whatever became of them. */
  promotions: number;
  /** Promotions that took all traffic: plain promotions, hotfixes, completed canaries. */
  deployments: number;
  rollbacks: number;
  deploymentFrequency: { perDay: number; perWeek: number };
  leadTime: DurationSummary & {
    /** Deployments whose source commit the source repository does not have. */
    unmeasured: number;
    byComponent: Record<string, DurationSummary>;
  };
  buildToDeploy: DurationSummary;
  changeFailure: {
    failed: number;
    /** Promotions with an outcome: completed or aborted (a canary still running has none yet). */
    of: number;
    rate: number | null;
    byCause: { rollback: number; abort: number; hotfix: number };
  };
  timeToRestore: DurationSummary & { unrestored: number };
  canary: { through: number; of: number; share: number | null };
  audit: {
    commits: number;
    withApprover: number;
    withRun: number;
    validManifest: number;
    complete: number;
    share: number | null;
  };
  /** 7-day buckets from the start of the period: deployments and the median lead time. */
  weeks: Array<{ start: string; deployments: number; leadTimeMedian: number | null }>;
}

const day = 86_400;

export function summarize(samples: readonly number[]): DurationSummary {
  if (samples.length === 0) return { count: 0, median: null, p90: null };
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = (p: number) => sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] ?? null;
  return { count: sorted.length, median: rank(0.5), p90: rank(0.9) };
}

const ratio = (n: number, of: number) => (of === 0 ? null : n / of);
const iso = (seconds: number) => new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');

/** Components whose pin differs from what the environment ran before; all of them for a first release. */
export function changedComponents(unit: PromotionUnit): string[] {
  const now = unit.release?.pins ?? {};
  const before = unit.before?.pins ?? {};
  const names = new Set([...Object.keys(now), ...Object.keys(before)]);
  return [...names].filter((n) => now[n] !== before[n]).sort();
}

type Failure = { cause: 'rollback' | 'abort' | 'hotfix'; since: number; restoredAt: number | null };

/**
 * Which promotions failed: an aborted canary; or a completed promotion whose next promotion (an
 * aborted canary in between does not count: the environment kept running it) is a rollback or a
 * hotfix. Restored: at the abort, else when the environment next reached a good state — a rollback,
 * or a completed promotion that did not fail itself.
 */
export function attributeFailures(units: readonly PromotionUnit[]): Map<PromotionUnit, Failure> {
  const failures = new Map<PromotionUnit, Failure>();
  let goodAt: number | null = null; // the next good state after the unit being looked at
  let next: PromotionUnit | null = null; // the next promotion that was not an aborted canary
  for (let i = units.length - 1; i >= 0; i--) {
    const u = units[i] as PromotionUnit;
    if (u.abortedAt !== null) {
      failures.set(u, { cause: 'abort', since: u.start, restoredAt: u.abortedAt });
      continue;
    }
    const following = next;
    next = u;
    if (u.completedAt === null) continue;
    if (u.kind !== 'rollback') {
      const cause =
        following?.kind === 'rollback' ? 'rollback' : following?.kind === 'hotfix' ? 'hotfix' : null;
      if (cause) failures.set(u, { cause, since: u.completedAt, restoredAt: goodAt });
    }
    if (!failures.has(u)) goodAt = u.completedAt;
  }
  return failures;
}

function periodBounds(period: MetricsPeriod, clock: Clock): { since: number; until: number } {
  const until = Math.floor(clock.now().getTime() / 1000);
  return { since: until - Math.round(period.days * day), until };
}

/** The source commits computeDeliveryMetrics will need: what the shell reads in its one source pass. */
export function planMetricsSourceRevisions(
  promotions: readonly PromotionCommit[],
  period: MetricsPeriod,
  clock: Clock,
): { include: string[]; exclude: string[] } {
  const { since, until } = periodBounds(period, clock);
  const units = planPromotionTimeline(
    promotions.filter((c) => c.time <= until),
    period.environment,
  );
  return planSourceRevisions(units, since);
}

type LeadSample = { at: number; seconds: number; components: string[] };

/**
 * Lead time of every change the period's deployments brought, in delivery order (each change
 * counts once: `delivered` starts with what the environment had before the period).
 */
function measureLeadTimes(
  all: readonly PromotionUnit[],
  since: number,
  source: SourceHistory,
  component: string | null,
  touches: (u: PromotionUnit) => boolean,
): { samples: LeadSample[]; unmeasured: number } {
  const delivered = new Set(planSourceRevisions(all, since).exclude);
  const samples: LeadSample[] = [];
  let unmeasured = 0;
  for (const u of all) {
    if (u.start < since || u.kind === 'rollback' || u.completedAt === null || !u.release) continue;
    const at = u.completedAt;
    const changes = deliveredChanges(u.release.sourceCommit, source, delivered);
    if (!touches(u)) continue;
    if (changes === null) {
      unmeasured++;
      continue;
    }
    const changed = changedComponents(u).filter((c) => component === null || c === component);
    for (const change of changes) {
      const components = componentsOfChange(changed, change.files, source.componentPaths);
      if (component !== null && components.length === 0) continue; // not a change of that component
      samples.push({ at, seconds: at - change.firstCommitTime, components });
    }
  }
  return { samples, unmeasured };
}

function auditFigures(commits: readonly PromotionCommit[]) {
  const valid = (c: PromotionCommit) => c.release?.valid === true;
  return {
    withApprover: commits.filter((c) => !!c.approvedBy).length,
    withRun: commits.filter((c) => !!c.run).length,
    validManifest: commits.filter(valid).length,
    complete: commits.filter((c) => !!c.approvedBy && !!c.run && valid(c)).length,
  };
}

function weeklyFigures(
  since: number,
  until: number,
  deployments: readonly PromotionUnit[],
  samples: readonly LeadSample[],
): DeliveryMetrics['weeks'] {
  const weeks: DeliveryMetrics['weeks'] = [];
  for (let start = since; start < until; start += 7 * day) {
    const inWeek = (at: number) => at >= start && at < start + 7 * day;
    weeks.push({
      start: iso(start),
      deployments: deployments.filter((u) => inWeek(u.completedAt as number)).length,
      leadTimeMedian: summarize(samples.filter((s) => inWeek(s.at)).map((s) => s.seconds)).median,
    });
  }
  return weeks;
}

/** The delivery figures of one environment over a period. Pure: the history, the source commits, the clock. */
export function computeDeliveryMetrics(
  promotions: readonly PromotionCommit[],
  source: SourceHistory,
  period: MetricsPeriod,
  clock: Clock,
): DeliveryMetrics {
  const { since, until } = periodBounds(period, clock);
  const component = period.component ?? null;
  // as of the clock: what came after it (a report for a past date) does not exist yet
  const all = planPromotionTimeline(
    promotions.filter((c) => c.time <= until),
    period.environment,
  );
  const failures = attributeFailures(all);
  const touches = (u: PromotionUnit) =>
    component === null || u.rollbackComponent === component || changedComponents(u).includes(component);

  const inPeriod = all.filter((u) => u.start >= since && touches(u));
  const { samples: leadSamples, unmeasured } = measureLeadTimes(all, since, source, component, touches);

  const changes = inPeriod.filter((u) => u.kind !== 'rollback');
  const deployments = changes.filter((u) => u.completedAt !== null);
  const withOutcome = changes.filter((u) => u.completedAt !== null || u.abortedAt !== null);
  const failed = withOutcome.filter((u) => failures.has(u));
  const byCause = { rollback: 0, abort: 0, hotfix: 0 };
  for (const u of failed) byCause[(failures.get(u) as Failure).cause]++;
  const restored = failed.map((u) => failures.get(u) as Failure).filter((f) => f.restoredAt !== null);

  const byComponent: Record<string, DurationSummary> = {};
  const names = [...new Set(leadSamples.flatMap((s) => s.components))].sort();
  for (const name of names)
    byComponent[name] = summarize(
      leadSamples.filter((s) => s.components.includes(name)).map((s) => s.seconds),
    );

  const auditCommits = inPeriod.flatMap((u) => u.commits).filter((c) => c.time >= since);
  const audited = auditFigures(auditCommits);
  const weeks = weeklyFigures(since, until, deployments, leadSamples);

  return {
    environment: period.environment,
    component,
    period: { since: iso(since), until: iso(until), days: period.days },
    promotions: changes.length,
    deployments: deployments.length,
    rollbacks: inPeriod.length - changes.length,
    deploymentFrequency: {
      perDay: deployments.length / period.days,
      perWeek: (deployments.length * 7) / period.days,
    },
    leadTime: { ...summarize(leadSamples.map((s) => s.seconds)), unmeasured, byComponent },
    buildToDeploy: summarize(
      deployments
        .filter((u) => u.release)
        .map((u) => (u.completedAt as number) - (u.release?.createdAt as number)),
    ),
    changeFailure: {
      failed: failed.length,
      of: withOutcome.length,
      rate: ratio(failed.length, withOutcome.length),
      byCause,
    },
    timeToRestore: {
      ...summarize(restored.map((f) => (f.restoredAt as number) - f.since)),
      unrestored: failed.length - restored.length,
    },
    canary: {
      through: changes.filter((u) => u.canary).length,
      of: changes.length,
      share: ratio(changes.filter((u) => u.canary).length, changes.length),
    },
    audit: { commits: auditCommits.length, ...audited, share: ratio(audited.complete, auditCommits.length) },
    weeks,
  };
}
