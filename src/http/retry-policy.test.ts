import { conflictError, inputError, transientError } from '../relx-error.js';
import { decideRetry, defaultRetryPolicy, runWithRetry, type RetryClock } from './retry-policy.js';

/** A clock that only moves when someone sleeps: the policy's decisions without waiting. */
function aManualClock(random = 0.5): RetryClock & { slept: number[] } {
  let now = 1_000_000;
  const slept: number[] = [];
  return {
    slept,
    now: () => new Date(now),
    sleep: async (ms) => {
      slept.push(ms);
      now += ms;
    },
    random: () => random,
    timeout: () => new AbortController().signal,
  };
}

const policy = { ...defaultRetryPolicy, attempts: 4, baseDelayMs: 1000, maxDelayMs: 8000 };
const unknownDelivery = transientError('answered 502');
const notSent = transientError('did not answer: connect ECONNREFUSED', { delivery: 'not-sent' });

describe('decideRetry', () => {
  it.each([
    ['a transient error of an idempotent call', unknownDelivery, true, 1, { action: 'retry', delayMs: 500 }],
    ['a POST that never left', notSent, false, 1, { action: 'retry', delayMs: 500 }],
    [
      'a POST answered 502: it may have landed',
      unknownDelivery,
      false,
      1,
      { action: 'stop', reason: 'may-have-landed' },
    ],
    ['an input error', inputError('answered 403'), true, 1, { action: 'stop', reason: 'terminal' }],
    ['a conflict', conflictError('409'), true, 1, { action: 'stop', reason: 'terminal' }],
    [
      'a plain Error (a bug, not a failure of the other side)',
      new Error('x'),
      true,
      1,
      { action: 'stop', reason: 'terminal' },
    ],
    ['the last attempt', unknownDelivery, true, 4, { action: 'stop', reason: 'attempts' }],
    ['the third attempt: backoff doubles', unknownDelivery, true, 3, { action: 'retry', delayMs: 2000 }],
  ])('%s', (_name, error, idempotent, attempt, expected) => {
    expect(decideRetry({ error, attempt, idempotent, elapsedMs: 0, policy, random: 0 })).toEqual(expected);
  });

  it('jitters over the upper half of the backoff and caps it', () => {
    const at = (attempt: number, random: number) =>
      decideRetry({
        error: unknownDelivery,
        attempt,
        idempotent: true,
        elapsedMs: 0,
        policy: { ...policy, attempts: 9 },
        random,
      });
    expect(at(1, 0.5)).toEqual({ action: 'retry', delayMs: 750 });
    expect(at(8, 1)).toEqual({ action: 'retry', delayMs: 8000 });
  });

  it("waits for a server's Retry-After, within the cap", () => {
    const decide = (retryAfterMs: number) =>
      decideRetry({
        error: unknownDelivery,
        attempt: 1,
        idempotent: true,
        elapsedMs: 0,
        policy,
        random: 0,
        retryAfterMs,
      });
    expect(decide(5000)).toEqual({ action: 'retry', delayMs: 5000 });
    expect(decide(60_000)).toEqual({ action: 'retry', delayMs: 8000 });
  });

  it('does not start a retry that the overall deadline would cut off', () => {
    expect(
      decideRetry({
        error: unknownDelivery,
        attempt: 1,
        idempotent: true,
        elapsedMs: 299_500,
        policy,
        random: 0,
      }),
    ).toEqual({ action: 'stop', reason: 'deadline' });
  });
});

