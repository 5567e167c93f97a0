import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runGit } from './run-git.js';

describe('runGit errors a user can act on', () => {
  it('says the folder does not exist, not that git is missing', async () => {
    const missing = join(mkdtempSync(join(tmpdir(), 'relx-run-git-')), 'no-such-folder');
    await expect(runGit(missing, ['status'])).rejects.toMatchObject({
      kind: 'input',
      message: `${missing} does not exist.`,
    });
  });

  it('says a folder is not a git repository', async () => {
    const plain = mkdtempSync(join(tmpdir(), 'relx-run-git-'));
    await expect(runGit(plain, ['status'])).rejects.toMatchObject({
      kind: 'input',
      message: `${plain} is not a git repository.`,
    });
  });
});
