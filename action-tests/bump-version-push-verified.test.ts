import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GitHubApiServer } from '../test/github-api/github-api-server.js';
import { GitRepo } from '../test/git-repo.js';
import { runAction } from './run-action.js';

/** The built push-verified step: write-manifest's local commit made by GitHub, the checkout moved to it. */
describe('bump-version/push-verified, built, against the OpenAPI-checked GitHub', () => {
  it('makes the commit through the git data API, pushes nothing, and leaves the checkout on it', async () => {
    const server = await GitHubApiServer.start();
    const origin = GitRepo.create({ bare: true });
    const checkout = GitRepo.create();
    try {
      checkout.commit('feat: start', ['a.txt']);
      checkout.git('remote', 'add', 'origin', origin.dir);
      checkout.git('push', '-q', 'origin', 'main');
      const hook = join(origin.dir, 'hooks', 'pre-receive');
      writeFileSync(hook, `#!/bin/sh\ntouch "${origin.dir}/pushed"\nexit 1\n`);
      chmodSync(hook, 0o755);
      const data = server.serveGitData('acme/platform', origin.dir);
      const local = checkout.commit('chore(release): manifest 2026.12.0', {
        'releases/2026.12.0.yaml': 'kind: ReleaseManifest\n',
      });

      const run = await runAction('bump-version-push-verified', {
        workspace: checkout.dir,
        inputs: { token: 'ghs_push-verified-0123456789', 'working-directory': '.', branch: '' },
        env: { GITHUB_API_URL: server.url },
      });
      expect(run.stderr).toBe('');
      expect(run.exitCode).toBe(0);
      const main = data.git(['rev-parse', 'refs/heads/main']);
      expect(run.outputs.commit).toBe(main);
      expect(main).not.toBe(local);
      expect(data.verified.has(main)).toBe(true);
      expect(data.git(['log', '-1', '--format=%s', main])).toBe('chore(release): manifest 2026.12.0');
      expect(checkout.head()).toBe(main);
      expect(existsSync(join(origin.dir, 'pushed'))).toBe(false);
      expect(server.violations).toEqual([]);
    } finally {
      await server.close();
      origin.remove();
      checkout.remove();
    }
  });
});
