import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { inputEnvironment, parseCommandFile, readActionMetadata } from '../test/action-metadata.js';

export { inputVariable, parseCommandFile } from '../test/action-metadata.js';

const repoRoot = resolve(import.meta.dirname, '..');

export interface ActionRun {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** Outputs as the runner reads them from GITHUB_OUTPUT (heredoc or name=value lines). */
  outputs: Record<string, string>;
  summary: string;
  /** GITHUB_ENV entries exported by the action. */
  env: Record<string, string>;
}

export interface ActionRunOptions {
  /** Inputs by their action.yml names; each becomes INPUT_<NAME> the way the runner spells it. */
  inputs?: Record<string, string>;
  /** The workspace (GITHUB_WORKSPACE) and working directory. */
  workspace: string;
  /** The event payload written to GITHUB_EVENT_PATH. */
  event?: unknown;
  eventName?: string;
  env?: Record<string, string>;
}

/** The runner passes every input declared in action.yml, with its default when the workflow gives none. */
function declaredDefaults(name: string): Record<string, string> {
  const action = readActionMetadata(join(repoRoot, 'actions', name));
  return Object.fromEntries(
    Object.entries(action?.inputs ?? {}).map(([input, spec]) => [
      input,
      spec.default === undefined ? '' : String(spec.default),
    ]),
  );
}

/** Runs the built bundle `dist/<name>/index.js` the way the GitHub runner runs a node24 action. */
export async function runAction(name: string, options: ActionRunOptions): Promise<ActionRun> {
  const files = mkdtempSync(join(tmpdir(), `relx-runner-${name}-`));
  const path = (f: string) => join(files, f);
  for (const f of ['output', 'summary', 'env', 'state', 'path']) writeFileSync(path(f), '');
  writeFileSync(path('event.json'), JSON.stringify(options.event ?? {}));
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? files,
    GITHUB_ACTIONS: 'true',
    CI: 'true',
    GITHUB_OUTPUT: path('output'),
    GITHUB_STEP_SUMMARY: path('summary'),
    GITHUB_ENV: path('env'),
    GITHUB_STATE: path('state'),
    GITHUB_PATH: path('path'),
    GITHUB_EVENT_PATH: path('event.json'),
    GITHUB_EVENT_NAME: options.eventName ?? 'push',
    GITHUB_WORKSPACE: options.workspace,
    GITHUB_REPOSITORY: 'acme/platform',
    GITHUB_REPOSITORY_OWNER: 'acme',
    GITHUB_SHA: '0000000000000000000000000000000000000000',
    GITHUB_REF: 'refs/heads/main',
    GITHUB_REF_NAME: 'main',
    GITHUB_RUN_ID: '42',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_API_URL: 'https://api.github.com',
    RUNNER_TEMP: files,
    RUNNER_OS: 'Linux',
    ...options.env,
  };
  Object.assign(env, inputEnvironment({ ...declaredDefaults(name), ...options.inputs }));

  const bundle = join(repoRoot, 'dist', name, 'index.js');
  const child = spawn(process.execPath, [bundle], {
    cwd: options.workspace,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exitCode = await new Promise<number>((done) => child.on('close', (code) => done(code ?? 1)));
  try {
    return {
      exitCode,
      stdout,
      stderr,
      outputs: parseCommandFile(readFileSync(path('output'), 'utf8')),
      summary: readFileSync(path('summary'), 'utf8'),
      env: parseCommandFile(readFileSync(path('env'), 'utf8')),
    };
  } finally {
    rmSync(files, { recursive: true, force: true });
  }
}
