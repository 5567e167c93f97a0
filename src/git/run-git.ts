import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { inputError } from '../relx-error.js';

export class GitCommandError extends Error {
  constructor(
    readonly args: readonly string[],
    readonly exitCode: number | null,
    readonly stderr: string,
  ) {
    super(`git ${args.join(' ')} failed (exit ${exitCode}): ${stderr.trim()}`);
    this.name = 'GitCommandError';
  }
}

/**
 * Runs git with arguments as an array (never through a shell: refs and paths can hold anything)
 * and returns its stdout. Paths are not quoted, so non-ASCII file names come back as they are.
 */
export function runGit(
  cwd: string,
  args: readonly string[],
  options: { input?: string; env?: Record<string, string> } = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', ['-c', 'core.quotepath=off', ...args], {
      cwd,
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      env: { ...process.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C', ...options.env },
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout?.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', (error) => reject(asGitError(error, cwd)));
    child.on('close', (code) => {
      const stderr = Buffer.concat(err).toString('utf8');
      if (code === 0) resolve(Buffer.concat(out).toString('utf8'));
      else reject(asGitError(new GitCommandError(args, code, stderr), cwd));
    });
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}

/** The two failures a user can fix get a kind and a fix; the rest stay git's own message. */
export function asGitError(error: unknown, cwd: string): unknown {
  // Not `instanceof Error`: spawn's errors may come from another realm (a test VM, a bundle).
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  if (code === 'ENOENT') {
    // spawn says ENOENT for a missing working directory too: tell the two apart
    if (!existsSync(cwd)) {
      return inputError(`${cwd} does not exist.`, {
        field: 'working-directory',
        fix: "Pass the folder of a git clone (the action's working-directory, or the CLI's --cwd).",
      });
    }
    return inputError('git is not installed or not on PATH.', { fix: 'Install git (2.30 or later).' });
  }
  if (error instanceof GitCommandError && /not a git repository/i.test(error.stderr)) {
    return inputError(`${cwd} is not a git repository.`, {
      fix: 'Run relx inside a clone (in a workflow: actions/checkout with fetch-depth: 0), or pass --cwd.',
    });
  }
  return error;
}
