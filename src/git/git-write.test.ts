import { GitRepo } from '../../test/git-repo.js';
import { classifyPushFailure, pushBranchWithRetry } from './git-write.js';
import { GitCommandError } from './run-git.js';

describe('pushBranchWithRetry', () => {
  it('rebases onto a push that landed first and pushes again, losing neither', async () => {
    const origin = GitRepo.create({ bare: true });
    const ours = GitRepo.create();
    ours.commit('chore: base', { 'a.txt': 'a\n' });
    ours.git('remote', 'add', 'origin', origin.dir);
    ours.git('push', '-q', 'origin', 'main');
    const theirs = GitRepo.create();
    theirs.git('remote', 'add', 'origin', origin.dir);
    theirs.git('fetch', '-q', 'origin', 'main');
    theirs.git('reset', '-q', '--hard', 'FETCH_HEAD');
    theirs.commit('feat: theirs', { 'b.txt': 'b\n' });
    theirs.git('push', '-q', 'origin', 'HEAD:main');
    ours.commit('feat: ours', { 'c.txt': 'c\n' });

    await pushBranchWithRetry(ours.dir, { remote: 'origin', branch: 'main' });
    expect(origin.git('log', '--format=%s', 'main').split('\n')).toEqual([
      'feat: ours',
      'feat: theirs',
      'chore: base',
    ]);
  });

  it('gives up after the attempts it was given', async () => {
    const ours = GitRepo.create();
    ours.commit('chore: base', { 'a.txt': 'a\n' });
    ours.git('remote', 'add', 'origin', '/nonexistent/relx-remote.git');
    await expect(pushBranchWithRetry(ours.dir, { remote: 'origin', branch: 'main' }, 1)).rejects.toThrow();
  });

  it('stops at once at a remote that is not there: retrying cannot help', async () => {
    const ours = GitRepo.create();
    ours.commit('chore: base', { 'a.txt': 'a\n' });
    ours.git('remote', 'add', 'origin', '/nonexistent/relx-remote.git');
    const progress: string[] = [];
    await expect(
      pushBranchWithRetry(ours.dir, { remote: 'origin', branch: 'main' }, 3, {
        onProgress: (l) => progress.push(l),
      }),
    ).rejects.toMatchObject({
      kind: 'input',
      message: expect.stringContaining('git push to origin was refused'),
    });
    expect(progress).toEqual([]);
  });

  it.each([
    ['! [rejected]        HEAD -> main (fetch first)', 'transient', 'not-sent'],
    ['! [remote rejected] main -> main (cannot lock ref)', 'transient', 'not-sent'],
    ['fatal: Authentication failed for https://github.com/acme/deploy/', 'input', 'unknown'],
    [
      'remote: Permission to acme/deploy.git denied to bot.\nfatal: unable to access: 403',
      'input',
      'unknown',
    ],
    ['fatal: unable to access: Could not resolve host: github.com', 'transient', 'unknown'],
  ])('reads "%s" as %s', (stderr, kind, delivery) => {
    const error = classifyPushFailure(new GitCommandError(['push'], 1, stderr), {
      remote: 'origin',
      branch: 'main',
    });
    expect(error).toMatchObject({ kind, delivery });
  });
});
