import { systemClock, type Clock } from '../clock.js';
import { pinnedComponents } from '../manifest/diff-manifests.js';
import {
  parseReleaseManifest,
  releaseNamePattern,
  type ReleaseManifest,
} from '../manifest/release-manifest.js';
import { validateManifest } from '../manifest/validate-manifest.js';
import { conflictError, inputError, transientError } from '../relx-error.js';
import { readCanaryFromClone } from './canary-state.js';
import { trafficFiles } from './canary-traffic.js';
import {
  canaryConfig,
  checkEnvironment,
  environmentFolder,
  gitopsConfigFile,
  parseGitOpsConfig,
  releaseFile,
} from './gitops-config.js';
import { planCanary, type CanaryIntent, type CanaryOutcome, type CanaryPlan } from './plan-canary.js';
import { GitOpsClone, type GitOpsRemote, type HistoryEntry } from './gitops-repository.js';
import {
  fingerprint,
  planPromotion,
  refuseUnderCanary,
  type PromotionIntent,
  type PromotionState,
} from './plan-promotion.js';
import type { PromotionRecord } from './promotion-commit.js';
import type { WriteBoundary } from '../release/write-boundary.js';

export interface PromotionContext {
  remote: GitOpsRemote;
  environment: string;
  approvedBy?: string | null;
  run?: string | null;
  dryRun?: boolean;
  /** How long to keep trying when other promotions keep landing first, in all (default 10 minutes). */
  raceTimeoutMs?: number;
  /** Injected for tests: time and waiting (default: src/clock.ts's systemClock). */
  clock?: PromotionClock;
  /** The jitter of the backoff, in [0, 1) (default: the system clock's). */
  random?: () => number;
  onProgress?: (message: string) => void;
  /** Test hook around every write into the GitOps clone (see write-boundary.ts); none in production. */
  boundary?: WriteBoundary;
}

/** What a promotion reads of the clock (src/clock.ts): the time, and waiting after a lost race. */
export type PromotionClock = Pick<Clock, 'now' | 'sleep'>;

/**
 * The wait after the `lost`-th lost push race: "full jitter" exponential backoff (a random share of
 * 50 ms · 2^lost, at most 8 s), so contenders spread out instead of racing again in step: the more
 * promotions race, the longer each waits, and the fewer pushes are wasted. Pure.
 */
export function raceBackoffMs(lost: number, random: () => number): number {
  return Math.round(random() * Math.min(8000, 50 * 2 ** Math.min(lost, 10)));
}

export interface PromotionResult {
  status: 'promoted' | 'unchanged' | 'planned';
  environment: string;
  manifest: string;
  previous: string | null;
  commit: string | null;
  files: string[];
  attempts: number;
  record: PromotionRecord | null;
  /** For a canary step, complete or abort: what it did and the weight after it. */
  canary?: CanaryOutcome;
}

/** A manifest from outside: parsed, checked for floating references and compatibility, before any git. */
export function readManifestForPromotion(text: string, source: string): ReleaseManifest {
  const manifest = parseReleaseManifest(text, source);
  validateManifest(manifest, source);
  return manifest;
}

const parseAt = (entry: { content: string | null; commit: string }, path: string) =>
  entry.content === null ? null : parseReleaseManifest(entry.content, `${path}@${entry.commit.slice(0, 7)}`);

async function readState(clone: GitOpsClone, environment: string): Promise<PromotionState> {
  const config = parseGitOpsConfig(clone.read(gitopsConfigFile));
  checkEnvironment(config, environment);
  const position = config.environments.indexOf(environment);
  const upstream = position > 0 ? config.environments[position - 1] : null;
  const upstreamPath = upstream ? releaseFile(config, upstream) : null;
  const upstreamHistory = upstreamPath
    ? (await clone.history(upstreamPath)).map((h) => ({
        manifest: parseAt(h, upstreamPath),
        record: h.record,
      }))
    : [];
  const overlays = new Map<string, string | null>();
  for (const overlay of config.overlays) {
    const file = `${environmentFolder(config, environment)}/${overlay.file}`;
    overlays.set(file, clone.read(file));
  }
  const traffic = canaryConfig(config, environment)?.traffic ?? [];
  for (const file of trafficFiles(traffic, environmentFolder(config, environment)))
    overlays.set(file, clone.read(file));
  const { stable, canary, steps } = await readCanaryFromClone(clone, config, environment);
  return { config, environment, current: stable, upstreamHistory, overlays, canary, canarySteps: steps };
}

/**
 * Plan → commit → push, and when another promotion landed first: fetch, plan again on the new
 * tip, retry after a jittered backoff — for as long as `raceTimeoutMs` allows, not a fixed number
 * of attempts, so many promotions at once all land. The other promotion is never lost, and a
 * promotion that has become a no-op (the same release landed meanwhile) stops there.
 */
