import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { parse } from 'yaml';
import { inputEnvironment, parseCommandFile, readActionMetadata } from '../action-metadata.js';
import { parserErrors } from '../workflow-audit/workflow-files.js';
import { condition, expand, expandValue, type Contexts, type JobStatus } from './expressions.js';

/**
 * A small GitHub Actions runner for tests: checks the workflow with GitHub's own parser, starts it
 * only for an event its `on:` takes (a repository_dispatch only for its `types`), runs its jobs (in
 * `needs` order, with `if:` as GitHub evaluates it over needs that failed or were skipped, job
 * outputs, and GitHub Environments whose required reviewers must approve first) and their steps — `run:` through bash, node24 actions from their
 * built bundles, composite actions step by step — with the files and variables the real runner
 * provides. Third-party actions (checkout, setup-node, attestations) run as named stand-ins the
 * test supplies (a checkout of relx-dev/relx itself, for its CLI, is this checkout; setup-node
 * without one is this machine's Node), so what a workflow does with relx's own actions is real and nothing else is
 * pretended. Not supported, and refused when met: matrices, containers, services, docker actions.
 */

export const relxRoot = resolve(import.meta.dirname, '..', '..');

export interface StepRecord {
  job: string;
  id: string;
  name: string;
  outcome: 'success' | 'failure' | 'skipped';
  outputs: Record<string, string>;
  stdout: string;
  stderr: string;
}

export interface StandInCall {
  with: Record<string, string>;
  env: Record<string, string>;
  workspace: string;
}

/** Plays a third-party action (by `owner/repo`, ref ignored). */
export type StandIn = (
  call: StandInCall,
) => Promise<Record<string, string> | void> | Record<string, string> | void;

export interface WorkflowRunOptions {
  /** GITHUB_WORKSPACE: the checked-out repository the workflow runs in. */
  workspace: string;
  eventName: string;
  event: unknown;
  /** `owner/repo` of the repository the workflow belongs to. */
  repository?: string;
  sha?: string;
  ref?: string;
  token?: string;
  secrets?: Record<string, string>;
  vars?: Record<string, string>;
  inputs?: Record<string, unknown>;
  /** Extra environment for every step (GITHUB_API_URL pointing at a local GitHub, …). */
  env?: Record<string, string>;
  standIns?: Record<string, StandIn>;
  /**
   * The repository's GitHub Environments and their required reviewers. A job whose environment
   * has reviewers waits for `approve`; one without (or an environment not listed, which GitHub
   * creates unprotected on first use) runs at once. Not given: every environment asks `approve`.
   */
  environments?: Record<string, { reviewers: string[] }>;
  /**
   * A reviewer's answer for a job waiting on its environment: their login (approved), null
   * (rejected: the job fails), or undefined (withheld: the job and what needs it keep waiting,
   * the run ends `waiting`). With `environments`, only a listed reviewer can approve.
   */
  approve?: (
    job: string,
    environment: string,
  ) => Promise<string | null | undefined> | string | null | undefined;
  /** A job that calls a reusable workflow (`jobs.<id>.uses`). Default: refuse. */
  reusable?: (uses: string, inputs: Record<string, string>) => Promise<'success' | 'failure'>;
  /** Only these jobs (and what they need) run. */
  jobs?: string[];
  runId?: number;
  log?: (line: string) => void;
  /**
   * Fails the job at one of its steps, as a runner that dies or a step that fails would: `before`
   * the step runs, or `after` it ran (its writes made, its outputs lost). For re-run tests.
   */
  interrupt?: (step: { job: string; id: string; name: string }) => 'before' | 'after' | null;
}

export interface JobResult {
  result: 'success' | 'failure' | 'skipped' | 'waiting';
  outputs: Record<string, string>;
  approvedBy?: string;
}

