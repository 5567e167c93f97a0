import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * The kill-point harness. A writing command names every write it makes (write-boundary.ts) —
 * `before:` and `after:` each file write, git commit, tag, push, registry and API call. A first
 * run lists them (RELX_KILL_TRACE); then, from a fresh start each time, the command is killed
 * with SIGKILL at one of them (RELX_KILL_AT), run again, and run a third time; the invariants
 * are checked after each re-run. Cheap by design: a boundary costs an env lookup, and the
 * command runs as users run it (the built CLI), so what is tested is what ships.
 */

export const relxCli = resolve(import.meta.dirname, '..', '..', 'dist', 'cli', 'index.js');

export interface CliRun {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function runRelx(cwd: string, args: readonly string[], env: Record<string, string> = {}): CliRun {
  const run = spawnSync(process.execPath, [relxCli, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });
  return { status: run.status, signal: run.signal, stdout: run.stdout, stderr: run.stderr };
}

export interface KillScenario<State> {
  /** A fresh repository (and remote) for one kill point. */
  setup(): State;
  cwd(state: State): string;
  args(state: State): readonly string[];
  /** Environment of every run (e.g. its own TMPDIR); none unless given. */
  env?(state: State): Record<string, string>;
  /** Invariant violations after a run that reported success; empty when all hold. */
  check(state: State): string[];
  /** What the outcome looks like, for the matrix (e.g. the commit and tags). */
  snapshot(state: State): string;
}

export interface KillPointOutcome {
  point: string;
  killed: boolean;
  rerunExit: number | null;
  thirdExit: number | null;
  /** The third run changed nothing the snapshot sees. */
  stable: boolean;
  violations: string[];
}

/** Every boundary a full run passes, each as `<point>#<n>` when it is passed more than once. */
export function enumerateBoundaries<S>(scenario: KillScenario<S>): string[] {
  const state = scenario.setup();
  const traceDir = mkdtempSync(join(tmpdir(), 'relx-kill-trace-'));
  const trace = join(traceDir, 'trace');
  try {
    const run = runRelx(scenario.cwd(state), scenario.args(state), {
      ...scenario.env?.(state),
      RELX_KILL_TRACE: trace,
    });
    if (run.status !== 0) throw new Error(`the first run failed: ${run.stdout}${run.stderr}`);
    const violations = scenario.check(state);
    if (violations.length > 0) throw new Error(`the first run broke invariants: ${violations.join('; ')}`);
    return numberedPoints(readFileSync(trace, 'utf8'));
  } finally {
    rmSync(traceDir, { recursive: true, force: true });
  }
}

function numberedPoints(trace: string): string[] {
  const seen = new Map<string, number>();
  return trace
    .split('\n')
    .filter(Boolean)
    .map((point) => {
      const n = (seen.get(point) ?? 0) + 1;
      seen.set(point, n);
      return n === 1 ? point : `${point}#${n}`;
    });
}

/** Kills at `point`, re-runs twice, checks. */
export function killAndRerun<S>(scenario: KillScenario<S>, point: string): KillPointOutcome & { state: S } {
  const state = scenario.setup();
  const cwd = scenario.cwd(state);
  const env = scenario.env?.(state) ?? {};
  const killed = runRelx(cwd, scenario.args(state), { ...env, RELX_KILL_AT: point });
  const rerun = runRelx(cwd, scenario.args(state), env);
  const violations = rerun.status === 0 ? scenario.check(state) : [`re-run failed: ${rerun.stderr.trim()}`];
  const before = scenario.snapshot(state);
  const third = runRelx(cwd, scenario.args(state), env);
  return {
    state,
    point,
    killed: killed.signal === 'SIGKILL',
    rerunExit: rerun.status,
    thirdExit: third.status,
    stable: scenario.snapshot(state) === before,
    violations,
  };
}

/**
 * The same, for a command that talks to a server running in the test's own process (Verdaccio):
 * the runs must not block the event loop, and the invariants may need the server.
 */
export interface AsyncKillScenario<State> {
  setup(): State;
  cwd(state: State): string;
  args(state: State): readonly string[];
  env(state: State): Record<string, string>;
  check(state: State): Promise<string[]>;
  snapshot(state: State): Promise<string>;
}

export function runRelxAsync(
  cwd: string,
  args: readonly string[],
  env: Record<string, string> = {},
): Promise<CliRun> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [relxCli, ...args], { cwd, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (status, signal) => done({ status, signal, stdout, stderr }));
  });
}

export async function enumerateBoundariesAsync<S>(scenario: AsyncKillScenario<S>): Promise<string[]> {
  const state = scenario.setup();
  const traceDir = mkdtempSync(join(tmpdir(), 'relx-kill-trace-'));
  const trace = join(traceDir, 'trace');
  try {
    const run = await runRelxAsync(scenario.cwd(state), scenario.args(state), {
      ...scenario.env(state),
      RELX_KILL_TRACE: trace,
    });
    if (run.status !== 0) throw new Error(`the first run failed: ${run.stdout}${run.stderr}`);
    const violations = await scenario.check(state);
    if (violations.length > 0) throw new Error(`the first run broke invariants: ${violations.join('; ')}`);
    return numberedPoints(readFileSync(trace, 'utf8'));
  } finally {
    rmSync(traceDir, { recursive: true, force: true });
  }
}

export async function killAndRerunAsync<S>(
  scenario: AsyncKillScenario<S>,
  point: string,
): Promise<KillPointOutcome> {
  const state = scenario.setup();
  const run = (env: Record<string, string> = {}) =>
    runRelxAsync(scenario.cwd(state), scenario.args(state), { ...scenario.env(state), ...env });
  const killed = await run({ RELX_KILL_AT: point });
  const rerun = await run();
  const violations =
    rerun.status === 0 ? await scenario.check(state) : [`re-run failed: ${rerun.stderr.trim()}`];
  const before = await scenario.snapshot(state);
  const third = await run();
  return {
    point,
    killed: killed.signal === 'SIGKILL',
    rerunExit: rerun.status,
    thirdExit: third.status,
    stable: (await scenario.snapshot(state)) === before,
    violations,
  };
}

/** The matrix as a table: one row per kill point. */
/** What every kill point must come to: killed, the re-run and a third run exit 0, the third changes nothing, no invariant broken. */
export const finishedOnce = (point: string): KillPointOutcome => ({
  point,
  killed: true,
  rerunExit: 0,
  thirdExit: 0,
  stable: true,
  violations: [],
});

export function renderMatrix(title: string, outcomes: readonly KillPointOutcome[]): string {
  const rows = outcomes.map(
    (o) =>
      `| ${o.point} | ${o.killed ? 'SIGKILL' : 'not reached'} | ${o.rerunExit} | ${o.thirdExit} | ${o.stable ? 'yes' : 'NO'} | ${o.violations.join('; ') || 'all hold'} |`,
  );
  return [
    `### ${title}`,
    '',
    '| kill point | first run | re-run exit | third run exit | third run changes nothing | invariants |',
    '|---|---|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}

/** The matrix on stdout when RELX_PRINT_KILL_MATRIX is set (kept out of the test summary otherwise). */
export function printMatrix(table: string): void {
  if (process.env.RELX_PRINT_KILL_MATRIX) process.stdout.write(table);
}
