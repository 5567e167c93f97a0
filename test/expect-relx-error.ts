import { expect } from '@jest/globals';
import { RelxError } from '../src/relx-error.js';

/**
 * The RelxError a refused call gives: fails the test when the call succeeds or throws anything
 * else, so a test can go on to check the message, the field and the fix.
 */
export async function refusal(work: Promise<unknown> | (() => unknown)): Promise<RelxError> {
  let outcome: { error: unknown } | { value: unknown };
  try {
    outcome = { value: await (typeof work === 'function' ? work() : work) };
  } catch (error) {
    outcome = { error };
  }
  if (!('error' in outcome))
    throw new Error(`expected a RelxError, but the call succeeded with ${String(outcome.value)}`);
  expect(outcome.error).toBeInstanceOf(RelxError);
  return outcome.error as RelxError;
}