export interface WorkflowRun {
  /** `skipped`: the event does not start this workflow; `waiting`: a job waits for a reviewer. */
  conclusion: 'success' | 'failure' | 'waiting' | 'skipped';
  jobs: Record<string, JobResult>;
  /** Deployments that waited for a reviewer, in order: who approved (null: rejected, undefined: still waiting). */
  reviews: Array<{ job: string; environment: string; reviewer: string | null | undefined }>;
  steps: StepRecord[];
  summaries: string[];
}

interface Step {
  id?: string;
  name?: string;
  if?: unknown;
  uses?: string;
  run?: string;
  shell?: string;
  with?: Record<string, unknown>;
  env?: Record<string, unknown>;
  'working-directory'?: string;
  'continue-on-error'?: boolean;
}

interface Job {
  needs?: string | string[];
  if?: unknown;
  uses?: string;
  with?: Record<string, unknown>;
  environment?: string | { name: string; url?: string };
  env?: Record<string, unknown>;
  outputs?: Record<string, string>;
  steps?: Step[];
  strategy?: unknown;
  container?: unknown;
  services?: unknown;
}

interface Scope {
  job: string;
  contexts: Contexts;
  env: Record<string, string>;
  status: JobStatus;
  files: string;
  /** What steps added with GITHUB_PATH, newest first: later steps find these before PATH. */
  paths: string[];
  run: WorkflowRun;
  options: WorkflowRunOptions;
  /** The repository root that `$/` sibling actions resolve against. */
  actionRepository: string;
  depth: number;
}

const runnerOs = { os: 'Linux', arch: 'X64' };

/** Whether `on:` starts the workflow for this event (and, where it lists `types`, this type). */
function triggeredBy(on: unknown, eventName: string, event: unknown): boolean {
  const triggers: Record<string, unknown> =
    typeof on === 'string'
      ? { [on]: null }
      : Array.isArray(on)
        ? Object.fromEntries(on.map((t: string) => [t, null]))
        : ((on ?? {}) as Record<string, unknown>);
  if (!(eventName in triggers)) return false;
  const types = (triggers[eventName] as { types?: unknown } | null)?.types;
  if (!Array.isArray(types)) return true;
  return types.includes((event as { action?: unknown } | null)?.action);
}

export async function runWorkflow(file: string, options: WorkflowRunOptions): Promise<WorkflowRun> {
  const invalid = await parserErrors(file);
  if (invalid.length > 0) throw new Error(`GitHub would not run ${file}:\n${invalid.join('\n')}`);
  const workflow = parse(readFileSync(file, 'utf8')) as {
    on?: unknown;
    env?: Record<string, unknown>;
    jobs: Record<string, Job>;
  };
  const run: WorkflowRun = { conclusion: 'success', jobs: {}, reviews: [], steps: [], summaries: [] };
  if (!triggeredBy(workflow.on, options.eventName, options.event)) {
    options.log?.(`${options.eventName} does not start ${file}`);
    return { ...run, conclusion: 'skipped' };
  }
  const needsOf = (job: Job) =>
    job.needs === undefined ? [] : Array.isArray(job.needs) ? job.needs : [job.needs];
  const wanted = new Set<string>();
  const want = (id: string) => {
    if (wanted.has(id)) return;
    wanted.add(id);
    needsOf(workflow.jobs[id] ?? {}).forEach(want);
  };
  (options.jobs ?? Object.keys(workflow.jobs)).forEach(want);

  const files = mkdtempSync(join(tmpdir(), 'relx-step-runner-'));
  try {
    const pending = [...wanted];
    const done = (id: string) => id in run.jobs && run.jobs[id]?.result !== 'waiting';
    // failure() of a job is true when any job it needs, directly or not, failed
    const ancestors = (id: string): string[] =>
      needsOf(workflow.jobs[id] ?? {}).flatMap((n) => [n, ...ancestors(n)]);
    while (pending.length > 0) {
      const index = pending.findIndex((id) => needsOf(workflow.jobs[id] ?? {}).every(done));
      if (index < 0) {
        if (Object.values(run.jobs).some((j) => j.result === 'waiting')) break;
        throw new Error(`jobs ${pending.join(', ')} wait on each other`);
      }
      const [id] = pending.splice(index, 1) as [string];
      const failedBefore = ancestors(id).some((a) => run.jobs[a]?.result === 'failure');
      run.jobs[id] = await runJob(
        id,
        workflow.jobs[id] as Job,
        workflow.env ?? {},
        run,
        options,
        files,
        failedBefore,
      );
      if (run.jobs[id]?.result === 'failure') run.conclusion = 'failure';
    }
    if (run.conclusion === 'success' && Object.values(run.jobs).some((j) => j.result === 'waiting'))
      run.conclusion = 'waiting';
  } finally {
    rmSync(files, { recursive: true, force: true });
  }
  return run;
}

