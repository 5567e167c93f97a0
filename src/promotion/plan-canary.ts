import { renderReleaseManifest, type ReleaseManifest } from '../manifest/release-manifest.js';
import { conflictError, inputError } from '../relx-error.js';
import { currentCanarySteps } from './canary-state.js';
import { renderTraffic, type TrafficSplit } from './canary-traffic.js';
import {
  canaryConfig,
  canaryReleaseFile,
  environmentFolder,
  gitopsConfigFile,
  type CanaryConfig,
} from './gitops-config.js';
import { checkOrder, environmentFiles, fingerprint, type PromotionState } from './plan-promotion.js';
import { renderPromotionMessage, type PromotionRecord } from './promotion-commit.js';

/**
 * A canary is a few GitOps commits: a step starts it or moves it up (the canary's manifest beside
 * the stable one, the traffic split at the step's weight), `complete` makes it the environment's
 * release, `abort` removes it and records why. Pure, like planPromotion: the same state and request
 * give the same files, so a retry after a lost push race — and a re-run of a step that landed —
 * is safe.
 */
export type CanaryRequest =
  | { action: 'step'; weight: number | 'next'; manifest: ReleaseManifest | null; hotfix: boolean }
  | { action: 'complete'; manifest: ReleaseManifest | null }
  | { action: 'abort'; reason: string; gateReport: string | null; manifest: ReleaseManifest | null };

export interface CanaryIntent {
  request: CanaryRequest;
  approvedBy: string | null;
  run: string | null;
}

export type CanaryStatus = 'started' | 'advanced' | 'completed' | 'aborted' | 'unchanged';

export interface CanaryOutcome {
  status: CanaryStatus;
  /** The canary's weight after this step; null when no canary runs after it. */
  weight: number | null;
}

export type CanaryPlan = {
  manifest: string;
  previous: string | null;
  canary: CanaryOutcome;
} & (
  | { kind: 'unchanged' }
  | { kind: 'write'; files: Map<string, string | null>; message: string; record: PromotionRecord }
);

/** A weight as given (`5`, `next`): an integer 1–99, or next. */
export function parseCanaryWeight(text: string, field = '--canary'): number | 'next' {
  const value = text.trim();
  if (value === 'next') return 'next';
  return checkWeight(/^\d{1,3}$/.test(value) ? Number(value) : NaN, text, field);
}

/** What the user calls each canary option: CLI flags or action inputs, so errors name theirs. */
export interface CanaryFlagNames {
  canary: string;
  complete: string;
  abort: string;
  reason: string;
  gateReport: string;
}

export interface CanaryOptions {
  canary?: string | undefined;
  complete?: boolean | undefined;
  abort?: boolean | undefined;
  reason?: string | undefined;
  gateReport?: string | undefined;
  hotfix?: boolean | undefined;
}

export type CanaryRequestWithoutManifest = CanaryRequest extends infer R
  ? R extends CanaryRequest
    ? Omit<R, 'manifest'>
    : never
  : never;

/** The canary request the options make (its manifest added by the caller); null for a plain promotion. */
export function parseCanaryRequest(
  options: CanaryOptions,
  names: CanaryFlagNames,
): CanaryRequestWithoutManifest | null {
  const canary = options.canary === '' ? undefined : options.canary;
  const given = [
    canary !== undefined && names.canary,
    options.complete && names.complete,
    options.abort && names.abort,
  ].filter((f): f is string => typeof f === 'string');
  if (given.length > 1) {
    throw inputError(`${given.join(' and ')} cannot go together.`, {
      field: given[1] ?? names.canary,
      fix: `One canary step at a time: ${names.canary} <weight|next>, ${names.complete} or ${names.abort}.`,
    });
  }
  const reason = options.reason || undefined;
  const gateReport = options.gateReport || undefined;
  if ((reason !== undefined || gateReport !== undefined) && !options.abort) {
    throw inputError(`${names.reason} and ${names.gateReport} go with ${names.abort}.`, {
      field: reason !== undefined ? names.reason : names.gateReport,
      fix: `Add ${names.abort}, or leave them out.`,
    });
  }
  if (canary !== undefined)
    return {
      action: 'step',
      weight: parseCanaryWeight(canary, names.canary),
      hotfix: options.hotfix ?? false,
    };
  if (options.complete) return { action: 'complete' };
  if (!options.abort) return null;
  if (!reason?.trim())
    throw inputError('An abort needs a reason, recorded with it.', {
      field: names.reason,
      fix: `Add ${names.reason} "what failed" (and ${names.gateReport} <url> when a gate decided it).`,
    });
  return { action: 'abort', reason, gateReport: gateReport ?? null };
}

