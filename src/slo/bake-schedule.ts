import { inputError } from '../relx-error.js';
import { durationMs, type SloPolicy } from './slo-policy.js';

/**
 * When the gate samples. Three ways:
 * - `once`: one sample at the evaluation time (no bake).
 * - `hold`: a bake inside one run — `samples` samples `interval` apart, the runner waiting between
 *   them (the policy's `bake: {samples, interval}` when no canary step is known).
 * - `across-runs`: a canary step is in progress and a bake applies (the policy's, else the
 *   environment's canary `bake`). The bake is measured from the commit that set the step's weight
 *   (`stepStartedAt`), so it is the same in every run: samples fall at fixed times
 *   stepStartedAt + k × interval up to stepStartedAt + bake. A run evaluates every sample time
 *   already past (instant queries at those times: the history is the state, nothing is stored
 *   between runs) and one more at now. A failure decides at once; otherwise an incomplete bake is
 *   `baking`, and a run after it completes decides on every scheduled sample and the one at now (a
 *   canary that went bad after its bake does not pass on its first half hour).
 */
export interface BakeProgress {
  stepStartedAt: string;
  /** How long the step has baked (0 … bakeSeconds). */
  bakedSeconds: number;
  bakeSeconds: number;
  complete: boolean;
}

export interface BakePlan {
  mode: 'once' | 'hold' | 'across-runs';
  /** The sample times, in order. */
  times: Date[];
  /** In `hold` mode, the wait between samples. */
  intervalMs: number;
  progress: BakeProgress | null;
}

/** The canary step being gated, as the GitOps repository records it. */
export interface CanaryStep {
  stepStartedAt: string;
  /** The environment's configured bake per step (0: none). */
  bakeMs: number;
}

const maxSamples = 100;

const tooMany = (count: number) =>
  inputError(`The bake would take ${count} samples; the gate takes at most ${maxSamples}.`, {
    field: 'bake.interval',
    fix: 'Lengthen bake.interval (default: the window) or shorten the bake.',
  });

/** Pure: the policy, the evaluation time and the canary step (when there is one) → when to sample. */
export function planBake(policy: SloPolicy, now: Date, step: CanaryStep | null): BakePlan {
  const bake = policy.bake;
  const intervalMs = durationMs(bake?.interval ?? policy.window);
  const policyBakeMs = bake?.duration
    ? durationMs(bake.duration)
    : bake?.samples
      ? bake.samples * intervalMs
      : null;
  if (step) {
    const bakeMs = policyBakeMs ?? step.bakeMs;
    const startedAt = Date.parse(step.stepStartedAt);
    if (bakeMs > 0 && Number.isFinite(startedAt)) {
      const end = startedAt + bakeMs;
      const count = Math.ceil(bakeMs / intervalMs);
      if (count > maxSamples) throw tooMany(count);
      const scheduled = Array.from({ length: count }, (_, k) =>
        k === count - 1 ? end : startedAt + (k + 1) * intervalMs,
      );
      const complete = now.getTime() >= end;
      const past = scheduled.filter((t) => t <= now.getTime());
      // now, too: a canary that went bad after its bake must not pass on its first half hour alone
      const times = past.at(-1) === now.getTime() ? past : [...past, now.getTime()];
      return {
        mode: 'across-runs',
        times: times.map((t) => new Date(t)),
        intervalMs,
        progress: {
          stepStartedAt: new Date(startedAt).toISOString(),
          bakedSeconds: Math.round(Math.min(Math.max(now.getTime() - startedAt, 0), bakeMs) / 1000),
          bakeSeconds: Math.round(bakeMs / 1000),
          complete,
        },
      };
    }
  }
  if (bake && policyBakeMs !== null) {
    const count = bake.samples ?? Math.floor(policyBakeMs / intervalMs) + 1;
    if (count > maxSamples) throw tooMany(count);
    return {
      mode: 'hold',
      times: Array.from({ length: count }, (_, k) => new Date(now.getTime() + k * intervalMs)),
      intervalMs,
      progress: null,
    };
  }
  return { mode: 'once', times: [now], intervalMs: 0, progress: null };
}