async function land(
  context: PromotionContext,
  intentFor: (state: PromotionState, clone: GitOpsClone) => Promise<PromotionIntent>,
): Promise<PromotionResult> {
  return landPlan(context, async (state, clone) => {
    const intent = await intentFor(state, clone);
    const plan = planPromotion(state, intent);
    const name = plan.kind === 'unchanged' ? plan.manifest : intent.manifest.metadata.name;
    return { ...plan, manifest: name, previous: state.current?.metadata.name ?? null };
  });
}

/** A plan `landPlan` commits: a promotion's or a canary step's. */
type LandingPlan =
  | { kind: 'unchanged'; manifest: string; previous: string | null; canary?: CanaryOutcome }
  | {
      kind: 'write';
      manifest: string;
      previous: string | null;
      files: Map<string, string | null>;
      message: string;
      record: PromotionRecord;
      canary?: CanaryOutcome;
    };

async function landPlan(
  context: PromotionContext,
  planFor: (state: PromotionState, clone: GitOpsClone) => Promise<LandingPlan>,
): Promise<PromotionResult> {
  const progress = context.onProgress ?? (() => {});
  const clock = context.clock ?? systemClock;
  const random = context.random ?? (() => systemClock.random());
  const timeout = context.raceTimeoutMs ?? 10 * 60_000;
  const started = clock.now().getTime();
  const { clone } = await GitOpsClone.openConfigured(context.remote, context.boundary);
  try {
    for (let attempt = 1; ; attempt++) {
      const state = await readState(clone, context.environment);
      const plan = await planFor(state, clone);
      const base = {
        environment: context.environment,
        manifest: plan.manifest,
        previous: plan.previous,
        attempts: attempt,
        ...(plan.canary ? { canary: plan.canary } : {}),
      };
      if (plan.kind === 'unchanged') {
        progress(`${context.environment}: already as asked (${plan.manifest}), nothing to write`);
        return { ...base, status: 'unchanged', commit: null, files: [], record: null };
      }
      if (context.dryRun) {
        return {
          ...base,
          status: 'planned',
          commit: null,
          files: [...plan.files.keys()],
          record: plan.record,
        };
      }
      // a retry checks first whether it would lose again, before it commits and pushes
      const commit =
        attempt > 1 && (await clone.remoteMoved()) ? null : await clone.commit(plan.files, plan.message);
      if (commit && (await clone.push())) {
        progress(`${context.environment}: ${plan.message.split('\n')[0]} (${commit.slice(0, 7)})`);
        return { ...base, status: 'promoted', commit, files: [...plan.files.keys()], record: plan.record };
      }
      const wait = raceBackoffMs(attempt, random);
      const elapsed = clock.now().getTime() - started;
      if (elapsed + wait > timeout) {
        throw transientError(
          `${context.environment}: other promotions kept landing first (${attempt} attempts in ${Math.round(elapsed / 1000)} s).`,
          { fix: 'Re-run: nothing was lost, and a promotion already there is a no-op.' },
        );
      }
      progress(`${context.environment}: another promotion landed first; trying again on top of it`);
      await clock.sleep(wait);
      await clone.refresh();
    }
  } finally {
    clone.close();
  }
}

export function promoteEnvironment(
  context: PromotionContext,
  manifest: ReleaseManifest,
  options: { hotfix?: boolean } = {},
): Promise<PromotionResult> {
  return land(context, async () => ({
    manifest,
    kind: 'promote',
    hotfix: options.hotfix ?? false,
    approvedBy: context.approvedBy ?? null,
    run: context.run ?? null,
  }));
}

/** A rollback from `current` to `manifest`: outside the environment order, recorded as such. */
function rollbackIntent(
  context: PromotionContext,
  current: ReleaseManifest,
  manifest: ReleaseManifest,
  details: { title: string; component?: string },
): PromotionIntent {
  return {
    manifest,
    kind: 'rollback',
    hotfix: false,
    approvedBy: context.approvedBy ?? null,
    run: context.run ?? null,
    rollbackOf: current.metadata.name,
    ...details,
  };
}

/**
 * The releases an environment ran, newest first, without those it was rolled back from: "the
 * previous release" must never be one that was just rolled back, or a second rollback would
 * undo the first.
 */
async function rollbackCandidates(clone: GitOpsClone, state: PromotionState): Promise<ReleaseManifest[]> {
  const path = releaseFile(state.config, state.environment);
  const history: HistoryEntry[] = await clone.history(path);
  const rolledBack = new Set(history.map((h) => h.record?.rollbackOf).filter((n): n is string => !!n));
  return history
    .map((h) => parseAt(h, path))
    .filter((m): m is ReleaseManifest => m !== null && !rolledBack.has(m.metadata.name));
}

/**
 * Whether the environment's latest change is this very rollback, made by the same run (its
 * Relx-Run trailer): a re-run after the rollback landed — the first run killed after its push —
 * must not roll back a second time. The run is the rollback's identity; without one (a CLI call
 * with no --run) each rollback is a new one.
 */
