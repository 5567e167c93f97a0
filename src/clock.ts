/**
 * Time and chance, injected so the core decides over plain data: the current time, waiting, the
 * jitter of retries and a timeout signal. The shells (the CLI, each action) pass `systemClock`;
 * tests pass a stepping clock. The core never calls `new Date()`, `Date.now()` or `Math.random()`
 * itself.
 */
export interface Clock {
  now(): Date;
  sleep(ms: number): Promise<void>;
  /** In [0, 1): the jitter. */
  random(): number;
  /** A signal that aborts after `ms`. */
  timeout(ms: number): AbortSignal;
}

/** What a decision that only reads the time needs. */
export type NowClock = Pick<Clock, 'now'>;

export const systemClock: Clock = {
  now: () => new Date(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: () => Math.random(),
  timeout: (ms) => AbortSignal.timeout(ms),
};
