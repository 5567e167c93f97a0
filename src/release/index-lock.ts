import { access } from 'node:fs/promises';
import { resolve } from 'node:path';
import { runGit } from '../git/run-git.js';
import { conflictError } from '../relx-error.js';

/**
 * A git killed mid-commit leaves `.git/index.lock`, and every later git write fails with git's
 * own message. Found before the first write, with what to do.
 */
export async function assertNoStaleIndexLock(cwd: string): Promise<void> {
  const lock = resolve(cwd, (await runGit(cwd, ['rev-parse', '--git-path', 'index.lock'])).trim());
  const exists = await access(lock).then(
    () => true,
    () => false,
  );
  if (exists) {
    throw conflictError(`${lock} exists: another git process is running here, or one was killed.`, {
      file: lock,
      fix: 'If no git command is running in this repository (an earlier run was killed), delete the file and run again: the release resumes where it stopped.',
    });
  }
}