async function rolledBackByThisRun(
  clone: GitOpsClone,
  state: PromotionState,
  run: string | null | undefined,
  component: string | null,
): Promise<boolean> {
  if (!run) return false;
  const [latest] = await clone.history(releaseFile(state.config, state.environment));
  const record = latest?.record;
  return !!record?.rollbackOf && record.run === run && record.component === component;
}

/** The whole environment back to the release before the current one (or `to`, a release it ran). */
export function rollbackEnvironment(context: PromotionContext, to?: string): Promise<PromotionResult> {
  return land(context, async (state, clone) => {
    const current = state.current;
    refuseUnderCanary(state);
    if (!current)
      throw inputError(`${context.environment} has no release to roll back.`, {
        field: 'environment',
        fix: 'Promote a release first.',
      });
    if (await rolledBackByThisRun(clone, state, context.run, null))
      return rollbackIntent(context, current, current, { title: '' }); // planned as unchanged
    const history = await rollbackCandidates(clone, state);
    const target = history.find((m) =>
      to ? m.metadata.name === to : fingerprint(m) !== fingerprint(current),
    );
    if (!target) {
      throw inputError(
        to
          ? `${context.environment} never ran ${to}.`
          : `${context.environment} has no earlier release to go back to.`,
        {
          field: to ? '--to' : 'environment',
          fix: 'See `relx history --env <env>` for the releases it ran.',
        },
      );
    }
    return rollbackIntent(context, current, target, {
      title: `rollback(${context.environment}): ${current.metadata.name} → ${target.metadata.name}`,
    });
  });
}

/**
 * One component back to its previous version (or `toVersion`), everything else as it is: a derived
 * manifest, named after the release it changes, is what the environment then runs.
 */
export function rollbackComponent(
  context: PromotionContext,
  component: string,
  toVersion?: string,
  now: Date = (context.clock ?? systemClock).now(),
): Promise<PromotionResult> {
  if (!/^[A-Za-z0-9@][A-Za-z0-9@/._-]*$/.test(component) || component.split('/').includes('..')) {
    return Promise.reject(
      inputError(`"${component}" is not a component name.`, {
        field: 'component',
        fix: 'Use the name as the manifest lists it.',
      }),
    );
  }
  return land(context, async (state, clone) => {
    const current = state.current;
    refuseUnderCanary(state);
    if (!current)
      throw inputError(`${context.environment} has no release to roll back.`, {
        field: 'environment',
        fix: 'Promote a release first.',
      });
    if (await rolledBackByThisRun(clone, state, context.run, component))
      return rollbackIntent(context, current, current, { component, title: '' }); // planned as unchanged
    const now_ = pinnedComponents(current).get(component);
    if (!now_) {
      throw inputError(`${context.environment} runs no component named ${component}.`, {
        field: 'component',
        fix: `Use one of: ${[...pinnedComponents(current).keys()].join(', ')}.`,
      });
    }
    const path = releaseFile(state.config, state.environment);
    const history = await rollbackCandidates(clone, state);
    const source = history.find((m) => {
      const then = pinnedComponents(m).get(component);
      return (
        then &&
        (toVersion ? then.version === toVersion : then.version !== now_.version || then.pin !== now_.pin)
      );
    });
    if (!source) {
      throw inputError(
        toVersion
          ? `${context.environment} never ran ${component} ${toVersion}.`
          : `${context.environment} never ran another version of ${component}.`,
        { field: 'component', fix: 'See `relx history --env <env>` for what it ran.' },
      );
    }
    const swap = <T extends { name: string }>(mine: T[], theirs: T[]) =>
      mine.map((c) => (c.name === component ? (theirs.find((t) => t.name === component) ?? c) : c));
    const from = now_.version;
    const to = pinnedComponents(source).get(component)?.version ?? '';
    const slug = component.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+/, '');
    const name = `${current.metadata.name}-rollback-${slug}-${to}`.slice(0, 128);
    if (!releaseNamePattern.test(name)) {
      throw conflictError(`Cannot name the derived release for ${component}.`, {
        fix: 'Roll back the whole environment instead.',
      });
    }
    const derived: ReleaseManifest = {
      ...current,
      metadata: { ...current.metadata, name, createdAt: now.toISOString(), previous: current.metadata.name },
      components: {
        packages: swap(current.components.packages, source.components.packages),
        images: swap(current.components.images, source.components.images),
        infrastructure: swap(current.components.infrastructure, source.components.infrastructure),
      },
    };
    validateManifest(derived, `${path} (derived)`);
    return rollbackIntent(context, current, derived, {
      component,
      title: `rollback(${context.environment}): ${component} ${from} → ${to}`,
    });
  });
}

/**
 * A canary step, complete or abort (see plan-canary.ts), landed like a promotion: the same clone,
 * push-race retry and trailers, planned again on every attempt.
 */
export function promoteCanary(
  context: PromotionContext,
  request: CanaryIntent['request'],
): Promise<PromotionResult> {
  return landPlan(context, async (state): Promise<CanaryPlan> =>
    planCanary(state, { request, approvedBy: context.approvedBy ?? null, run: context.run ?? null }),
  );
}
