import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { GitHubApiServer } from '../test/github-api/github-api-server.js';
import { GitRepo } from '../test/git-repo.js';
import { acmeApi, acmeCore, aMonorepo, tagAll } from '../test/monorepo-fixture.js';
import { runAction } from './run-action.js';

const cli = resolve(import.meta.dirname, '..', 'dist', 'cli', 'index.js');

/** The same repository, byte for byte, each time: fixed dates and identities make equal shas. */
function aReleasableRepo() {
  const repo = aMonorepo([acmeCore, acmeApi]);
  tagAll(repo, [acmeCore, acmeApi]);
  repo.commit('feat(core): add retries', ['packages/core/retry.js']);
  const remote = GitRepo.create({ bare: true });
  repo.git('remote', 'add', 'origin', remote.dir);
  repo.git('push', '-q', 'origin', 'main', '--tags');
  return { repo, remote };
}

describe('bump-version, run as the runner runs it', () => {
  it('does what `relx version --push` does, and a re-run changes nothing', async () => {
    const viaCli = aReleasableRepo();
    const viaAction = aReleasableRepo();
    expect(viaAction.repo.head()).toBe(viaCli.repo.head());

    execFileSync(
      process.execPath,
      [
        cli,
        'version',
        '--push',
        '--repository-url',
        'https://github.com/acme/platform',
        '--cwd',
        viaCli.repo.dir,
      ],
      {
        encoding: 'utf8',
      },
    );
    const plan = await runAction('analyze-commits', { workspace: viaAction.repo.dir });
    const run = await runAction('bump-version', {
      workspace: viaAction.repo.dir,
      inputs: { plan: plan.outputs.plan ?? '', push: 'true', token: 'ghs_not-a-real-token-0123456789' },
    });
    expect(run.exitCode).toBe(0);

    const state = (r: GitRepo) => ({
      tree: r.git('rev-parse', 'main^{tree}'),
      message: r.git('log', '-1', '--format=%B', 'main'),
      changelog: r.git('show', 'main:packages/core/CHANGELOG.md'),
      tags: r.git('tag', '--list').split('\n').sort(),
    });
    expect(state(viaAction.remote)).toEqual(state(viaCli.remote));
    expect(JSON.parse(run.outputs.tags ?? '[]')).toEqual(['@acme/api@0.4.2', '@acme/core@1.3.0']);
    expect(JSON.parse(run.outputs.released ?? '{}')).toEqual({
      '@acme/api': { version: '0.4.2', tag: '@acme/api@0.4.2', sha: run.outputs.commit },
      '@acme/core': { version: '1.3.0', tag: '@acme/core@1.3.0', sha: run.outputs.commit },
    });
    expect(viaAction.remote.git('log', '-1', '--format=%an <%ae>', 'main')).toBe(
      'github-actions[bot] <41898282+github-actions[bot]@users.noreply.github.com>',
    );
    expect(run.summary).toContain('| `@acme/core` | 1.3.0 | `@acme/core@1.3.0` | tagged |');
    // masked (the runner swallows the ::add-mask:: line itself), and never printed otherwise
    expect(run.stdout).toContain('::add-mask::ghs_not-a-real-token-0123456789');
    const printed = `${run.stdout}${run.stderr}`.split('\n').filter((l) => !l.startsWith('::add-mask::'));
    expect(printed.join('\n')).not.toContain('ghs_not-a-real-token');

    const again = await runAction('bump-version', {
      workspace: viaAction.repo.dir,
      inputs: { plan: plan.outputs.plan ?? '', push: 'true' },
    });
    expect(again.exitCode).toBe(0);
    expect(again.outputs.commit).toBe(run.outputs.commit);
    expect(again.summary).toContain('already tagged');
    expect(viaAction.remote.git('rev-list', '--count', 'main')).toBe(
      viaCli.remote.git('rev-list', '--count', 'main'),
    );
  });

  it("makes one GitHub Release per tag, every call valid for GitHub's OpenAPI description, and none on a re-run", async () => {
    const { repo } = aReleasableRepo();
    const server = await GitHubApiServer.start();
    try {
      // a workflow re-run checks out the same commit, so analyze-commits hands over the same plan
      const plan = (await runAction('analyze-commits', { workspace: repo.dir })).outputs.plan ?? '';
      const inputs = {
        plan,
        push: 'true',
        'github-release': 'true',
        token: 'ghs_not-a-real-token-0123456789',
      };
      const env = { GITHUB_API_URL: server.url };
      const run = await runAction('bump-version', { workspace: repo.dir, inputs, env });
      expect(run.exitCode).toBe(0);
      const created = server.requests.filter((r) => r.method === 'POST');
      expect(created.map((r) => [r.path, (r.body as { tag_name: string }).tag_name])).toEqual([
        ['/repos/acme/platform/releases', '@acme/api@0.4.2'],
        ['/repos/acme/platform/releases', '@acme/core@1.3.0'],
      ]);
      const core = created.find((r) => (r.body as { tag_name: string }).tag_name === '@acme/core@1.3.0');
      expect(core?.body).toMatchObject({ name: '@acme/core 1.3.0', draft: false, prerelease: false });
      expect((core?.body as { body: string }).body).toContain('add retries');
      expect(run.summary).toContain(
        '[release](https://github.com/acme/platform/releases/tag/@acme/core@1.3.0)',
      );

      const again = await runAction('bump-version', { workspace: repo.dir, inputs, env });
      expect(again.exitCode).toBe(0);
      expect(again.outputs.commit).toBe(run.outputs.commit);
      expect(server.requests.filter((r) => r.method === 'POST')).toHaveLength(2);
      expect(again.summary).toContain('(existed)');
      expect(server.violations).toEqual([]);
    } finally {
      await server.close();
    }
  });

  it('when GitHub fails after the tags are pushed, a re-run of the same plan makes the missing releases', async () => {
    const { repo, remote } = aReleasableRepo();
    const server = await GitHubApiServer.start();
    try {
      const plan = (await runAction('analyze-commits', { workspace: repo.dir })).outputs.plan ?? '';
      const inputs = {
        plan,
        push: 'true',
        'github-release': 'true',
        token: 'ghs_not-a-real-token-0123456789',
      };
      const env = { GITHUB_API_URL: server.url };
      server.failNext('POST', '/repos/{owner}/{repo}/releases', 503, 100);
      const failed = await runAction('bump-version', { workspace: repo.dir, inputs, env });
      expect(failed.exitCode).toBe(1);
      expect(failed.stdout).toMatch(/::error::.*Re-run/s);
      expect(remote.git('tag', '--list').split('\n')).toContain('@acme/core@1.3.0');

      server.clearFailures();
      const resumed = await runAction('bump-version', { workspace: repo.dir, inputs, env });
      expect(resumed.exitCode).toBe(0);
      expect(resumed.outputs.commit).toBe(remote.git('rev-parse', 'main'));
      expect(remote.git('rev-list', '--count', 'main')).toBe(repo.git('rev-list', '--count', 'main'));
      const made = server.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/releases'));
      expect(new Set(made.map((r) => (r.body as { tag_name: string }).tag_name))).toEqual(
        new Set(['@acme/api@0.4.2', '@acme/core@1.3.0']),
      );
      expect(resumed.summary).not.toContain('(existed)');
      expect(server.violations).toEqual([]);
    } finally {
      await server.close();
    }
  });

  it('refuses a plan of another schema version and writes nothing', async () => {
    const { repo } = aReleasableRepo();
    const run = await runAction('bump-version', {
      workspace: repo.dir,
      inputs: { plan: JSON.stringify({ schemaVersion: 99, kind: 'ReleasePlan' }) },
    });
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toMatch(/::error::input `plan`: schemaVersion: The release plan has schemaVersion 99/);
    expect(run.outputs).toEqual({});
    expect(repo.git('status', '--porcelain')).toBe('');
  });

  it('reports a dry run without writing', async () => {
    const { repo } = aReleasableRepo();
    const head = repo.head();
    const run = await runAction('bump-version', { workspace: repo.dir, inputs: { 'dry-run': 'true' } });
    expect(run.exitCode).toBe(0);
    expect(run.summary).toContain('dry run: nothing written');
    expect(run.outputs.commit).toBe('');
    expect(repo.head()).toBe(head);
  });
});
