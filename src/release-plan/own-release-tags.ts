import { runGit } from '../git/run-git.js';
import type { TagRef } from '../git/git-refs.js';
import { releaseTrailer } from '../release/release-commit.js';

/**
 * The tags an earlier attempt of this very release already made: on a commit whose first parent
 * is the planned head and whose release trailer names it. Planning the head again must give the
 * same versions, so these tags are this plan's own output, not releases it must go past — a
 * re-run of the same workflow run otherwise refuses its own tags as "already released".
 * One `git log --no-walk` over the tagged commits reads only parents and that trailer.
 */
export async function readOwnReleaseTags(
  cwd: string,
  head: string,
  tags: readonly TagRef[],
): Promise<Set<string>> {
  const commits = [...new Set(tags.map((t) => t.commit))];
  if (commits.length === 0) return new Set();
  const out = await runGit(
    cwd,
    [
      'log',
      '--no-walk=unsorted',
      '--stdin',
      '--ignore-missing',
      `--format=%H %P%x00%(trailers:key=${releaseTrailer},valueonly,separator=%x20)`,
    ],
    { input: `${commits.join('\n')}\n` },
  ).catch(() => ''); // a tag on a tree or blob: nothing of ours, fall back to the plain plan
  const ours = new Set<string>();
  for (const line of out.split('\n')) {
    const [ids = '', trailer = ''] = line.split('\0');
    const [sha = '', firstParent = ''] = ids.split(' ');
    if (firstParent === head && trailer.trim() === head) ours.add(sha);
  }
  return new Set(tags.filter((t) => ours.has(t.commit)).map((t) => t.name));
}
