import { parseReleaseManifest, type ReleaseManifest } from '../manifest/release-manifest.js';
import {
  bakeMs,
  canaryConfig,
  canaryReleaseFile,
  checkEnvironment,
  environmentFolder,
  releaseFile,
  type GitOpsConfig,
} from './gitops-config.js';
import { GitOpsClone, type GitOpsRemote, type HistoryEntry } from './gitops-repository.js';

/**
 * A canary is state in the GitOps repository: its manifest (`canary-release.yaml`, beside the
 * stable `release.yaml`) and its commits (`Relx-Canary` trailers). Everything here is read back
 * from those; nothing is kept anywhere else.
 */
export interface CanaryState {
  /** The canary's release name. */
  release: string;
  /** Its manifest (canary-release.yaml). */
  manifest: ReleaseManifest;
  /** Current traffic share, 1–99. */
  weight: number;
  /** Configured steps. */
  steps: number[];
  /** ISO time of the first canary step's commit. */
  startedAt: string;
  /** ISO time of the commit that set the current weight. */
  stepStartedAt: string;
  /** Configured bake per step. */
  bakeMs: number;
}

/** One canary commit of an environment, as its trailers record it. */
export interface CanaryStep {
  commit: string;
  time: string;
  author: string;
  release: string;
  action: 'step' | 'complete' | 'abort';
  /** The weight after a step; null for complete and abort. */
  weight: number | null;
  run: string | null;
  abortReason: string | null;
  gateReport: string | null;
}

/** The canary commits of `environment` in `entries` (any commits, newest first), newest first. */
export function canaryStepsOf(entries: readonly HistoryEntry[], environment: string): CanaryStep[] {
  const steps: CanaryStep[] = [];
  for (const entry of entries) {
    const record = entry.record;
    const value = record?.canary?.trim().toLowerCase();
    if (!record || !value || record.environment !== environment) continue;
    const weight = /^\d+%?$/.test(value) ? Number.parseInt(value, 10) : null;
    const action = weight !== null ? 'step' : value.startsWith('abort') ? 'abort' : 'complete';
    steps.push({
      commit: entry.commit,
      time: entry.time,
      author: entry.author,
      release: record.manifest,
      action,
      weight,
      run: record.run,
      abortReason: record.abortReason ?? null,
      gateReport: record.gateReport ?? null,
    });
  }
  return steps;
}

/**
 * The steps of the canary in progress (newest first): the step commits of its release since the
 * last complete or abort. Empty when there is none.
 */
export function currentCanarySteps(steps: readonly CanaryStep[], release: string): CanaryStep[] {
  const current: CanaryStep[] = [];
  for (const step of steps) {
    if (step.action !== 'step' || step.release !== release) break;
    current.push(step);
  }
  return current;
}

/** git's `2026-12-01T09:10:00+00:00` as `2026-12-01T09:10:00.000Z`: one form for every reader. */
const isoTime = (time: string) => new Date(time).toISOString();

/**
 * The state of the canary from its manifest and its commits. Pure. A canary manifest with no step
 * commit of its release (written by hand) is still a canary: its weight is then unknown (0) and its
 * times are those of the newest commit, so a gate never counts a bake that no commit recorded.
 */
export function deriveCanaryState(
  config: GitOpsConfig,
  environment: string,
  manifest: ReleaseManifest,
  steps: readonly CanaryStep[],
  fallbackTime: string,
): CanaryState {
  const configured = canaryConfig(config, environment);
  const mine = currentCanarySteps(steps, manifest.metadata.name);
  const newest = mine[0];
  return {
    release: manifest.metadata.name,
    manifest,
    weight: newest?.weight ?? 0,
    steps: configured?.steps ?? [],
    startedAt: isoTime(mine[mine.length - 1]?.time ?? fallbackTime),
    stepStartedAt: isoTime(newest?.time ?? fallbackTime),
    bakeMs: configured ? bakeMs(configured) : 0,
  };
}

/** The stable release, the canary (if one runs) and every canary commit, from an open clone. */
export async function readCanaryFromClone(
  clone: GitOpsClone,
  config: GitOpsConfig,
  environment: string,
): Promise<{ stable: ReleaseManifest | null; canary: CanaryState | null; steps: CanaryStep[] }> {
  const stablePath = releaseFile(config, environment);
  const canaryPath = canaryReleaseFile(config, environment);
  const stableText = clone.read(stablePath);
  const canaryText = clone.read(canaryPath);
  const stable = stableText === null ? null : parseReleaseManifest(stableText, stablePath);
  // an environment with no canary configured and none running has no steps to read: no git log
  // on every attempt of every promotion there
  if (canaryText === null && !canaryConfig(config, environment)) return { stable, canary: null, steps: [] };
  const entries = await clone.history(canaryPath, {
    also: [environmentFolder(config, environment)],
    content: false,
  });
  const steps = canaryStepsOf(entries, environment);
  if (canaryText === null) return { stable, canary: null, steps };
  const manifest = parseReleaseManifest(canaryText, canaryPath);
  const fallback = entries[0]?.time ?? new Date(0).toISOString();
  return { stable, canary: deriveCanaryState(config, environment, manifest, steps, fallback), steps };
}

/** What an environment runs: its stable release and the canary beside it, if one is in progress. */
export async function readCanary(
  remote: GitOpsRemote,
  environment: string,
): Promise<{ stable: ReleaseManifest | null; canary: CanaryState | null }> {
  const { clone, config } = await GitOpsClone.openConfigured(remote);
  try {
    checkEnvironment(config, environment, '--env');
    const { stable, canary } = await readCanaryFromClone(clone, config, environment);
    return { stable, canary };
  } finally {
    clone.close();
  }
}