function checkWeight(weight: number, text = String(weight), field = '--canary'): number {
  if (!Number.isInteger(weight) || weight < 1 || weight > 99) {
    throw inputError(`Canary weight "${text}" is not a whole number from 1 to 99.`, {
      field,
      fix: 'Give the share of traffic in percent (e.g. 5), or next for the next configured step; --complete gives it all.',
    });
  }
  return weight;
}

function configuredCanary(state: PromotionState): CanaryConfig {
  const configured = canaryConfig(state.config, state.environment);
  if (!configured) {
    throw inputError(`${state.environment} has no canary steps configured.`, {
      file: gitopsConfigFile,
      field: `canary.${state.environment}`,
      fix: `Declare them, e.g. canary: { ${state.environment}: { steps: [5, 25, 50], bake: 30m, traffic: [...] } } (see the promote-env README), or promote without a canary.`,
    });
  }
  return configured;
}

const unchanged = (manifest: string, previous: string | null, weight: number | null): CanaryPlan => ({
  kind: 'unchanged',
  manifest,
  previous,
  canary: { status: 'unchanged', weight },
});

export function planCanary(state: PromotionState, intent: CanaryIntent): CanaryPlan {
  const configured = configuredCanary(state);
  const request = intent.request;
  if (request.action === 'step') return planStep(state, configured, intent, request);
  if (request.action === 'complete') return planComplete(state, configured, intent, request.manifest);
  return planAbort(state, configured, intent, request);
}

function write(
  state: PromotionState,
  intent: CanaryIntent,
  title: string,
  files: Map<string, string | null>,
  outcome: CanaryOutcome & { release: string; value: string },
  extra: Partial<PromotionRecord> = {},
): CanaryPlan {
  const record: PromotionRecord = {
    manifest: outcome.release,
    environment: state.environment,
    previous: state.current?.metadata.name ?? null,
    approvedBy: intent.approvedBy,
    run: intent.run,
    hotfix: false,
    rollbackOf: null,
    component: null,
    canary: outcome.value,
    ...extra,
  };
  return {
    kind: 'write',
    manifest: outcome.release,
    previous: record.previous,
    files,
    message: renderPromotionMessage(title, record),
    record,
    canary: { status: outcome.status, weight: outcome.weight },
  };
}

function traffic(
  state: PromotionState,
  configured: CanaryConfig,
  split: TrafficSplit,
): Map<string, string | null> {
  const folder = environmentFolder(state.config, state.environment);
  return new Map(renderTraffic(configured.traffic, folder, state.overlays, split));
}

function planStep(
  state: PromotionState,
  configured: CanaryConfig,
  intent: CanaryIntent,
  request: Extract<CanaryRequest, { action: 'step' }>,
): CanaryPlan {
  const { environment } = state;
  const running = state.canary;
  const stable = state.current;
  const target = request.manifest ?? running?.manifest ?? null;
  if (!target) {
    throw inputError(`No canary runs in ${environment}: which release should start one?`, {
      field: '--manifest',
      fix: 'Pass --manifest releases/<name>.yaml (promote-env: manifest) to start a canary.',
    });
  }
  if (!stable) {
    throw inputError(`${environment} has no stable release for a canary to run beside.`, {
      field: 'environment',
      fix: 'Promote its first release without a canary.',
    });
  }
  const name = target.metadata.name;
  if (!running && fingerprint(stable) === fingerprint(target)) {
    return unchanged(name, stable.metadata.name, null); // already the stable release (a re-run after complete)
  }
  if (running && fingerprint(running.manifest) !== fingerprint(target)) {
    throw conflictError(`${environment} already has a canary of ${running.release} in progress.`, {
      field: '--manifest',
      fix: `One canary per environment: complete (--complete) or abort (--abort) ${running.release} before starting ${name}.`,
    });
  }
  const steps = running ? currentCanarySteps(state.canarySteps, running.release) : [];
  const now = running?.weight ?? 0;
  if (request.weight === 'next' && running && intent.run && steps[0]?.run === intent.run) {
    return unchanged(name, stable.metadata.name, now); // this run made the current step already
  }
  const weight =
    request.weight === 'next' ? configured.steps.find((w) => w > now) : checkWeight(request.weight);
  if (weight === undefined) {
    throw inputError(`The canary of ${name} is at its last step (${now} %).`, {
      field: '--canary',
      fix: 'Complete it (--complete, canary-complete: true) or abort it.',
    });
  }
  if (running && weight === now) return unchanged(name, stable.metadata.name, now);
  if (running && weight < now) {
    if (steps.some((s) => s.weight === weight)) return unchanged(name, stable.metadata.name, now); // an older step, replayed
    throw inputError(`The canary of ${name} is at ${now} %: a step only moves traffic up.`, {
      field: '--canary',
      fix: `Give a weight above ${now} (next: ${configured.steps.find((w) => w > now) ?? 'none, --complete'}), or abort the canary to take its traffic away.`,
    });
  }
  if (!running) checkOrder(state, target, request.hotfix);
  const files = traffic(state, configured, { stable, canary: target, weight });
  if (!running) files.set(canaryReleaseFile(state.config, environment), renderReleaseManifest(target));
  const title = running
    ? `canary(${environment}): ${name} ${now}% → ${weight}%`
    : `canary(${environment}): ${name} at ${weight}%${request.hotfix ? ' (hotfix)' : ''}`;
  return write(
    state,
    intent,
    title,
    files,
    { release: name, value: String(weight), status: running ? 'advanced' : 'started', weight },
    { hotfix: !running && request.hotfix },
  );
}

