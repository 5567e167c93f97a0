import { inputError } from '../relx-error.js';
import { GitCommandError, runGit } from './run-git.js';

/**
 * A shallow clone hides the history releases are decided from; relx refuses it rather than
 * plan from a truncated past.
 */
export async function assertFullHistory(cwd: string): Promise<void> {
  const shallow = (await runGit(cwd, ['rev-parse', '--is-shallow-repository'])).trim();
  if (shallow === 'true') {
    throw inputError('The repository is a shallow clone: relx needs the full history and tags.', {
      fix: 'Fetch everything: in a workflow set `fetch-depth: 0` on actions/checkout; locally run `git fetch --unshallow --tags`.',
    });
  }
}

export interface Head {
  sha: string;
  /** The checked-out branch, or null on a detached head. */
  branch: string | null;
}

export async function readHead(cwd: string, ref = 'HEAD'): Promise<Head> {
  const sha = await resolveCommit(cwd, ref);
  let branch: string | null = null;
  if (ref === 'HEAD') {
    const name = (await runGit(cwd, ['symbolic-ref', '-q', '--short', 'HEAD']).catch(() => '')).trim();
    branch = name || null;
  } else if (!/^[0-9a-f]{7,40}$/i.test(ref)) {
    const name = (await runGit(cwd, ['rev-parse', '--abbrev-ref', ref]).catch(() => '')).trim();
    branch = name && name !== 'HEAD' ? name.replace(/^origin\//, '') : null;
  }
  return { sha, branch };
}

/** The full sha of `ref`'s commit, or an input error naming the ref. */
export async function resolveCommit(cwd: string, ref: string): Promise<string> {
  try {
    return (await runGit(cwd, ['rev-parse', '--verify', '--end-of-options', `${ref}^{commit}`])).trim();
  } catch (error) {
    if (error instanceof GitCommandError) {
      throw inputError(`\`${ref}\` is not a commit in this repository.`, {
        fix: 'Check the ref or range; in a workflow, fetch it (actions/checkout with fetch-depth: 0).',
      });
    }
    throw error;
  }
}

export interface TagRef {
  name: string;
  /** The tagged commit (annotated tags peeled). */
  commit: string;
}

/** Every tag with its commit; `mergedInto` keeps only tags reachable from that commit. */
export async function readTags(cwd: string, mergedInto?: string): Promise<TagRef[]> {
  const args = ['for-each-ref', '--format=%(refname:strip=2)%00%(objectname)%00%(*objectname)', 'refs/tags'];
  if (mergedInto) args.push('--merged', mergedInto);
  const out = await runGit(cwd, args);
  const tags: TagRef[] = [];
  for (const line of out.split('\n')) {
    if (!line) continue;
    const [name = '', object = '', peeled = ''] = line.split('\0');
    tags.push({ name, commit: peeled || object });
  }
  return tags;
}

export async function isAncestor(cwd: string, ancestor: string, descendant: string): Promise<boolean> {
  try {
    await runGit(cwd, ['merge-base', '--is-ancestor', ancestor, descendant]);
    return true;
  } catch (error) {
    if (error instanceof GitCommandError && (error.exitCode === 1 || error.exitCode === 128)) return false;
    throw error;
  }
}

export interface LineChange {
  commit: string;
  /** The commit created the file (the line was added with it, not changed from an earlier value). */
  createdFile: boolean;
  /** Its first parent, or null for a root commit. */
  parent: string | null;
}

/**
 * The newest commit in `head`'s history whose diff of `file` adds or removes a line matching
 * `pattern` (an extended regular expression), or null. One `git log -1 -G` that stops at the first
 * match: finding where a version was set costs one process, however long the history.
 */
export async function findLastLineChange(
  cwd: string,
  head: string,
  file: string,
  pattern: string,
): Promise<LineChange | null> {
  const out = await runGit(cwd, [
    'log',
    '-1',
    '--no-renames',
    '--format=%H%x00%P',
    '--name-status',
    '-E',
    `-G${pattern}`,
    head,
    '--',
    file,
  ]);
  const [header = '', ...rest] = out.split('\n').filter(Boolean);
  const [commit = '', parents = ''] = header.split('\0');
  if (!/^[0-9a-f]{40}$/.test(commit)) return null;
  const createdFile = rest.some((line) => line.startsWith('A\t'));
  return { commit, createdFile, parent: parents.split(' ').filter(Boolean)[0] ?? null };
}
