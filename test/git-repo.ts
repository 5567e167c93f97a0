import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/**
 * A real, throwaway git repository for tests. Commits get deterministic dates so that
 * ordering is stable; identities are fixed so the tests do not depend on global config.
 */
export class GitRepo {
  private tick = 0;

  private constructor(readonly dir: string) {}

  static create(options: { bare?: boolean; dir?: string } = {}): GitRepo {
    const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'relx-repo-'));
    const repo = new GitRepo(dir);
    repo.git('init', '-q', '-b', 'main', ...(options.bare ? ['--bare'] : []));
    if (!options.bare) {
      repo.git('config', 'user.name', 'Relx Test');
      repo.git('config', 'user.email', 'test@relx.invalid');
      repo.git('config', 'commit.gpgsign', 'false');
      repo.git('config', 'tag.gpgsign', 'false');
    }
    return repo;
  }

  git(...args: string[]): string {
    const when = new Date(Date.UTC(2026, 0, 1) + this.tick * 1000).toISOString();
    return execFileSync('git', args, {
      cwd: this.dir,
      encoding: 'utf8',
      env: { ...process.env, GIT_AUTHOR_DATE: when, GIT_COMMITTER_DATE: when },
      stdio: ['ignore', 'pipe', 'pipe'],
    }).trimEnd();
  }

  write(path: string, content: string): this {
    const full = join(this.dir, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, content);
    return this;
  }

  writeJson(path: string, value: unknown): this {
    return this.write(path, `${JSON.stringify(value, null, 2)}\n`);
  }

  /** Commit `files` (path → content; each gets a unique line if none is given) with `message`; returns the sha. */
  commit(message: string, files: Record<string, string> | string[] = []): string {
    this.tick++;
    const entries = Array.isArray(files)
      ? files.map((f) => [f, `${f} ${this.tick}\n`] as const)
      : Object.entries(files);
    for (const [path, content] of entries) this.write(path, content);
    this.git('add', '-A');
    this.git('commit', '-q', '--allow-empty', '-m', message);
    return this.head();
  }

  head(): string {
    return this.git('rev-parse', 'HEAD');
  }

  tag(name: string, options: { annotated?: boolean; ref?: string } = {}): this {
    const args = options.annotated === false ? ['tag', name] : ['tag', '-a', name, '-m', name];
    if (options.ref) args.push(options.ref);
    this.git(...args);
    return this;
  }

  checkout(branch: string, create = false): this {
    this.git('checkout', '-q', ...(create ? ['-b'] : []), branch);
    return this;
  }

  /** A merge commit (never fast-forward) of `branch` into the current branch. */
  merge(branch: string, message = `Merge branch '${branch}'`): string {
    this.tick++;
    this.git('merge', '-q', '--no-ff', '-m', message, branch);
    return this.head();
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
