// Each stage of the demo is the relx CLI (dist/cli/index.js, the bundle beside this one), exactly
// as a terminal or the actions run it.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const cli = join(import.meta.dirname, '..', 'cli', 'index.js');

/** Who the demo's commits, tags and promotions are by. */
export const demoIdentity = {
  GIT_AUTHOR_NAME: 'relx demo',
  GIT_AUTHOR_EMAIL: 'demo@relx.invalid',
  GIT_COMMITTER_NAME: 'relx demo',
  GIT_COMMITTER_EMAIL: 'demo@relx.invalid',
};

/**
 * Prints `$ relx args`, runs it in `cwd` and returns its output; a failure ends the demo with
 * relx's error. Asynchronous on purpose: Verdaccio runs in this process and must keep answering.
 */
export async function relx(cwd: string, args: string[], env: Record<string, string> = {}): Promise<string> {
  console.log(`$ relx ${args.join(' ')}`);
  const { stdout } = await promisify(execFile)(process.execPath, [cli, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, ...demoIdentity, ...env },
  });
  return stdout;
}

/** Like `relx`, for a command whose failure is part of the story (a gate): its output and exit code. */
export async function relxVerdict(cwd: string, args: string[]): Promise<{ stdout: string; code: number }> {
  try {
    return { stdout: await relx(cwd, args), code: 0 };
  } catch (error) {
    const failed = error as { code?: unknown; stdout?: string };
    if (typeof failed.code === 'number') return { stdout: failed.stdout ?? '', code: failed.code };
    throw error;
  }
}