function githubContext(options: WorkflowRunOptions): Record<string, unknown> {
  const repository = options.repository ?? 'acme/platform';
  return {
    event_name: options.eventName,
    event: options.event,
    repository,
    repository_owner: repository.split('/')[0],
    sha: options.sha ?? '0000000000000000000000000000000000000000',
    ref: options.ref ?? 'refs/heads/main',
    ref_name: (options.ref ?? 'refs/heads/main').replace(/^refs\/(heads|tags)\//, ''),
    workspace: options.workspace,
    token: options.token ?? '',
    run_id: String(options.runId ?? 42),
    run_attempt: '1',
    actor: 'relx-bot',
    server_url: 'https://github.com',
    api_url: options.env?.GITHUB_API_URL ?? 'https://api.github.com',
    action_path: '',
  };
}

async function runJob(
  id: string,
  job: Job,
  workflowEnv: Record<string, unknown>,
  run: WorkflowRun,
  options: WorkflowRunOptions,
  files: string,
  failedBefore: boolean,
): Promise<JobResult> {
  const needs = Object.fromEntries(
    (job.needs === undefined ? [] : Array.isArray(job.needs) ? job.needs : [job.needs]).map((n) => [
      n,
      { result: run.jobs[n]?.result, outputs: run.jobs[n]?.outputs ?? {} },
    ]),
  );
  const needsSucceeded = Object.values(needs).every((n) => n.result === 'success');
  const contexts: Contexts = {
    github: githubContext(options),
    inputs: options.inputs ?? {},
    secrets: { GITHUB_TOKEN: options.token ?? '', ...options.secrets },
    vars: options.vars ?? {},
    needs,
    steps: {},
    env: {},
    runner: { ...runnerOs, temp: files },
    job: { status: 'success' },
    matrix: {},
  };
  const status: JobStatus = { failed: failedBefore, needsSucceeded };
  if (!condition(job.if, contexts, status)) {
    options.log?.(`job ${id}: skipped`);
    return { result: 'skipped', outputs: {} };
  }
  if (job.strategy || job.container || job.services)
    throw new Error(`job ${id}: matrices, containers and services are not supported by the step runner`);
  // a job that runs despite a failed need (`if: always()`) starts its own steps afresh
  status.failed = false;
  delete status.needsSucceeded;
  if (job.uses) {
    const withs = Object.fromEntries(
      Object.entries(job.with ?? {}).map(([k, v]) => [k, expandValue(v, contexts)]),
    );
    if (!options.reusable)
      throw new Error(`job ${id} calls ${job.uses}; give the runner a \`reusable\` hook`);
    return { result: await options.reusable(job.uses, withs), outputs: {} };
  }
  let approvedBy: string | undefined;
  if (job.environment) {
    const review = await reviewDeployment(id, job.environment, contexts, run, options);
    if (review === 'waiting') return { result: 'waiting', outputs: {} };
    if (review === null) return { result: 'failure', outputs: {} };
    approvedBy = review;
  }
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...workflowEnv, ...job.env })) env[k] = expandValue(v, contexts);
  contexts.env = env;
  const scope: Scope = {
    job: id,
    contexts,
    env,
    status,
    files,
    paths: [],
    run,
    options,
    actionRepository: options.workspace,
    depth: 0,
  };
  options.log?.(`job ${id}: started`);
  await runSteps(job.steps ?? [], scope);
  const outputs = Object.fromEntries(
    Object.entries(job.outputs ?? {}).map(([k, v]) => [k, expand(v, contexts, status)]),
  );
  options.log?.(`job ${id}: ${status.failed ? 'failed' : 'succeeded'}`);
  return { result: status.failed ? 'failure' : 'success', outputs, ...(approvedBy ? { approvedBy } : {}) };
}

