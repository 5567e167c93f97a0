import { GitCommandError } from '../git/run-git.js';
import { RelxError } from '../relx-error.js';
import type { SloGateReport } from './run-slo-gate.js';

/**
 * `relx slo-gate`'s exit codes: one per answer, so a script can tell "the canary is bad" from
 * "not yet" from "ask again later" from "the policy is wrong" without parsing the report.
 * 2 (usage) and 70 (a bug in relx) are the CLI's own, shared by every command.
 */
export const gateExitCodes = {
  /** The gate passed (or was inconclusive and the policy says `onInconclusive: pass`). */
  pass: 0,
  /** A sample failed the objectives (the failure limit was reached). */
  fail: 1,
  /** Not enough data to judge: fails closed. */
  inconclusive: 3,
  /** The canary step has not baked long enough; nothing has failed so far. Run the gate again later. */
  baking: 4,
  /** The metrics backend did not answer after the retries, or git failed after the clone. Retry later. */
  transient: 75,
  /**
   * The policy, a flag or the environment's state is wrong (the message names the field) — also a
   * GitOps repository that cannot be cloned: git cannot tell a wrong URL from an outage.
   */
  configuration: 78,
} as const;

/** The exit code of a report the gate produced. Pure. */
export function reportExitCode(report: SloGateReport): number {
  if (report.error !== null) return gateExitCodes.transient;
  if (report.passed) return gateExitCodes.pass;
  return gateExitCodes[report.verdict === 'pass' ? 'fail' : report.verdict];
}

/** The exit code of an error that stopped the gate before it had a report. Pure. */
export function errorExitCode(error: unknown): number {
  if (error instanceof RelxError)
    return error.kind === 'transient' ? gateExitCodes.transient : gateExitCodes.configuration;
  // git failed after the clone was made (a fetch cut off): worth another try
  if (error instanceof GitCommandError) return gateExitCodes.transient;
  return 70;
}
