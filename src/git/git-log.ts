import { spawn } from 'node:child_process';
import { StringDecoder } from 'node:string_decoder';
import { asGitError, GitCommandError } from './run-git.js';

/** One commit as `git log` reports it: what relx needs and nothing more. */
export interface GitCommit {
  sha: string;
  /** Committer time, seconds since the epoch. */
  time: number;
  parents: string[];
  /** The raw message (`%B`). */
  message: string;
  /** Files the commit changed against its first parent; empty for merges (they are not counted twice). */
  files: string[];
}

const RECORD = '\x1e';

/**
 * Streams the commits of `revisions` (e.g. `['HEAD', '^abc123']`) in topological order, children
 * before parents, in one `git log` pass. Fields are NUL-separated (`-z`), so any message or path is
 * safe; each commit is yielded as soon as its file list is complete, so memory stays flat.
 * The stream of NUL-separated tokens is: `\x1e<sha> <time> <parents>`, `<message>`, then `\n<file>`, `<file>`…
 */
export async function* readGitLog(cwd: string, revisions: readonly string[]): AsyncGenerator<GitCommit> {
  const args = [
    '-c',
    'core.quotepath=off',
    'log',
    '-z',
    '--topo-order',
    '--name-only',
    '--no-renames',
    '--no-color',
    '--format=%x1e%H %ct %P%x00%B',
    ...revisions,
    '--',
  ];
  const child = spawn('git', args, {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, LC_ALL: 'C' },
  });
  const stderr: Buffer[] = [];
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });

  const decoder = new StringDecoder('utf8');
  let rest = '';
  let current: GitCommit | null = null;
  let expectMessage = false;
  try {
    for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
      const text = rest + decoder.write(chunk);
      let start = 0;
      for (let end = text.indexOf('\0', start); end >= 0; end = text.indexOf('\0', start)) {
        const token = text.slice(start, end);
        start = end + 1;
        if (expectMessage && current) {
          current.message = token;
          expectMessage = false;
        } else if (token.startsWith(RECORD)) {
          if (current) yield current;
          const [sha = '', time = '0', ...parents] = token.slice(1).split(' ');
          current = { sha, time: Number(time), parents: parents.filter(Boolean), message: '', files: [] };
          expectMessage = true;
        } else if (current && token.length > 0) {
          current.files.push(token.startsWith('\n') ? token.slice(1) : token);
        }
      }
      rest = text.slice(start);
    }
    if (current) yield current;
  } finally {
    if (child.exitCode === null) child.kill();
  }
  const code = await exited.catch((error: unknown) => {
    throw asGitError(error, cwd);
  });
  if (code !== 0 && code !== null) {
    throw asGitError(new GitCommandError(args, code, Buffer.concat(stderr).toString('utf8')), cwd);
  }
}