/**
 * A job's GitHub Environment, as GitHub evaluates it before the job starts: its name is an
 * expression; an environment with required reviewers holds the job until one approves (a login),
 * rejects (null) or never answers ('waiting'); one without runs at once (undefined).
 */
async function reviewDeployment(
  id: string,
  spec: NonNullable<Job['environment']>,
  contexts: Contexts,
  run: WorkflowRun,
  options: WorkflowRunOptions,
): Promise<string | null | undefined | 'waiting'> {
  const environment = expand(typeof spec === 'string' ? spec : spec.name, contexts);
  if (environment === '') throw new Error(`job ${id}: its environment name is empty`);
  const reviewers = options.environments ? (options.environments[environment]?.reviewers ?? []) : null;
  if (reviewers !== null && reviewers.length === 0) return undefined;
  const reviewer = options.approve ? await options.approve(id, environment) : 'auto-approved';
  run.reviews.push({ job: id, environment, reviewer });
  if (reviewer === undefined) {
    options.log?.(`job ${id}: waiting for a reviewer of ${environment}`);
    return 'waiting';
  }
  if (reviewer === null) {
    options.log?.(`job ${id}: deployment to ${environment} rejected`);
    return null;
  }
  if (reviewers !== null && !reviewers.includes(reviewer))
    throw new Error(`job ${id}: ${reviewer} is not a required reviewer of ${environment}`);
  return reviewer;
}

async function runSteps(steps: Step[], scope: Scope): Promise<void> {
  const { contexts, status } = scope;
  for (const [index, step] of steps.entries()) {
    const id = step.id ?? `__step${index}`;
    const name = step.name ?? step.uses ?? (step.run ?? '').split('\n')[0] ?? id;
    const record: StepRecord = {
      job: scope.job,
      id,
      name,
      outcome: 'skipped',
      outputs: {},
      stdout: '',
      stderr: '',
    };
    scope.run.steps.push(record);
    if (!condition(step.if, contexts, status)) {
      (contexts.steps as Record<string, unknown>)[id] = {
        outcome: 'skipped',
        conclusion: 'skipped',
        outputs: {},
      };
      continue;
    }
    const env: Record<string, string> = { ...scope.env };
    for (const [k, v] of Object.entries(step.env ?? {})) env[k] = expandValue(v, contexts, status);
    const cut = scope.depth === 0 ? (scope.options.interrupt?.({ job: scope.job, id, name }) ?? null) : null;
    let ok: boolean;
    try {
      ok = cut === 'before' ? false : await runStep(step, env, scope, record);
    } catch (error) {
      record.stderr += `${error instanceof Error ? error.message : String(error)}\n`;
      ok = false;
    }
    if (cut) {
      record.stderr += `interrupted ${cut} the step (test)\n`;
      if (cut === 'after') record.outputs = {};
      ok = false;
    }
    record.outcome = ok ? 'success' : 'failure';
    scope.options.log?.(`  ${ok ? '✓' : '✗'} ${name}`);
    (contexts.steps as Record<string, unknown>)[id] = {
      outcome: record.outcome,
      conclusion: ok || step['continue-on-error'] ? 'success' : 'failure',
      outputs: record.outputs,
    };
    if (!ok && !step['continue-on-error']) status.failed = true;
  }
}

