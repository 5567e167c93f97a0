import { createHash } from 'node:crypto';
import { runGit } from './run-git.js';

/**
 * The commit at HEAD when it holds `path` with exactly `text` (write-manifest committed it), else
 * null: CD fetches a manifest too large for the dispatch from that commit, so it must be the bytes
 * that were hashed. Git's own blob id is compared, so nothing is decoded on the way.
 */
export async function commitHoldingFile(dir: string, path: string, text: string): Promise<string | null> {
  const bytes = Buffer.from(text, 'utf8');
  const blob = createHash('sha1')
    .update(Buffer.concat([Buffer.from(`blob ${bytes.length}\0`), bytes]))
    .digest('hex');
  try {
    const [head, held] = await Promise.all([
      runGit(dir, ['rev-parse', '--verify', 'HEAD^{commit}']),
      runGit(dir, ['rev-parse', '--verify', `HEAD:./${path}`]),
    ]);
    return held.trim() === blob ? head.trim() : null;
  } catch {
    return null; // not a repository, no commit yet, or the file is not committed
  }
}
