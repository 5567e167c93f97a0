import { pinnedComponents } from '../manifest/diff-manifests.js';
import { renderReleaseManifest, type ReleaseManifest } from '../manifest/release-manifest.js';
import { conflictError } from '../relx-error.js';
import type { CanaryState, CanaryStep } from './canary-state.js';
import { renderTraffic } from './canary-traffic.js';
import { applyOverlay } from './environment-overlays.js';
import { canaryConfig, environmentFolder, releaseFile, type GitOpsConfig } from './gitops-config.js';
import type { HistoryEntry } from './gitops-repository.js';
import { renderPromotionMessage, type PromotionRecord } from './promotion-commit.js';

/** What an environment runs, independent of names and timestamps: each component's version and pin. */
export function fingerprint(manifest: ReleaseManifest): string {
  return JSON.stringify([...pinnedComponents(manifest).values()].map((c) => [c.name, c.version, c.pin]));
}

export interface PromotionState {
  config: GitOpsConfig;
  environment: string;
  /** The environment's release.yaml now, parsed; null before its first promotion. */
  current: ReleaseManifest | null;
  /** Promotions of the environment before this one in the order, newest first (empty for the first). */
  upstreamHistory: Array<{ manifest: ReleaseManifest | null; record: HistoryEntry['record'] }>;
  /** Overlay files (and the canary's traffic files) as they are now, by path. */
  overlays: ReadonlyMap<string, string | null>;
  /** The canary in progress beside `current`; null when none runs. */
  canary: CanaryState | null;
  /** The environment's canary commits, newest first. */
  canarySteps: readonly CanaryStep[];
}

export interface PromotionIntent {
  manifest: ReleaseManifest;
  /** A rollback goes back to something the environment ran; it is not held to the order. */
  kind: 'promote' | 'rollback';
  hotfix: boolean;
  approvedBy: string | null;
  run: string | null;
  rollbackOf?: string | null;
  component?: string | null;
  title?: string;
}

export type PromotionPlan =
  | { kind: 'unchanged'; manifest: string }
  | { kind: 'write'; files: Map<string, string | null>; message: string; record: PromotionRecord };

/** One canary per environment, and nothing else changes under it: no promotion, no rollback. */
export function refuseUnderCanary(state: PromotionState): void {
  if (!state.canary) return;
  throw conflictError(
    `${state.environment} has a canary of ${state.canary.release} in progress (at ${state.canary.weight} %).`,
    {
      field: 'environment',
      fix: 'Complete it (--complete, canary-complete) or abort it (--abort, canary-abort) first: one canary per environment, and nothing else changes under it.',
    },
  );
}

/**
 * A release reaches an environment only after the one before it in the order ran it (and did not
 * roll it back), unless it is a hotfix.
 */
export function checkOrder(state: PromotionState, target: ReleaseManifest, hotfix: boolean): void {
  const { config, environment } = state;
  const position = config.environments.indexOf(environment);
  const upstream = position > 0 ? config.environments[position - 1] : null;
  if (!upstream || hotfix) return;
  const failed = new Set(
    state.upstreamHistory.map((h) => h.record?.rollbackOf).filter((n): n is string => !!n),
  );
  const passed = state.upstreamHistory.some(
    (h) =>
      h.manifest && fingerprint(h.manifest) === fingerprint(target) && !failed.has(h.manifest.metadata.name),
  );
  if (!passed) {
    throw conflictError(
      `${target.metadata.name} has not been released to ${upstream}, so it cannot go to ${environment}.`,
      {
        field: 'environment',
        fix: `Promote it to ${upstream} first (the order is ${config.environments.join(' → ')}), or ship it as a hotfix (--hotfix, or hotfix: true in promote-env), which is recorded.`,
      },
    );
  }
}

/**
 * The files of an environment that runs `target` as its (stable) release and no canary: its
 * release.yaml, the overlays, and — when it declares a canary — the traffic split with the canary
 * workload idle on `target` and no traffic on it.
 */
export function environmentFiles(state: PromotionState, target: ReleaseManifest): Map<string, string | null> {
  const { config, environment } = state;
  const files = new Map<string, string | null>();
  files.set(releaseFile(config, environment), renderReleaseManifest(target));
  for (const overlay of config.overlays) {
    const path = `${environmentFolder(config, environment)}/${overlay.file}`;
    if (
      !target.components.images.some((i) => i.name === overlay.component) &&
      !target.components.infrastructure.some((i) => i.name === overlay.component) &&
      !target.components.packages.some((p) => p.name === overlay.component)
    ) {
      continue; // a component this release does not have keeps its overlay as it is
    }
    files.set(path, applyOverlay(state.overlays.get(path) ?? '', overlay, target, path));
  }
  const canary = canaryConfig(config, environment);
  if (canary) {
    const traffic = renderTraffic(
      canary.traffic,
      environmentFolder(config, environment),
      new Map([...state.overlays, ...[...files].filter((e): e is [string, string] => e[1] !== null)]),
      { stable: target, canary: null, weight: 0 },
    );
    for (const [path, text] of traffic) files.set(path, text);
  }
  return files;
}

/**
 * Decides one promotion from the state of the GitOps repository. Pure: the same state and intent
 * give the same files and message, which is what makes a retry after a lost push race safe.
 */
export function planPromotion(state: PromotionState, intent: PromotionIntent): PromotionPlan {
  const { environment } = state;
  const target = intent.manifest;
  if (state.current && fingerprint(state.current) === fingerprint(target)) {
    return { kind: 'unchanged', manifest: state.current.metadata.name };
  }
  refuseUnderCanary(state);
  if (intent.kind === 'promote') checkOrder(state, target, intent.hotfix);
  const files = environmentFiles(state, target);
  const record: PromotionRecord = {
    manifest: target.metadata.name,
    environment,
    previous: state.current?.metadata.name ?? null,
    approvedBy: intent.approvedBy,
    run: intent.run,
    hotfix: intent.hotfix,
    rollbackOf: intent.rollbackOf ?? null,
    component: intent.component ?? null,
  };
  const title =
    intent.title ?? `deploy(${environment}): ${target.metadata.name}${intent.hotfix ? ' (hotfix)' : ''}`;
  return { kind: 'write', files, message: renderPromotionMessage(title, record), record };
}