/** The files and variables the runner gives every step. */
function stepEnvironment(
  scope: Scope,
  stepFiles: string,
  env: Record<string, string>,
): Record<string, string> {
  const github = scope.contexts.github as Record<string, string>;
  const environment: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? scope.files,
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: scope.options.workspace,
    GITHUB_EVENT_NAME: scope.options.eventName,
    GITHUB_EVENT_PATH: join(scope.files, 'event.json'),
    GITHUB_REPOSITORY: github.repository ?? '',
    GITHUB_REPOSITORY_OWNER: github.repository_owner ?? '',
    GITHUB_SHA: github.sha ?? '',
    GITHUB_REF: github.ref ?? '',
    GITHUB_REF_NAME: github.ref_name ?? '',
    GITHUB_RUN_ID: github.run_id ?? '',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_ACTOR: 'relx-bot',
    GITHUB_JOB: scope.job,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_API_URL: 'https://api.github.com',
    RUNNER_TEMP: scope.files,
    RUNNER_OS: runnerOs.os,
    GITHUB_OUTPUT: join(stepFiles, 'output'),
    GITHUB_STEP_SUMMARY: join(stepFiles, 'summary'),
    GITHUB_ENV: join(stepFiles, 'env'),
    GITHUB_STATE: join(stepFiles, 'state'),
    GITHUB_PATH: join(stepFiles, 'path'),
    ...scope.options.env,
    ...env,
  };
  if (scope.paths.length > 0) environment.PATH = [...scope.paths, environment.PATH].join(':');
  return environment;
}

function spawnCollect(
  command: string,
  args: string[],
  cwd: string,
  env: Record<string, string>,
  record: StepRecord,
): Promise<number> {
  return new Promise((done) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (d: Buffer) => (record.stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (record.stderr += d.toString()));
    child.on('error', (e) => {
      record.stderr += String(e);
      done(1);
    });
    child.on('close', (code) => done(code ?? 1));
  });
}

async function runStep(
  step: Step,
  env: Record<string, string>,
  scope: Scope,
  record: StepRecord,
): Promise<boolean> {
  const { contexts, status } = scope;
  writeFileSync(join(scope.files, 'event.json'), JSON.stringify(scope.options.event ?? {}));
  const stepFiles = mkdtempSync(join(scope.files, 'step-'));
  for (const f of ['output', 'summary', 'env', 'state', 'path']) writeFileSync(join(stepFiles, f), '');
  const collect = () => {
    Object.assign(record.outputs, parseCommandFile(readFileSync(join(stepFiles, 'output'), 'utf8')));
    Object.assign(scope.env, parseCommandFile(readFileSync(join(stepFiles, 'env'), 'utf8')));
    const added = readFileSync(join(stepFiles, 'path'), 'utf8').split('\n').filter(Boolean);
    scope.paths.unshift(...added.reverse());
    const summary = readFileSync(join(stepFiles, 'summary'), 'utf8');
    if (summary) scope.run.summaries.push(summary);
  };

  if (step.run !== undefined) {
    const shell = step.shell ?? 'bash';
    if (!/^bash\b/.test(shell)) throw new Error(`shell ${shell} is not supported by the step runner`);
    const script = join(stepFiles, 'script.sh');
    writeFileSync(script, expand(step.run, contexts, status));
    const cwd = step['working-directory']
      ? resolve(scope.options.workspace, expand(step['working-directory'], contexts))
      : scope.options.workspace;
    const code = await spawnCollect(
      'bash',
      ['--noprofile', '--norc', '-eo', 'pipefail', script],
      cwd,
      stepEnvironment(scope, stepFiles, env),
      record,
    );
    collect();
    return code === 0;
  }

  const uses = expand(step.uses ?? '', contexts);
  const withs = Object.fromEntries(
    Object.entries(step.with ?? {}).map(([k, v]) => [k, expandValue(v, contexts, status)]),
  );
  const actionDir = resolveAction(uses, scope);
  if (actionDir === null) {
    const key = uses.split('@')[0] ?? uses;
    if (key === 'actions/checkout' && withs.repository === 'relx-dev/relx') {
      // a template that runs the relx CLI checks out relx at the release it uses: this checkout
      const into = resolve(scope.options.workspace, withs.path || '.relx');
      rmSync(into, { recursive: true, force: true });
      symlinkSync(relxRoot, into);
      return true;
    }
    const standIn = scope.options.standIns?.[key];
    // without a stand-in, setup-node leaves the Node this runner runs on, as a runner image has one
    if (!standIn && key === 'actions/setup-node') return true;
    if (!standIn) throw new Error(`no stand-in for the third-party action ${uses}`);
    const outputs = await standIn({ with: withs, env, workspace: scope.options.workspace });
    Object.assign(record.outputs, outputs ?? {});
    return true;
  }
  return runLocalAction(actionDir, withs, env, scope, record, stepFiles, collect);
}

