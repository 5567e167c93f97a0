import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readHead } from '../git/git-refs.js';
import { runGit } from '../git/run-git.js';
import { inputError } from '../relx-error.js';
import { parseReleasePlan } from '../release-plan/parse-release-plan.js';
import { planRepositoryRelease } from '../release-plan/plan-repository-release.js';
import type { ReleasePlan } from '../release-plan/release-plan.js';
import { releasedPlanHead } from './release-commit.js';

export interface ReleasePlanSource {
  /** The plan as text (an action input), and what to call it in errors. */
  text?: { value: string; source: string };
  /** A file holding the plan, and the option or input that named it. */
  file?: { path: string; field: string };
  configFile?: string;
  now: Date;
  onProgress?: (message: string) => void;
}

/**
 * The plan to apply, shared by `relx version` and bump-version: the one handed in, else one made
 * now. Made now on a release commit of relx (HEAD's trailer names its parent), the plan is made
 * on that parent — the release it is part of — so that a re-run after a kill, or `relx version`
 * then `relx version --push`, finishes that release instead of finding nothing or a new one.
 */
export async function resolveReleasePlan(cwd: string, source: ReleasePlanSource): Promise<ReleasePlan> {
  if (source.text) return parseReleasePlan(source.text.value, source.text.source);
  if (source.file) {
    const { path, field } = source.file;
    const text = await readFile(path, 'utf8').catch(() => {
      throw inputError(`Cannot read the plan file ${path}.`, {
        field,
        fix: "Check the path (analyze-commits' `plan-file` output, or `relx plan --json > plan.json`).",
      });
    });
    return parseReleasePlan(text, path);
  }
  const head = await readHead(cwd);
  const [parents = '', ...message] = (await runGit(cwd, ['log', '-1', '--format=%P%n%B', head.sha])).split(
    '\n',
  );
  const parent = parents.split(' ')[0] ?? '';
  const resumed = releasedPlanHead(message.join('\n')) === parent && parent !== '';
  if (resumed)
    source.onProgress?.(`HEAD is the release commit of ${parent.slice(0, 7)}: resuming that release`);
  const options = {
    now: source.now,
    ...(source.configFile ? { configFile: source.configFile } : {}),
    ...(resumed && head.branch ? { branch: head.branch } : {}),
  };
  if (resumed) return planAtCommit(cwd, parent, options);
  // Version files a killed run already rewrote are ahead of every tag, and the plan would take
  // them for the current versions: plan HEAD as committed when tracked files have changed.
  const changed = await runGit(cwd, ['status', '--porcelain', '--untracked-files=no']);
  if (changed.trim() !== '') {
    source.onProgress?.('the working tree has uncommitted changes: planning HEAD as committed');
    return planAtCommit(cwd, head.sha, { ...options, ...(head.branch ? { branch: head.branch } : {}) });
  }
  return (await planRepositoryRelease(cwd, options)).plan;
}

/**
 * Plans `commit` as it was, not the working tree: on the release commit the version files already
 * hold the new versions, and planning the parent with them would release the next versions again.
 * A throwaway worktree of the parent shares the repository's objects and tags; it is removed after.
 */
export async function planAtCommit(
  cwd: string,
  commit: string,
  options: Parameters<typeof planRepositoryRelease>[1],
): Promise<ReleasePlan> {
  const dir = await mkdtemp(join(tmpdir(), 'relx-resume-'));
  try {
    await runGit(cwd, ['worktree', 'add', '--detach', '--quiet', dir, commit]);
    return (await planRepositoryRelease(dir, options)).plan;
  } finally {
    await runGit(cwd, ['worktree', 'remove', '--force', dir]).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
    await runGit(cwd, ['worktree', 'prune']).catch(() => undefined);
  }
}