describe('runWithRetry', () => {
  it('retries a transient failure and says what it is waiting for', async () => {
    const clock = aManualClock();
    const progress: string[] = [];
    let calls = 0;
    const result = await runWithRetry(
      {
        what: 'the registry (GET /x)',
        idempotent: true,
        fix: 'Re-run.',
        attempt: async () => {
          if (++calls < 3) throw transientError('answered 503');
          return 'ok';
        },
      },
      { clock, policy, onProgress: (line) => progress.push(line) },
    );
    expect(result).toBe('ok');
    expect(clock.slept).toEqual([750, 1500]);
    expect(progress).toEqual([
      'the registry (GET /x) answered 503; trying again in 750 ms (attempt 2 of 4, giving up in 300 s).',
      'the registry (GET /x) answered 503; trying again in 1.5 s (attempt 3 of 4, giving up in 299 s).',
    ]);
  });

  it('gives each attempt what is left of the overall time, and says so when it runs out', async () => {
    const clock = aManualClock();
    const budgets: number[] = [];
    const call = runWithRetry(
      {
        what: 'the registry',
        idempotent: true,
        fix: 'Re-run.',
        attempt: async (_signal, _n, timeoutMs) => {
          budgets.push(timeoutMs);
          await clock.sleep(timeoutMs); // it stalls until cut off
          throw transientError(`did not answer within ${timeoutMs / 1000} s`);
        },
      },
      {
        clock,
        policy: { ...policy, attemptTimeoutMs: 4000, overallTimeoutMs: 10_000 },
        onProgress: () => {},
      },
    );
    await expect(call).rejects.toMatchObject({
      kind: 'transient',
      message:
        'the registry did not answer within 4 s (tried 2 times over 8.8 s; no time left of the 10 s allowed).',
      fix: 'Re-run.',
    });
    expect(budgets).toEqual([4000, 4000]);
  });

  it('does not repeat a POST that may have landed, and says why', async () => {
    let calls = 0;
    const call = runWithRetry(
      {
        what: 'GitHub POST /repos/acme/deploy/dispatches',
        idempotent: false,
        fix: 'Check whether CD started.',
        attempt: async () => {
          calls++;
          throw transientError('answered 502');
        },
      },
      { clock: aManualClock(), policy, onProgress: () => {} },
    );
    await expect(call).rejects.toMatchObject({
      message:
        'GitHub POST /repos/acme/deploy/dispatches answered 502; it may have taken effect, so relx does not send it again.',
      fix: 'Check whether CD started.',
    });
    expect(calls).toBe(1);
  });

  it('looks whether a POST took effect: found, it is done; not found, it is sent again', async () => {
    const created: string[] = [];
    let lost = true;
    const result = await runWithRetry(
      {
        what: 'GitHub POST deployments',
        idempotent: false,
        fix: 'Re-run.',
        attempt: async () => {
          created.push('deployment');
          if (lost) {
            lost = false;
            throw transientError('answered 502'); // the first never landed
          }
          throw transientError('answered 502'); // the second landed, but the answer was lost
        },
        alreadyDone: async () => (created.length === 2 ? 'deployment 2' : undefined),
      },
      { clock: aManualClock(), policy, onProgress: () => {} },
    );
    expect(result).toBe('deployment 2');
    expect(created).toHaveLength(2);
  });

  it('recognises a conflict that is the same thing already done', async () => {
    const result = await runWithRetry(
      {
        what: 'npm publish',
        idempotent: false,
        fix: 'Re-run.',
        attempt: async () => {
          throw conflictError('EPUBLISHCONFLICT');
        },
        alreadyDone: async () => 'same content',
      },
      { clock: aManualClock(), policy, onProgress: () => {} },
    );
    expect(result).toBe('same content');
  });

  it('scrubs secrets from what it reports as progress', async () => {
    const progress: string[] = [];
    let calls = 0;
    await runWithRetry(
      {
        what: 'the registry',
        idempotent: true,
        fix: 'Re-run.',
        attempt: async () => {
          if (++calls === 1)
            throw transientError(
              'answered 503: //registry/:_authToken=npm_abcdefghijklmnopqrstuvwxyz0123456789',
            );
          return 1;
        },
      },
      { clock: aManualClock(), policy, onProgress: (line) => progress.push(line) },
    );
    expect(progress[0]).toContain('_authToken=***');
    expect(progress[0]).not.toContain('npm_abc');
  });
});