/** `./x` (the workspace), `$/x` (the action's own repository), `relx-dev/relx/<name>@…` (this checkout). */
function resolveAction(uses: string, scope: Scope): string | null {
  if (uses.startsWith('./')) return resolve(scope.options.workspace, uses);
  if (uses.startsWith('$/')) return resolve(scope.actionRepository, uses.slice(2));
  const relx = /^relx-dev\/relx\/([\w/-]+)@\S+$/.exec(uses);
  if (relx) return join(relxRoot, 'actions', relx[1] ?? '');
  if (uses.startsWith('docker://')) throw new Error('docker actions are not supported by the step runner');
  return null;
}

async function runLocalAction(
  dir: string,
  withs: Record<string, string>,
  env: Record<string, string>,
  scope: Scope,
  record: StepRecord,
  stepFiles: string,
  collect: () => void,
): Promise<boolean> {
  const action = readActionMetadata(dir);
  if (!action) throw new Error(`${dir} has no action.yml`);
  const github = { ...(scope.contexts.github as Record<string, unknown>), action_path: dir };
  const inputs: Record<string, string> = {};
  for (const [name, spec] of Object.entries(action.inputs)) {
    inputs[name] =
      name in withs
        ? (withs[name] ?? '')
        : expandValue(spec.default ?? '', { ...scope.contexts, github }, scope.status);
  }
  for (const name of Object.keys(withs)) {
    if (!(name in inputs)) record.stderr += `warning: unexpected input ${name}\n`;
  }

  if (/^node\d+$/.test(action.runs.using)) {
    const main = resolve(dir, action.runs.main ?? '');
    const inputEnv = inputEnvironment(inputs);
    const code = await spawnCollect(
      process.execPath,
      [main],
      scope.options.workspace,
      { ...stepEnvironment(scope, stepFiles, env), ...inputEnv },
      record,
    );
    collect();
    return code === 0;
  }
  if (action.runs.using !== 'composite')
    throw new Error(`${action.runs.using} actions are not supported by the step runner`);
  if (scope.depth > 8) throw new Error('composite actions nested too deep');

  // A composite action is a job of its own steps, seeing only its inputs and its own steps.
  const inner: Scope = {
    ...scope,
    contexts: { ...scope.contexts, github, inputs, steps: {}, env: { ...scope.env, ...env } },
    env: { ...scope.env, ...env },
    status: { failed: false },
    actionRepository: isAbsolute(dir) && dir.startsWith(relxRoot) ? relxRoot : scope.actionRepository,
    depth: scope.depth + 1,
  };
  const before = scope.run.steps.length;
  await runSteps((action.runs.steps ?? []) as Step[], inner);
  for (const child of scope.run.steps.slice(before)) {
    record.stdout += child.stdout;
    record.stderr += child.stderr;
  }
  for (const [name, spec] of Object.entries(action.outputs)) {
    record.outputs[name] = expandValue(spec.value ?? '', inner.contexts, inner.status);
  }
  collect();
  return !inner.status.failed;
}
