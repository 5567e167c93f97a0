import { spawn, type ChildProcess } from 'node:child_process';
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
 * One `git log` pass over `revisions` (e.g. `['HEAD', '^abc123']`) in topological order, children
 * before parents. Fields are NUL-separated (`-z`), so any message or path is safe. Reading starts
 * at once and commits are parsed as bytes arrive, so git and the caller's other work overlap;
 * `stop()` ends the walk and the iteration early (the caller knows when older history cannot matter).
 * The NUL-separated tokens are: `\x1e<sha> <time> <parents>`, `<message>`, then `\n<file>`, `<file>`…
 */
export class GitLogStream implements AsyncIterable<GitCommit> {
  private readonly child: ChildProcess;
  private queue: GitCommit[] = [];
  private read = 0;
  private readonly stderr: Buffer[] = [];
  private wake: (() => void) | null = null;
  private ended = false;
  private stopped = false;
  private failure: unknown = null;

  constructor(
    private readonly cwd: string,
    revisions: readonly string[],
  ) {
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
    // GIT_FLUSH=0: into a pipe git would flush after every commit, and the reader would wake up
    // once per commit for a small write instead of once per buffer.
    this.child = spawn('git', args, {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, LC_ALL: 'C', GIT_FLUSH: '0' },
    });
    const decoder = new StringDecoder('utf8');
    let rest = '';
    let current: GitCommit | null = null;
    let expectMessage = false;
    this.child.stdout?.on('data', (chunk: Buffer) => {
      const text = rest + decoder.write(chunk);
      let start = 0;
      for (let end = text.indexOf('\0', start); end >= 0; end = text.indexOf('\0', start)) {
        const token = text.slice(start, end);
        start = end + 1;
        if (expectMessage && current) {
          current.message = token;
          expectMessage = false;
        } else if (token.startsWith(RECORD)) {
          if (current) this.queue.push(current);
          const [sha = '', time = '0', ...parents] = token.slice(1).split(' ');
          current = { sha, time: Number(time), parents: parents.filter(Boolean), message: '', files: [] };
          expectMessage = true;
        } else if (current && token.length > 0) {
          current.files.push(token.startsWith('\n') ? token.slice(1) : token);
        }
      }
      rest = text.slice(start);
      this.notify();
    });
    this.child.stderr?.on('data', (chunk: Buffer) => this.stderr.push(chunk));
    this.child.on('error', (error) => {
      this.failure = asGitError(error, cwd);
      this.finish();
    });
    this.child.on('close', (code) => {
      if (current) this.queue.push(current);
      current = null;
      if (code !== 0 && !this.stopped && this.failure === null) {
        this.failure = asGitError(
          new GitCommandError(args, code, Buffer.concat(this.stderr).toString('utf8')),
          cwd,
        );
      }
      this.finish();
    });
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }

  private finish(): void {
    this.ended = true;
    this.notify();
  }

  /** Ends the walk: git is stopped and iteration ends after the commits already read. */
  stop(): void {
    this.stopped = true;
    this.queue = [];
    this.read = 0;
    if (this.child.exitCode === null) this.child.kill();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<GitCommit> {
    try {
      for (;;) {
        if (this.read < this.queue.length) {
          const next = this.queue[this.read++] as GitCommit;
          // drop what was read now and then, without an O(n) shift per commit
          if (this.read >= 4096) {
            this.queue = this.queue.slice(this.read);
            this.read = 0;
          }
          // Let I/O run now and then: a consumer that never leaves microtasks would leave
          // git blocked on a full pipe, and the two would take turns instead of overlapping.
          if (this.read % 256 === 0) await new Promise<void>((resolve) => setImmediate(resolve));
          yield next;
          continue;
        }
        if (this.stopped) return;
        if (this.ended) {
          if (this.failure) throw this.failure;
          return;
        }
        await new Promise<void>((resolve) => (this.wake = resolve));
      }
    } finally {
      if (!this.ended) this.stop();
    }
  }
}

/** Streams the commits of `revisions`; see GitLogStream. */
export function readGitLog(cwd: string, revisions: readonly string[]): GitLogStream {
  return new GitLogStream(cwd, revisions);
}
