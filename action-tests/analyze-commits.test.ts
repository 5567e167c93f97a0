import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { acmeApi, acmeCore, aMonorepo, tagAll, type FixturePackage } from '../test/monorepo-fixture.js';
import { runAction } from './run-action.js';

const cli = resolve(import.meta.dirname, '..', 'dist', 'cli', 'index.js');
const core = acmeCore;
const api = acmeApi;
const docs: FixturePackage = { dir: 'docs', name: '@acme/docs', version: '1.0.0' };

describe('analyze-commits, run as the runner runs it', () => {
  it('outputs the same plan as `relx plan --json`, with outputs and an escaped summary', async () => {
    const pkgs = [core, api, docs];
    const repo = aMonorepo(pkgs);
    tagAll(repo, pkgs);
    repo.commit('feat(core): add <script>alert(1)</script> | pipes', ['packages/core/a.js']);
    repo.commit('Tweak things', ['packages/docs/a.md']);

    const run = await runAction('analyze-commits', { workspace: repo.dir });
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    const fromCli = execFileSync(process.execPath, [cli, 'plan', '--json', '--cwd', repo.dir], {
      encoding: 'utf8',
    });
    expect(`${run.outputs.plan}\n`).toBe(fromCli);
    expect(run.outputs['has-releases']).toBe('true');
    expect(JSON.parse(run.outputs.components ?? '')).toEqual(['@acme/api', '@acme/core']);
    expect(run.outputs['plan-file']).toMatch(/release-plan\.json$/);

    expect(run.summary).toContain('| `@acme/core` | 1.2.0 → 1.3.0 | minor |');
    expect(run.summary).toContain('dependency @acme/core 1.2.0 → 1.3.0');
    expect(run.summary).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &#124; pipes');
    expect(run.summary).not.toContain('<script>');
    expect(run.summary).toContain('Tweak things — not a Conventional Commit (@acme/docs)');
  });

  it('says when there is nothing to release', async () => {
    const repo = aMonorepo([core]);
    tagAll(repo, [core]);
    repo.commit('docs: only docs', ['packages/core/README.md']);
    const run = await runAction('analyze-commits', { workspace: repo.dir, inputs: { cache: 'true' } });
    expect(run.exitCode).toBe(0);
    expect(run.outputs['has-releases']).toBe('false');
    expect(run.outputs.components).toBe('[]');
    expect(run.summary).toContain('Nothing to release');
    expect(run.stdout).toContain('cache service is not available');
  });

  it('fails with the file, the field and the fix on a bad config, and writes no outputs', async () => {
    const repo = aMonorepo([core], 'components:\n  - { name: api, type: docker, path: services/api }\n');
    const run = await runAction('analyze-commits', { workspace: repo.dir });
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toMatch(/::error::.*relx\.config\.yaml/);
    expect(run.stdout).toContain('components[0].type');
    expect(run.outputs).toEqual({});
  });

  it('uses the branch input for the channel and a config path relative to the working directory', async () => {
    const repo = aMonorepo([core]);
    repo.write('config/relx.yaml', 'channels:\n  - { branch: next, prerelease: rc }\n');
    tagAll(repo, [core]);
    repo.commit('feat: preview', ['packages/core/a.js']);
    const run = await runAction('analyze-commits', {
      workspace: join(repo.dir, '..'),
      inputs: { 'working-directory': repo.dir, config: 'config/relx.yaml', branch: 'next' },
    });
    expect(run.exitCode).toBe(0);
    const plan = JSON.parse(run.outputs.plan ?? '{}') as {
      channel: string;
      components: Array<{ nextVersion: string }>;
    };
    expect(plan.channel).toBe('rc');
    expect(plan.components[0]?.nextVersion).toBe('1.3.0-rc.0');
  });
});
