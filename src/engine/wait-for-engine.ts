import { systemClock, type Clock } from '../clock.js';
import { formatSeconds } from '../http/retry-policy.js';
import { isTransient } from '../relx-error.js';
import { scrubSecrets } from '../secret-scrubber.js';
import type { EngineDecision } from './engine-decision.js';

/** One reading of an engine's status for the commit, decided. The I/O side of the wait. */
export interface EngineStatusSource {
  /** For messages: `Argo CD application shop-prod at https://argocd.example.com`. */
  readonly what: string;
  read(attempt: number): Promise<EngineDecision>;
}

/** superseded: a later commit put another release in the environment; ours will never be applied (fails closed). */
export type EngineWaitOutcome = 'applied' | 'failed' | 'timeout' | 'superseded';

export interface EngineWaitResult {
  outcome: EngineWaitOutcome;
  /** One line: what the engine reported last, or why the wait stopped. */
  reason: string;
  elapsedMs: number;
  polls: number;
}

export interface EngineWaitOptions {
  timeoutMs: number;
  /** Between readings. */
  intervalMs?: number;
  clock?: Clock;
  /** Progress lines (default: stderr). Scrubbed of secrets. */
  onProgress?: (line: string) => void;
}

/**
 * Reads the engine's status until it has applied the commit healthy, reports a failure for it, or
 * the time is up — which fails closed (`timeout`). A reading that fails for a transient reason
 * (network, 5xx, already retried under the retry policy) is one more reason to go on polling;
 * a terminal one (401, 404: wrong token or name) ends the wait with that error.
 */
export async function waitForEngine(
  source: EngineStatusSource,
  options: EngineWaitOptions,
): Promise<EngineWaitResult> {
  const clock = options.clock ?? systemClock;
  const intervalMs = options.intervalMs ?? 10_000;
  const write = options.onProgress ?? ((line: string) => process.stderr.write(`${line}\n`));
  const progress = (line: string) => write(scrubSecrets(line));
  const started = clock.now().getTime();
  const elapsed = () => clock.now().getTime() - started;
  let lastLine = '';
  for (let polls = 1; ; polls++) {
    let decision: EngineDecision;
    try {
      decision = await source.read(polls);
    } catch (error) {
      if (!isTransient(error)) throw error;
      decision = { state: 'waiting', reason: `no status: ${error.message}` };
    }
    if (decision.state !== 'waiting') {
      return { outcome: decision.state, reason: decision.reason, elapsedMs: elapsed(), polls };
    }
    // one line per change, not one per poll
    if (decision.reason !== lastLine) {
      progress(
        `relx: ${source.what}: ${decision.reason} (${formatSeconds(elapsed())} of ${formatSeconds(options.timeoutMs)})`,
      );
      lastLine = decision.reason;
    }
    const left = options.timeoutMs - elapsed();
    if (left <= 0) {
      return {
        outcome: 'timeout',
        reason: `not applied and healthy within ${formatSeconds(options.timeoutMs)}: ${decision.reason}`,
        elapsedMs: elapsed(),
        polls,
      };
    }
    await clock.sleep(Math.min(intervalMs, left));
  }
}
