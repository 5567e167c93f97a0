import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApiBackedOrigin, runGit } from './api-backed-origin.js';
import { tokenAuthor } from './github-git-data.js';
import { commitThroughApi } from '../../src/release-pr/verified-commits.js';

let repo: ApiBackedOrigin;
beforeEach(async () => {
  repo = await ApiBackedOrigin.start({ 'README.md': 'platform\n' });
});
afterEach(() => repo.close());

const commitsRoute = '/repos/{owner}/{repo}/git/commits';

describe('GitHub signs the commits relx makes through the git data API', () => {
  it('names no author or committer, so the commit is the token identity’s and verified', async () => {
    const cwd = repo.checkout();
    writeFileSync(join(cwd, 'release-manifest.yaml'), 'apiVersion: relx.dev/v1\n');
    runGit(cwd, 'add', 'release-manifest.yaml');
    runGit(cwd, 'commit', '-q', '-m', 'chore(release): manifest 2026.12.0');

    const made = [...(await commitThroughApi(cwd, repo.target())).values()];
    expect(made).toEqual([repo.main()]);
    const sent = repo.server.requests.filter((r) => r.method === 'POST' && r.template === commitsRoute);
    expect(sent).toHaveLength(1);
    expect(Object.keys(sent[0]?.body as object).sort()).toEqual(['message', 'parents', 'tree']);
    expect(repo.data.verified.has(repo.main())).toBe(true);
    const who = repo.data.git(['log', '-1', '--format=%an <%ae>|%cn <%ce>|%B', repo.main()]);
    expect(who).toBe(
      `${tokenAuthor.name} <${tokenAuthor.email}>|GitHub <noreply@github.com>|chore(release): manifest 2026.12.0`,
    );
    expect(runGit(cwd, 'rev-parse', 'HEAD')).toBe(repo.main());
    expect(repo.server.violations).toEqual([]);
  });

  it('the fixture plays GitHub’s rule: a request with a custom author is stored unsigned', async () => {
    const tree = repo.data.git(['rev-parse', 'refs/heads/main^{tree}']);
    const parent = repo.main();
    const commit = async (extra: object) =>
      (
        (await repo.request()('POST /repos/{owner}/{repo}/git/commits', {
          owner: 'acme',
          repo: 'platform',
          message: 'm',
          tree,
          parents: [parent],
          ...extra,
        })) as { data: { sha: string; verification: { verified: boolean } } }
      ).data;
    const custom = await commit({
      author: { name: 'A Developer', email: 'dev@relx.invalid', date: '2026-12-01T12:00:00Z' },
    });
    expect(custom.verification.verified).toBe(false);
    expect(repo.data.verified.has(custom.sha)).toBe(false);
    expect((await commit({})).verification.verified).toBe(true);
    expect(repo.server.violations).toEqual([]);
  });
});
