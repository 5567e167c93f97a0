import { GitRepo } from '../../test/git-repo.js';
import { readCommitChanges } from './git-data-api.js';

describe('what a commit changes, as the git data API takes it', () => {
  it('new and changed files with their bytes and mode, deleted ones as null', () => {
    const repo = GitRepo.create();
    repo.commit('chore: start', { 'a.txt': 'a\n', 'gone.txt': 'x\n', 'bin/run.sh': '#!/bin/sh\n' });
    repo.git('rm', '-q', 'gone.txt');
    repo.git('update-index', '--chmod=+x', 'bin/run.sh');
    repo.write('a.txt', 'a2\n').write('data.bin', '\u0000\u00ff');
    repo.git('add', 'a.txt', 'data.bin');
    repo.git('commit', '-q', '-m', 'chore: change');
    return readCommitChanges(repo.dir, 'HEAD').then((changes) => {
      expect(changes.map((c) => [c.path, c.mode, c.content?.toString('utf8') ?? null])).toEqual([
        ['a.txt', '100644', 'a2\n'],
        ['bin/run.sh', '100755', '#!/bin/sh\n'],
        ['data.bin', '100644', '\u0000\u00ff'],
        ['gone.txt', '100644', null],
      ]);
      repo.remove();
    });
  });
});
