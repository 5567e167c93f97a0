import type { Clock } from '../src/clock.js';

/** Time that passes only when the wait sleeps: minutes of polling in milliseconds. */
export function aSteppingClock(start = Date.parse('2026-12-01T12:00:00Z')): Clock & { slept: number[] } {
  let now = start;
  const slept: number[] = [];
  return {
    slept,
    now: () => new Date(now),
    sleep: async (ms) => {
      slept.push(ms);
      now += ms;
    },
    random: () => 0.5,
    timeout: (ms) => AbortSignal.timeout(ms),
  };
}
