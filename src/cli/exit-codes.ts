import { CommanderError } from 'commander';
import type { EngineWaitOutcome } from '../engine/wait-for-engine.js';
import { GitCommandError } from '../git/run-git.js';
import { RelxError } from '../relx-error.js';
import type { SloGateReport } from '../slo/run-slo-gate.js';

/**
 * The exit codes of every `relx` command: one scheme, so a script can tell "did not pass" from
 * "not yet" from "ask again later" from "fix your input" without parsing what relx printed. An
 * answer (a gate's verdict, a wait's outcome) has its code; an error gets the code of its kind.
 * The table is in the README ("Exit codes"); the numbers above 64 are the BSD sysexits ones.
 */
export const exitCodes = {
  /** Done: the gate passed, the rollout is applied and healthy, the command did what it was asked. */
  success: 0,
  /** The answer is no: the gate failed the canary, the engine reports the rollout failed. */
  notPassed: 1,
  /** Usage or input: the command line or an input is wrong (an unknown flag, a bad value, a refused token). */
  input: 2,
  /** The gate could not measure: too little data or impossible numbers (fails closed). */
  inconclusive: 3,
  /** Not yet: the canary step is still baking, or the rollout was not applied before --timeout. */
  waiting: 4,
  /** A later release took the environment: what runs is not what was promoted (fails closed). */
  superseded: 5,
  /** A bug in relx: the message is all there is. */
  internal: 70,
  /** The state someone else wrote disagrees: a version published with other content, a release named twice. */
  conflict: 73,
  /** Something did not answer (a registry, GitHub, Prometheus) after the retries: run again later. */
  transient: 75,
  /** A file relx reads is wrong: relx.config.yaml, an SLO policy, a manifest — the message names it. */
  configuration: 78,
} as const;

export type ExitCode = (typeof exitCodes)[keyof typeof exitCodes];

/**
 * The code of an error that stopped a command, from its kind. An input error that names a file is
 * that file's (a policy, a config, a manifest): configuration, as a configuration error is. Pure.
 */
export function errorExitCode(error: unknown): ExitCode {
  if (error instanceof CommanderError) return error.exitCode === 0 ? exitCodes.success : exitCodes.input;
  if (!(error instanceof RelxError)) return exitCodes.internal;
  switch (error.kind) {
    case 'transient':
      return exitCodes.transient;
    case 'conflict':
      return exitCodes.conflict;
    case 'configuration':
      return exitCodes.configuration;
    case 'input':
      return error.file ? exitCodes.configuration : exitCodes.input;
  }
}

/** `relx wait`'s answer: the engine applied the commit, failed it, ran out of time, or a later release won. */
export const waitExitCodes: Record<EngineWaitOutcome, ExitCode> = {
  applied: exitCodes.success,
  failed: exitCodes.notPassed,
  timeout: exitCodes.waiting,
  superseded: exitCodes.superseded,
};

/** `relx slo-gate`'s answer, from the report it produced. Pure. */
export function gateReportExitCode(report: SloGateReport): ExitCode {
  // the backend did not answer after the retries: the report says so, and the gate failed closed
  if (report.error !== null) return exitCodes.transient;
  if (report.passed) return exitCodes.success;
  if (report.verdict === 'inconclusive') return exitCodes.inconclusive;
  if (report.verdict === 'baking') return exitCodes.waiting;
  return exitCodes.notPassed;
}

/**
 * The code of an error that stopped `relx slo-gate` before it had a report: as every command's,
 * except that git failing after the GitOps clone was made (a fetch cut off) is worth another try.
 */
export function gateErrorExitCode(error: unknown): ExitCode {
  return error instanceof GitCommandError ? exitCodes.transient : errorExitCode(error);
}
