import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  repositoryFromRemoteUrl,
  resolveSourceRepository,
  webUrlFromRemoteUrl,
} from './source-repository.js';

describe('the source repository a release records', () => {
  it.each([
    ['https://github.com/acme/platform.git', 'acme/platform'],
    ['https://x-access-token:secret@github.com/acme/platform', 'acme/platform'],
    ['git@github.com:acme/platform.git', 'acme/platform'],
    ['ssh://git@github.com/acme/platform.git', 'acme/platform'],
    ['https://gitlab.com/acme/platform.git', null],
    ['/tmp/platform.git', null],
  ])('%s → %s', (url, expected) => {
    expect(repositoryFromRemoteUrl(url)).toBe(expected);
  });

  it('gives the web URL of a remote without its credentials', () => {
    expect(webUrlFromRemoteUrl('https://user:token@git.example.com/team/app.git\n')).toBe(
      'https://git.example.com/team/app',
    );
    expect(webUrlFromRemoteUrl('git@git.example.com:team/app.git')).toBe('https://git.example.com/team/app');
    expect(webUrlFromRemoteUrl('../app.git')).toBeNull();
  });

  describe('resolution', () => {
    let repo: string;
    beforeAll(() => {
      repo = mkdtempSync(join(tmpdir(), 'relx-source-'));
      execFileSync('git', ['init', '-q', repo]);
    });
    afterAll(() => rmSync(repo, { recursive: true, force: true }));

    it('prefers the flag, then GITHUB_REPOSITORY, then a GitHub origin', async () => {
      expect(await resolveSourceRepository(repo, 'acme/flag', { GITHUB_REPOSITORY: 'acme/env' })).toBe(
        'acme/flag',
      );
      expect(await resolveSourceRepository(repo, undefined, { GITHUB_REPOSITORY: 'acme/env' })).toBe(
        'acme/env',
      );
      execFileSync('git', ['remote', 'add', 'origin', 'git@github.com:acme/origin.git'], { cwd: repo });
      expect(await resolveSourceRepository(repo, undefined, {})).toBe('acme/origin');
    });

    it('refuses a malformed name and an unknown source, naming the flag', async () => {
      await expect(resolveSourceRepository(repo, 'acme; rm -rf ~', {})).rejects.toMatchObject({
        field: '--repository',
        fix: 'Write it as owner/name.',
      });
      execFileSync('git', ['remote', 'set-url', 'origin', '/srv/platform.git'], { cwd: repo });
      await expect(resolveSourceRepository(repo, undefined, {})).rejects.toMatchObject({
        field: '--repository',
        fix: 'Pass --repository owner/name.',
      });
    });
  });
});
