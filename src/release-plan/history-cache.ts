import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { HistoryCommit } from '../commits/conventional-commit.js';

/**
 * The parsed history a previous run read, keyed by the commit it reached. It is only a cache:
 * the caller proves with git that it still describes the history (its head is an ancestor of the
 * new head) and discards it otherwise. When a plan needs older history than the cache holds (a
 * release tag moved back), the walk continues from the cache's frontier.
 */
export interface HistoryIndex {
  format: typeof historyIndexFormat;
  /** Parser settings the commits were parsed with; other settings mean other parses. */
  parserKey: string;
  head: string;
  /** The commits the walk would have continued from (not read). */
  frontier: string[];
  /** Every commit the walk read, in topological order: the history of `head` down to the frontier. */
  commits: HistoryCommit[];
}

export const historyIndexFormat = 'relx-history-index/2';

/** The index, or null with why it cannot be used. Never throws for a bad file: a cache is optional. */
export async function readHistoryIndex(
  file: string,
  parserKey: string,
): Promise<{ index: HistoryIndex | null; reason: string }> {
  let raw: string;
  try {
    raw = await readFile(file, 'utf8');
  } catch {
    return { index: null, reason: 'no cache file' };
  }
  try {
    const index = JSON.parse(raw) as Partial<HistoryIndex>;
    if (index.format !== historyIndexFormat)
      return { index: null, reason: 'cache written by another relx format' };
    if (index.parserKey !== parserKey)
      return { index: null, reason: 'cache parsed with other release rules' };
    if (typeof index.head !== 'string' || !Array.isArray(index.frontier) || !Array.isArray(index.commits)) {
      return { index: null, reason: 'cache file is incomplete' };
    }
    return { index: index as HistoryIndex, reason: 'ok' };
  } catch {
    return { index: null, reason: 'cache file is not valid JSON' };
  }
}

/** Written to a temporary name and renamed, so a run killed mid-write leaves the old index or none. */
export async function writeHistoryIndex(file: string, index: HistoryIndex): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, JSON.stringify(index));
  await rename(temporary, file);
}