function planComplete(
  state: PromotionState,
  configured: CanaryConfig,
  intent: CanaryIntent,
  given: ReleaseManifest | null,
): CanaryPlan {
  const { environment } = state;
  const running = state.canary;
  const stable = state.current;
  if (!running) {
    const last = state.canarySteps[0];
    if (stable && given && fingerprint(stable) === fingerprint(given))
      return unchanged(stable.metadata.name, null, null); // completed already
    if (stable && last?.action === 'complete' && intent.run && last.run === intent.run)
      return unchanged(stable.metadata.name, null, null); // this run completed it already
    throw inputError(`${environment} has no canary to complete.`, {
      field: '--complete',
      fix: 'Start one first: --canary <weight> --manifest releases/<name>.yaml.',
    });
  }
  if (given && fingerprint(given) !== fingerprint(running.manifest)) {
    throw conflictError(`The canary in ${environment} is ${running.release}, not ${given.metadata.name}.`, {
      field: '--manifest',
      fix: `Complete ${running.release} (leave out --manifest), or abort it.`,
    });
  }
  const target = running.manifest;
  const files = environmentFiles({ ...state, canary: null }, target);
  void configured; // the idle split is part of environmentFiles
  files.set(canaryReleaseFile(state.config, environment), null);
  return write(state, intent, `deploy(${environment}): ${running.release} (canary complete)`, files, {
    release: running.release,
    value: 'complete',
    status: 'completed',
    weight: null,
  });
}

function planAbort(
  state: PromotionState,
  configured: CanaryConfig,
  intent: CanaryIntent,
  request: Extract<CanaryRequest, { action: 'abort' }>,
): CanaryPlan {
  const { environment } = state;
  const reason = request.reason.replace(/[\r\n]+/g, ' ').trim();
  if (!reason) {
    throw inputError('An abort needs a reason, recorded with it.', {
      field: '--reason',
      fix: 'Say why, e.g. --reason "error rate 2.1 % > 1 %" (promote-env: abort-reason).',
    });
  }
  if (request.gateReport !== null) checkReportUrl(request.gateReport);
  const running = state.canary;
  const stable = state.current;
  if (!running || !stable) {
    const last = state.canarySteps[0];
    const replay =
      last?.action === 'abort' &&
      ((intent.run && last.run === intent.run) ||
        (request.manifest && last.release === request.manifest.metadata.name));
    if (replay && last) return unchanged(last.release, stable?.metadata.name ?? null, null);
    throw inputError(`${environment} has no canary to abort.`, {
      field: '--abort',
      fix: '`relx status --env <env>` shows whether a canary runs; nothing was written.',
    });
  }
  const files = traffic(state, configured, { stable, canary: null, weight: 0 });
  files.set(canaryReleaseFile(state.config, environment), null);
  return write(
    state,
    intent,
    `canary(${environment}): abort ${running.release} at ${running.weight}%`,
    files,
    { release: running.release, value: 'abort', status: 'aborted', weight: null },
    { abortReason: reason.slice(0, 500), gateReport: request.gateReport },
  );
}

function checkReportUrl(url: string): void {
  const parsed = URL.canParse(url) ? new URL(url) : null;
  if (!parsed || !/^https?:$/.test(parsed.protocol) || /[\s]/.test(url)) {
    throw inputError(`The gate report "${url}" is not an http(s) URL.`, {
      field: '--gate-report',
      fix: "Pass the gate report's URL (slo-gate's report link, or the run's summary URL).",
    });
  }
}
