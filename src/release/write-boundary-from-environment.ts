import { appendFileSync } from 'node:fs';
import type { WriteBoundary } from './write-boundary.js';

/**
 * The kill-point test hook, off unless a test sets one of two variables:
 * - `RELX_KILL_TRACE=<file>`: every write boundary passed is appended to the file, one a line
 *   (how a test enumerates a command's boundaries);
 * - `RELX_KILL_AT=<point>` or `<point>#<n>`: the process kills itself with SIGKILL on reaching
 *   that boundary (the n-th time), as a crash or a cancelled job would stop it.
 */
export function writeBoundaryFromEnvironment(env = process.env): WriteBoundary | undefined {
  const trace = env.RELX_KILL_TRACE;
  const killAt = env.RELX_KILL_AT;
  if (!trace && !killAt) return undefined;
  const [, point = '', occurrence = '1'] = /^(.*?)(?:#(\d+))?$/.exec(killAt ?? '') ?? [];
  let seen = 0;
  return (reached) => {
    if (trace) appendFileSync(trace, `${reached}\n`);
    if (reached === point && ++seen === Number(occurrence)) process.kill(process.pid, 'SIGKILL');
  };
}
