import { GitRepo } from '../../test/git-repo.js';
import { pushBranchWithRetry } from './git-write.js';

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
});
