import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApiBackedOrigin, runGit } from './api-backed-origin.js';
import type { GitHubRequest } from '../../src/github/github-request.js';
import { commitThroughApi } from '../../src/release-pr/verified-commits.js';

let repo: ApiBackedOrigin;
beforeEach(async () => {
  repo = await ApiBackedOrigin.start({ 'README.md': 'platform\n', 'obsolete.txt': 'old\n' });
});
afterEach(() => {
  if (repo.server.violations.length) console.log(repo.server.violations.join('\n').slice(0, 2000));
  return repo.close();
});

const commits = '/repos/{owner}/{repo}/git/commits';
const refUpdates = '/repos/{owner}/{repo}/git/refs/{ref}';
const manifest = 'apiVersion: relx.dev/v1\nrelease: 2026.12.0\n';

/** What write-manifest does with `commit: true, push: false`: one local commit of relx's files. */
function manifestCommit(cwd: string, content = manifest): string {
  writeFileSync(join(cwd, 'release-manifest.yaml'), content);
  runGit(cwd, 'rm', '-q', 'obsolete.txt');
  runGit(cwd, 'add', 'release-manifest.yaml');
  runGit(cwd, 'commit', '-q', '-m', 'chore(release): manifest 2026.12.0');
  return runGit(cwd, 'rev-parse', 'HEAD');
}

/** GitHub as the workflow calls it, with someone pushing to main just before each of the first `times` ref updates. */
function racedRequest(times: number): GitHubRequest {
  const request = repo.request();
  let left = times;
  return async (route, parameters) => {
    if (route === `PATCH ${refUpdates}` && left-- > 0)
      repo.push(`feat: a push during the release ${times - left}`, { [`src/race-${left}.js`]: 'x\n' });
    return request(route, parameters);
  };
}

const show = (rev: string, path: string) => repo.data.git(['show', `${rev}:${path}`]);

describe('verified commits when the branch moved on GitHub', () => {
  it('main moved since the checkout: the manifest commit is made on the new tip, not refused', async () => {
    const cwd = repo.checkout();
    const local = manifestCommit(cwd);
    const theirs = repo.push('feat: a feature pushed while the workflow ran', { 'src/app.js': 'app\n' });

    const made = await commitThroughApi(cwd, repo.target());
    const main = repo.main();
    expect(made).toEqual(new Map([[local, main]]));
    expect(repo.data.git(['rev-parse', `${main}^`])).toBe(theirs);
    expect(repo.data.verified.has(main)).toBe(true);
    expect(show(main, 'release-manifest.yaml')).toBe(manifest.trimEnd());
    expect(show(main, 'src/app.js')).toBe('app');
    expect(repo.data.git(['ls-tree', '--name-only', main])).not.toContain('obsolete.txt');
    expect(repo.data.git(['log', '-1', '--format=%s', main])).toBe('chore(release): manifest 2026.12.0');
    expect(runGit(cwd, 'rev-parse', 'HEAD')).toBe(main);
    expect(runGit(cwd, 'status', '--porcelain')).toBe('');
    expect(repo.server.count('POST', commits)).toBe(1);
    expect(repo.server.violations).toEqual([]);
  });

  it('a re-run on the old checkout, after an earlier attempt landed the same files, makes nothing twice', async () => {
    const started = repo.main();
    const first = repo.checkout();
    manifestCommit(first);
    await commitThroughApi(first, repo.target());
    const landed = repo.main();
    const theirs = repo.push('feat: a later push', { 'src/app.js': 'app\n' });
    // "Re-run failed jobs" checks out the commit the run started from and writes the same manifest
    const cwd = repo.checkout();
    runGit(cwd, 'reset', '-q', '--hard', started);
    const local = manifestCommit(cwd);

    expect(await commitThroughApi(cwd, repo.target())).toEqual(new Map([[local, theirs]]));
    expect(repo.main()).toBe(theirs);
    expect(repo.data.git(['rev-parse', `${theirs}^`])).toBe(landed);
    expect(repo.server.count('POST', commits)).toBe(1);
    expect(runGit(cwd, 'rev-parse', 'HEAD')).toBe(theirs);
    expect(repo.server.violations).toEqual([]);
  });

  it('a file relx changes that GitHub changed differently is a conflict, and nothing moves', async () => {
    const cwd = repo.checkout();
    manifestCommit(cwd);
    const theirs = repo.push('chore(release): manifest from another run', {
      'release-manifest.yaml': 'apiVersion: relx.dev/v1\nrelease: 2026.11.3\n',
    });
    await expect(commitThroughApi(cwd, repo.target())).rejects.toMatchObject({
      kind: 'conflict',
      field: 'branch',
      message: expect.stringMatching(
        /^main moved on GitHub \(now [0-9a-f]{7}\) and changed release-manifest\.yaml differently from this checkout's commits on [0-9a-f]{7}\.$/,
      ),
      fix: expect.stringContaining('Start a new run on the branch as it is now'),
    });
    expect(repo.main()).toBe(theirs);
    expect(repo.server.count('POST', commits)).toBe(0);
    expect(repo.server.violations).toEqual([]);
  });

  it('a push landing while the commits are made: they are made again on it, then the branch moves', async () => {
    const cwd = repo.checkout();
    const local = manifestCommit(cwd);
    const made = await commitThroughApi(cwd, repo.target(racedRequest(1)));
    const main = repo.main();
    expect(made.get(local)).toBe(main);
    expect(repo.data.git(['log', '-1', '--format=%s', `${main}^`])).toBe('feat: a push during the release 1');
    expect(repo.data.verified.has(main)).toBe(true);
    expect(show(main, 'src/race-0.js')).toBe('x');
    expect(repo.server.count('PATCH', refUpdates)).toBe(2);
    expect(repo.server.count('POST', commits)).toBe(2);
    expect(runGit(cwd, 'rev-parse', 'HEAD')).toBe(main);
    expect(repo.server.violations).toEqual([]);
  });

  it('a branch that moves on every try is given up after three, with what to do', async () => {
    const cwd = repo.checkout();
    manifestCommit(cwd);
    await expect(commitThroughApi(cwd, repo.target(racedRequest(10)))).rejects.toMatchObject({
      kind: 'conflict',
      message: 'main moved on GitHub each time relx made its commits on it (3 tries).',
      fix: 'Re-run the workflow when the pushes to the branch have settled.',
    });
    expect(repo.server.count('PATCH', refUpdates)).toBe(3);
    expect(repo.data.git(['log', '-1', '--format=%s', repo.main()])).toBe(
      'feat: a push during the release 3',
    );
    expect(repo.server.violations).toEqual([]);
  });
});
