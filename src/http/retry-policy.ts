import { type Clock, systemClock } from '../clock.js';
import { isRetryable, isTransient, RelxError, transientError } from '../relx-error.js';
import { scrubSecrets } from '../secret-scrubber.js';

/**
 * The one retry policy for calls to other systems (npm and OCI registries, GitHub). Each attempt
 * has a deadline and so does the whole call; what to do after a failure is decided by the error's
 * kind (`isTransient`, `isRetryable` in relx-error.ts): terminal errors stop at once, transient ones are tried again with
 * backoff — and a call that is not idempotent (a POST that creates something) only when the
 * request provably never arrived, or after `alreadyDone` looked and found it did not take effect.
 */

/** The clock retrying reads (src/clock.ts): now, sleep, the jitter and the attempt's deadline. */
export type RetryClock = Clock;

export interface RetryPolicy {
  /** Tries in all. */
  attempts: number;
  /** Each attempt is cut off after this long (the whole exchange: connect, send, answer). */
  attemptTimeoutMs: number;
  /** No attempt starts, and none runs, past this long after the first. */
  overallTimeoutMs: number;
  /** Backoff: base · 2^(attempt-1), capped, with full jitter over its upper half. */
  baseDelayMs: number;
  maxDelayMs: number;
}

export const defaultRetryPolicy: RetryPolicy = {
  attempts: 4,
  attemptTimeoutMs: 60_000,
  overallTimeoutMs: 5 * 60_000,
  baseDelayMs: 500,
  maxDelayMs: 20_000,
};

export interface RetryOptions {
  policy?: Partial<RetryPolicy>;
  clock?: RetryClock;
  /** What the call is waiting for, on each retry (default: a line on stderr). */
  onProgress?: (line: string) => void;
  /** Kept for callers that inject only sleep. */
  sleep?: (ms: number) => Promise<void>;
  /** Kept for callers that set only the attempts. */
  attempts?: number;
}

export type RetryDecision =
  | { action: 'retry'; delayMs: number }
  | { action: 'stop'; reason: 'terminal' | 'may-have-landed' | 'attempts' | 'deadline' };

/** What to do after attempt `attempt` failed with `error` (pure). */
export function decideRetry(input: {
  error: unknown;
  attempt: number;
  idempotent: boolean;
  elapsedMs: number;
  policy: RetryPolicy;
  random: number;
  /** A server's Retry-After, when it gave one. */
  retryAfterMs?: number | null;
}): RetryDecision {
  const { error, attempt, policy } = input;
  if (!isTransient(error)) return { action: 'stop', reason: 'terminal' };
  if (!isRetryable(error, input.idempotent)) return { action: 'stop', reason: 'may-have-landed' };
  if (attempt >= policy.attempts) return { action: 'stop', reason: 'attempts' };
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  const backoff = Math.round(ceiling / 2 + (ceiling / 2) * input.random);
  const delayMs = Math.min(policy.maxDelayMs, Math.max(backoff, input.retryAfterMs ?? 0));
  // a retry that could not even start before the deadline is not worth the wait
  if (input.elapsedMs + delayMs >= policy.overallTimeoutMs) return { action: 'stop', reason: 'deadline' };
  return { action: 'retry', delayMs };
}

export interface RetriedCall<T> {
  /** For messages: `registry.npmjs.org (PUT /@acme%2fcore)`. */
  what: string;
  /** Safe to repeat after an ambiguous failure (GET, HEAD, PUT of the same bytes, DELETE). */
  idempotent: boolean;
  /** What a re-run does, for the final error's `fix`. */
  fix: string;
  /** One attempt. It throws a RelxError whose kind (and delivery) says whether to go on. */
  attempt: (signal: AbortSignal, attempt: number, timeoutMs: number) => Promise<T>;
  /**
   * After a failure that may have taken effect (or a conflict): look whether it did. A value is
   * the call's result ("already done"); undefined means it did not take effect, so sending again
   * is sound. Without it, a non-idempotent call is never repeated after an ambiguous failure.
   */
  alreadyDone?: (error: RelxError) => Promise<T | undefined>;
  /** A Retry-After the failure carried (429, 503). */
  retryAfterMs?: (error: RelxError) => number | null;
}

