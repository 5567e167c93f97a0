import { constant, type Scenario, type Traffic } from './prometheus-fixture.js';

/** The traffic each scenario generates, per 15 s step; tests compute what the gate should see from these. */
export const stable: Traffic = { ok: 990, errors: 10, latency: [500, 300, 150, 40, 9, 1, 0] };
export const healthyCanary: Traffic = { ok: 198, errors: 2, latency: [100, 60, 30, 8, 2, 0, 0] };
export const erroringCanary: Traffic = { ok: 180, errors: 20, latency: [100, 60, 30, 8, 2, 0, 0] };
export const slowCanary: Traffic = { ok: 199, errors: 1, latency: [40, 60, 60, 30, 8, 2, 0] };
export const idle: Traffic = { ok: 0, errors: 0, latency: [0, 0, 0, 0, 0, 0, 0] };
/** In the bake scenario the canary starts failing 15 minutes before the end. */
export const spikeStartsSecondsBeforeEnd = 15 * 60;

export const scenarios: Record<string, Scenario> = {
  healthy: { stable: constant(stable), canary: constant(healthyCanary) },
  errors: { stable: constant(stable), canary: constant(erroringCanary) },
  latency: { stable: constant(stable), canary: constant(slowCanary) },
  'no-traffic': { stable: constant(stable), canary: null },
  idle: { stable: constant(stable), canary: constant(idle) },
  bake: {
    stable: constant(stable),
    canary: (before) => (before < spikeStartsSecondsBeforeEnd ? erroringCanary : healthyCanary),
  },
};

/**
 * A canary at 5 % of production traffic, its series labelled with the versions relx wrote
 * (`version` is the Prometheus label that `app.kubernetes.io/version` is relabelled to): per step
 * the stable 1.4.2 serves 950 requests with 1 % errors, the canary 1.5.0 serves 50.
 */
export const stableVersion = '1.4.2';
export const canaryVersion = '1.5.0';
export const stableAt95: Traffic = { ok: 940, errors: 10, latency: [475, 285, 142, 38, 9, 1, 0] };
export const goodCanaryAt5: Traffic = { ok: 50, errors: 0, latency: [25, 15, 8, 2, 0, 0, 0] };
export const badCanaryAt5: Traffic = { ok: 44, errors: 6, latency: [25, 15, 8, 2, 0, 0, 0] };

export const canaryScenarios: Record<string, Scenario> = {
  'canary-good': { [stableVersion]: constant(stableAt95), [canaryVersion]: constant(goodCanaryAt5) },
  'canary-bad': { [stableVersion]: constant(stableAt95), [canaryVersion]: constant(badCanaryAt5) },
};
