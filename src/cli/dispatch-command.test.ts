import { jest } from '@jest/globals';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GitRepo } from '../../test/git-repo.js';
import { aPackage, aPublishedList } from '../manifest/manifest-builders.js';
import { runCli } from './main.js';

describe('relx dispatch', () => {
  it('--dry-run prints the dispatch the CD repository would get, and sends nothing', async () => {
    const repo = GitRepo.create();
    repo.commit('feat: first');
    const list = aPublishedList([aPackage('@acme/core', '1.3.0')]);
    writeFileSync(join(repo.dir, 'published.json'), JSON.stringify(list));
    let out = '';
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((out += String(chunk)), true));
    jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const code = await runCli([
        'dispatch',
        '--dry-run',
        '--cwd',
        repo.dir,
        '--repository',
        'acme/deploy',
        '--source-repository',
        'acme/platform',
        '--published',
        'published.json',
      ]);
      expect(code).toBe(0);
      expect(JSON.parse(out)).toEqual({
        repository: 'acme/deploy',
        event_type: 'relx-release-published',
        client_payload: expect.objectContaining({
          repository: 'acme/platform',
          commit: list.source.commit,
          published: list,
        }),
      });
    } finally {
      jest.restoreAllMocks();
    }
  });
});
