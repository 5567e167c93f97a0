import { GitRepo } from '../../test/git-repo.js';
import { readGitLog, type GitCommit } from './git-log.js';
import { assertFullHistory, readHead, readTags, resolveCommit } from './git-refs.js';
import { RelxError } from '../relx-error.js';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

async function collect(cwd: string, revisions: string[]): Promise<GitCommit[]> {
  const commits: GitCommit[] = [];
  for await (const c of readGitLog(cwd, revisions)) commits.push(c);
  return commits;
}

describe('reading history with one git log pass', () => {
  it('streams sha, parents, message and files, children before parents, merges without files', async () => {
    const repo = GitRepo.create();
    const first = repo.commit('feat: one\n\nbody with \u001e and \t odd bytes', ['a/x.txt']);
    const second = repo.commit('fix: ünïcode name', ['a/ü ber.txt', 'b/y.txt']);
    repo.git('checkout', '-q', '-b', 'side');
    const side = repo.commit('chore: side', ['c/z.txt']);
    repo.git('checkout', '-q', 'main');
    repo.git('merge', '-q', '--no-ff', 'side', '-m', 'Merge branch side');
    const merge = repo.head();
    repo.git('mv', 'a/x.txt', 'a/moved.txt');
    const renamed = repo.commit('refactor: move');

    const commits = await collect(repo.dir, ['HEAD']);
    expect(commits.map((c) => c.sha)).toEqual([renamed, merge, side, second, first]);
    expect(commits[0]?.files.sort()).toEqual(['a/moved.txt', 'a/x.txt']);
    expect(commits[1]).toMatchObject({ parents: [second, side], files: [] });
    expect(commits[3]).toMatchObject({ message: 'fix: ünïcode name\n', files: ['a/ü ber.txt', 'b/y.txt'] });
    expect(commits[4]?.parents).toEqual([]);
    expect(commits[4]?.time).toBeGreaterThan(0);
  });

  it('walks only the range it is given', async () => {
    const repo = GitRepo.create();
    const old = repo.commit('feat: old', ['a.txt']);
    const fresh = repo.commit('feat: new', ['b.txt']);
    expect((await collect(repo.dir, ['HEAD', `^${old}`])).map((c) => c.sha)).toEqual([fresh]);
  });

  it('reports a bad revision as an error', async () => {
    const repo = GitRepo.create();
    repo.commit('feat: x', ['a.txt']);
    await expect(collect(repo.dir, ['no-such-ref'])).rejects.toThrow(/no-such-ref/);
  });
});

describe('refs', () => {
  it('reads tags peeled, merged or all', async () => {
    const repo = GitRepo.create();
    const base = repo.commit('feat: base', ['a.txt']);
    repo.tag('a@1.0.0', { annotated: true });
    repo.git('checkout', '-q', '-b', 'other');
    const other = repo.commit('feat: other', ['b.txt']);
    repo.tag('b@1.0.0');
    repo.git('checkout', '-q', 'main');
    const main = repo.commit('feat: main', ['c.txt']);
    expect(await readTags(repo.dir, 'HEAD')).toEqual([{ name: 'a@1.0.0', commit: base }]);
    expect((await readTags(repo.dir)).map((t) => t.commit).sort()).toEqual([base, other].sort());
    expect(await readHead(repo.dir)).toEqual({ sha: main, branch: 'main' });
    repo.git('checkout', '-q', '--detach');
    expect(await readHead(repo.dir)).toEqual({ sha: main, branch: null });
    await expect(resolveCommit(repo.dir, 'nope')).rejects.toThrow(RelxError);
  });

  it('refuses a shallow clone and says how to fetch everything', async () => {
    const repo = GitRepo.create();
    repo.commit('feat: a', ['a.txt']);
    repo.commit('feat: b', ['b.txt']);
    const clone = join(mkdtempSync(join(tmpdir(), 'relx-shallow-')), 'clone');
    execFileSync('git', ['clone', '-q', '--depth', '1', `file://${repo.dir}`, clone]);
    await expect(assertFullHistory(clone)).rejects.toThrow(/shallow/);
    await expect(assertFullHistory(clone)).rejects.toMatchObject({
      fix: expect.stringContaining('fetch-depth: 0'),
    });
    await expect(assertFullHistory(repo.dir)).resolves.toBeUndefined();
  });

  it('says when a folder is not a git repository', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'relx-nogit-'));
    await expect(assertFullHistory(dir)).rejects.toMatchObject({
      kind: 'input',
      message: expect.stringContaining('not a git repository'),
    });
  });
});
