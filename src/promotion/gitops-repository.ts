import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pushAuthEnv } from '../git/git-write.js';
import { GitCommandError, runGit } from '../git/run-git.js';
import { inputError } from '../relx-error.js';
import { atBoundary, type WriteBoundary } from '../release/write-boundary.js';
import { scrubSecrets } from '../secret-scrubber.js';
import { gitopsConfigFile, parseGitOpsConfig, type GitOpsConfig } from './gitops-config.js';
import { parsePromotionMessage, type PromotionRecord } from './promotion-commit.js';

export interface GitOpsRemote {
  /** A URL (https://github.com/acme/deploy) or a path to a repository. */
  url: string;
  /** For https: sent as a header, never in the URL. */
  token?: string;
}

export interface HistoryEntry {
  commit: string;
  time: string;
  author: string;
  record: PromotionRecord | null;
  /** The environment's release.yaml as of this commit; null when the commit removed it. */
  content: string | null;
}

/** Each clone's folder names the process that owns it, so one a killed process left can be told apart. */
const clonePrefix = 'relx-gitops-';

const processIsAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // alive, someone else's
  }
};

/**
 * Removes the clones of relx processes that no longer run (killed before their `finally`).
 * A clone of a live process — another promotion running now — is never touched.
 */
export function sweepAbandonedClones(root = tmpdir()): string[] {
  const removed: string[] = [];
  for (const name of existsSync(root) ? readdirSync(root) : []) {
    const pid = Number(new RegExp(`^${clonePrefix}(\\d+)-`).exec(name)?.[1] ?? NaN);
    if (!Number.isInteger(pid) || pid === process.pid || processIsAlive(pid)) continue;
    rmSync(join(root, name), { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}

const identity = {
  GIT_AUTHOR_NAME: process.env.GIT_AUTHOR_NAME || 'relx',
  GIT_AUTHOR_EMAIL: process.env.GIT_AUTHOR_EMAIL || 'relx@users.noreply.github.com',
  GIT_COMMITTER_NAME: process.env.GIT_COMMITTER_NAME || 'relx',
  GIT_COMMITTER_EMAIL: process.env.GIT_COMMITTER_EMAIL || 'relx@users.noreply.github.com',
};

/**
 * A private clone of the GitOps repository for one promotion: relx never works in someone's
 * checkout. Every read (state, history) and write (commit, push) goes through it.
 */
export class GitOpsClone {
  private constructor(
    readonly dir: string,
    public branch: string,
    private readonly remote: GitOpsRemote,
    private readonly boundary: WriteBoundary | undefined,
  ) {}

  /** The branch known to exist on the remote (fetched before); null until then. */
  private fetched: string | null = null;
  /** File contents at a commit never change: a retry re-reads history without running git show again. */
  private readonly shown = new Map<string, string | null>();

  /**
   * A clone on the branch the GitOps repository is reconciled from: `branch:` in its
   * relx.gitops.yaml, else the remote's default branch (an empty repository starts `main`). A
   * branch that does not exist is refused — a promotion to a new orphan branch would never deploy.
   */
  static async openConfigured(
    remote: GitOpsRemote,
    boundary?: WriteBoundary,
  ): Promise<{ clone: GitOpsClone; config: GitOpsConfig }> {
    const clone = await GitOpsClone.open(remote, null, boundary);
    try {
      const config = parseGitOpsConfig(clone.read(gitopsConfigFile));
      if (!config.branch || config.branch === clone.branch) return { clone, config };
      const from = clone.branch;
      await clone.checkoutBranch(config.branch, from);
      const there = parseGitOpsConfig(clone.read(gitopsConfigFile));
      if (there.branch && there.branch !== config.branch) {
        throw inputError(
          `${gitopsConfigFile} on ${from} names branch ${config.branch}, whose own ${gitopsConfigFile} names ${there.branch}.`,
          { file: gitopsConfigFile, field: 'branch', fix: 'Name the same branch on both.' },
        );
      }
      return { clone, config: there };
    } catch (error) {
      clone.close();
      throw error;
    }
  }

  /**
   * A clone of `branch`, or (null) of the remote's default branch. `boundary` (the kill-point
   * test hook) is passed around every write: the temporary clone, each file, the commit, the
   * push, the clone's removal.
   */
  static async open(
    remote: GitOpsRemote,
    branch: string | null,
    boundary?: WriteBoundary,
  ): Promise<GitOpsClone> {
    boundary?.('before:clone');
    sweepAbandonedClones();
    const dir = mkdtempSync(join(tmpdir(), `${clonePrefix}${process.pid}-`));
    try {
      await runGit(dir, ['init', '--quiet']);
      await runGit(dir, ['remote', 'add', 'origin', remote.url]);
      const env = pushAuthEnv(remote.token);
      const heads = await runGit(dir, ['ls-remote', '--symref', 'origin', 'HEAD'], { env });
      const target = branch ?? /^ref: refs\/heads\/(\S+)\tHEAD$/m.exec(heads)?.[1] ?? 'main';
      await runGit(dir, ['symbolic-ref', 'HEAD', `refs/heads/${target}`]);
      const clone = new GitOpsClone(dir, target, remote, boundary);
      await clone.refresh();
      boundary?.('after:clone');
      return clone;
    } catch (error) {
      rmSync(dir, { recursive: true, force: true });
      if (error instanceof GitCommandError) {
        // git echoes the URL, credentials and all, when it was given them in it
        throw inputError(
          scrubSecrets(
            `Cannot read the GitOps repository ${remote.url}: ${error.stderr.trim().split('\n').pop() ?? ''}`,
            [remote.token],
          ),
          {
            field: 'gitops-repository',
            fix: 'Check the URL or path, and that the token may read it.',
          },
        );
      }
      throw error;
    }
  }

  /** Moves to `branch`, which must exist on the remote. */
  private async checkoutBranch(branch: string, from: string): Promise<void> {
    this.branch = branch;
    await runGit(this.dir, ['symbolic-ref', 'HEAD', `refs/heads/${branch}`]);
    try {
      await this.refresh();
    } catch (error) {
      this.branch = from;
      throw error;
    }
  }

  /**
   * Moves to what the remote holds now. An empty remote stays an empty branch (the first
   * promotion creates it); a remote with branches but not this one is refused, never orphaned.
   */
  async refresh(): Promise<void> {
    const env = pushAuthEnv(this.remote.token);
    // once the branch is known to be there, a refresh after a lost race is one fetch and a reset
    if (this.fetched !== this.branch) await this.checkRemoteBranch(env);
    if (this.fetched !== this.branch) return;
    await runGit(
      this.dir,
      ['fetch', '--quiet', 'origin', `+refs/heads/${this.branch}:refs/remotes/origin/${this.branch}`],
      { env },
    );
    await runGit(this.dir, ['reset', '--quiet', '--hard', `refs/remotes/origin/${this.branch}`]);
  }

  private async checkRemoteBranch(env: Record<string, string>): Promise<void> {
    const heads = await runGit(this.dir, ['ls-remote', '--heads', 'origin'], { env });
    const names = [...heads.matchAll(/\trefs\/heads\/(\S+)$/gm)].map((m) => m[1] ?? '');
    if (names.length === 0) return;
    if (!names.includes(this.branch)) {
      const url = scrubSecrets(this.remote.url, [this.remote.token]);
      throw inputError(`The GitOps repository ${url} has no branch ${this.branch}.`, {
        file: gitopsConfigFile,
        field: 'branch',
        fix: `Set branch: to the branch Argo CD or Flux reconciles (it has ${names.slice(0, 5).join(', ')}), or create ${this.branch} first.`,
      });
    }
    this.fetched = this.branch;
  }

  read(path: string): string | null {
    const full = join(this.dir, path);
    return existsSync(full) ? readFileSync(full, 'utf8') : null;
  }

  private async hasCommits(): Promise<boolean> {
    return runGit(this.dir, ['rev-parse', '--verify', '--quiet', 'HEAD']).then(
      () => true,
      () => false,
    );
  }

  /**
   * The promotions of one file (an environment's release.yaml), newest first. `also` widens the
   * log to more paths (a canary's steps touch only its overlays); `content: false` skips reading
   * `path` at each commit when only the records are needed.
   */
  async history(
    path: string,
    options: { also?: readonly string[]; content?: boolean } = {},
  ): Promise<HistoryEntry[]> {
    if (!(await this.hasCommits())) return [];
    const paths = [path, ...(options.also ?? [])];
    const log = await runGit(this.dir, [
      'log',
      '--format=%H%x1f%aI%x1f%an%x1f%B%x1e',
      'HEAD',
      '--',
      ...paths,
    ]);
    const entries: HistoryEntry[] = [];
    for (const chunk of log.split('\x1e')) {
      const [commit, time, author, message] = chunk.replace(/^\n/, '').split('\x1f');
      if (!commit || !time || !author || message === undefined) continue;
      const key = `${commit}:${path}`;
      const content =
        options.content === false
          ? null
          : this.shown.has(key)
            ? (this.shown.get(key) ?? null)
            : await runGit(this.dir, ['show', key]).catch(() => null);
      if (options.content !== false) this.shown.set(key, content);
      entries.push({ commit, time, author, record: parsePromotionMessage(message), content });
    }
    return entries;
  }

  /** Writes `files` (null: removes the file) and commits them. */
  async commit(files: ReadonlyMap<string, string | null>, message: string): Promise<string> {
    for (const [path, content] of files) {
      await atBoundary(this.boundary, `write:${path}`, async () => {
        if (content === null) return rmSync(join(this.dir, path), { force: true });
        mkdirSync(dirname(join(this.dir, path)), { recursive: true });
        writeFileSync(join(this.dir, path), content);
      });
    }
    return atBoundary(this.boundary, 'commit', async () => {
      await runGit(this.dir, ['add', '-A', '--', ...files.keys()]);
      await runGit(this.dir, ['commit', '--quiet', '--no-verify', '-F', '-'], {
        input: message,
        env: identity,
      });
      return (await runGit(this.dir, ['rev-parse', 'HEAD'])).trim();
    });
  }

  /**
   * Whether another promotion landed since the last refresh: one ls-remote, much cheaper than a
   * commit and a push that would be turned away — what keeps many promotions at once fast.
   */
  async remoteMoved(): Promise<boolean> {
    const env = pushAuthEnv(this.remote.token);
    const tip = (await runGit(this.dir, ['ls-remote', 'origin', `refs/heads/${this.branch}`], { env }))
      .split('\t')[0]
      ?.trim();
    if (this.fetched !== this.branch) return Boolean(tip); // created meanwhile
    const base = await runGit(this.dir, ['rev-parse', `refs/remotes/origin/${this.branch}`]).catch(() => '');
    return tip !== base.trim();
  }

  /** true when pushed; false when the remote moved meanwhile (someone else promoted). */
  async push(): Promise<boolean> {
    try {
      await atBoundary(this.boundary, 'push', () =>
        runGit(this.dir, ['push', '--porcelain', 'origin', `HEAD:refs/heads/${this.branch}`], {
          env: pushAuthEnv(this.remote.token),
        }),
      );
      this.fetched = this.branch;
      return true;
    } catch (error) {
      if (
        error instanceof GitCommandError &&
        /rejected|fetch first|non-fast-forward|cannot lock ref|failed to update ref|stale info/i.test(
          error.stderr,
        )
      ) {
        return false;
      }
      throw error;
    }
  }

  close(): void {
    this.boundary?.('before:remove-clone');
    rmSync(this.dir, { recursive: true, force: true });
    this.boundary?.('after:remove-clone');
  }
}