export const formatSeconds = (ms: number) =>
  ms < 1000
    ? `${Math.round(ms)} ms`
    : ms < 10_000
      ? `${(ms / 1000).toFixed(1)} s`
      : `${Math.round(ms / 1000)} s`;

export function resolvePolicy(options: RetryOptions): {
  policy: RetryPolicy;
  clock: RetryClock;
  progress: (line: string) => void;
} {
  const policy = {
    ...defaultRetryPolicy,
    ...(options.attempts ? { attempts: options.attempts } : {}),
    ...options.policy,
  };
  const base = options.clock ?? systemClock;
  const clock = options.sleep ? { ...base, sleep: options.sleep } : base;
  const progress = options.onProgress ?? ((line: string) => process.stderr.write(`${line}\n`));
  return { policy, clock, progress: (line) => progress(scrubSecrets(line)) };
}

/** Runs `call` under the policy: the result, or the error that ended it, told in one sentence. */
export async function runWithRetry<T>(call: RetriedCall<T>, options: RetryOptions = {}): Promise<T> {
  const { policy, clock, progress } = resolvePolicy(options);
  const started = clock.now().getTime();
  for (let attempt = 1; ; attempt++) {
    const left = policy.overallTimeoutMs - (clock.now().getTime() - started);
    const budget = Math.max(1, Math.min(policy.attemptTimeoutMs, left));
    let error: unknown;
    try {
      return await call.attempt(clock.timeout(budget), attempt, budget);
    } catch (caught) {
      error = caught;
    }
    if (
      error instanceof RelxError &&
      call.alreadyDone &&
      (error.kind === 'conflict' || (isTransient(error) && !isRetryable(error, call.idempotent)))
    ) {
      const done = await call.alreadyDone(error);
      if (done !== undefined) return done;
      // it did not take effect: a conflict stands; a transient failure may be sent again
      if (isTransient(error))
        error = transientError(error.message, { fix: error.fix, delivery: 'not-sent' }, error.cause);
    }
    const elapsedMs = clock.now().getTime() - started;
    const decision = decideRetry({
      error,
      attempt,
      idempotent: call.idempotent,
      elapsedMs,
      policy,
      random: clock.random(),
      retryAfterMs: error instanceof RelxError ? (call.retryAfterMs?.(error) ?? null) : null,
    });
    if (decision.action === 'retry') {
      progress(
        `${call.what} ${(error as RelxError).message}; trying again in ${formatSeconds(decision.delayMs)} (attempt ${attempt + 1} of ${policy.attempts}, giving up in ${formatSeconds(policy.overallTimeoutMs - elapsedMs)}).`,
      );
      await clock.sleep(decision.delayMs);
      continue;
    }
    throw finalError(call, error, decision.reason, attempt, elapsedMs, policy);
  }
}

function finalError(
  call: RetriedCall<unknown>,
  error: unknown,
  reason: Exclude<RetryDecision, { action: 'retry' }>['reason'],
  attempts: number,
  elapsedMs: number,
  policy: RetryPolicy,
): unknown {
  if (reason === 'terminal' || !(error instanceof RelxError)) return error;
  const cause = error.message;
  if (reason === 'may-have-landed') {
    return transientError(
      `${call.what} ${cause}; it may have taken effect, so relx does not send it again.`,
      { fix: call.fix },
      error,
    );
  }
  const tried = attempts === 1 ? 'once' : `${attempts} times`;
  return transientError(
    `${call.what} ${cause} (tried ${tried} over ${formatSeconds(elapsedMs)}${reason === 'deadline' ? `; no time left of the ${formatSeconds(policy.overallTimeoutMs)} allowed` : ''}).`,
    { fix: call.fix },
    error,
  );
}
