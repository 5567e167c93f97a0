import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GitRepo } from '../../test/git-repo.js';
import { goInstalled } from '../../test/go-toolchain.js';
import { applyReleasePlan } from '../release/apply-release-plan.js';
import { planRepositoryRelease } from '../release-plan/plan-repository-release.js';

const now = new Date('2026-12-01T12:00:00Z');
const host = 'example.test/orion.git';
const apply = (repo: GitRepo, plan: Parameters<typeof applyReleasePlan>[1]) =>
  applyReleasePlan(repo.dir, plan, { dryRun: false, push: null, publisher: null, repositoryUrl: null, now });
const planOf = async (repo: GitRepo) => (await planRepositoryRelease(repo.dir, { now })).plan;
const read = (repo: GitRepo, path: string) => readFileSync(join(repo.dir, path), 'utf8');
const withGo = goInstalled() ? it : it.skip;

/** A CLI module at the root that imports the SDK module in sdk/go, in one go.work, both tagged. */
function aGoRepository(sdk: Record<string, string> = {}): GitRepo {
  const repo = GitRepo.create();
  repo.commit('chore: start', {
    'relx.config.yaml': `components:\n  - { name: cli, type: go-module, path: ., dependsOn: [sdk] }\n  - { name: sdk, type: go-module, path: sdk/go${
      sdk.majorVersionPath ? `, majorVersionPath: ${sdk.majorVersionPath}` : ''
    } }\n`,
    'go.work': 'go 1.19\n\nuse (\n\t.\n\t./sdk/go\n)\n',
    'go.mod': `module ${host}\n\ngo 1.19\n\nrequire ${host}/sdk/go v1.2.0\n`,
    'main.go': `package main\n\nimport (\n\t"fmt"\n\n\tsdk "${host}/sdk/go"\n\t"${host}/sdk/go/wire"\n)\n\nfunc main() { fmt.Println(sdk.Name, wire.V) }\n`,
    'sdk/go/go.mod': `module ${host}/sdk/go\n\ngo 1.19\n`,
    'sdk/go/sdk.go': 'package sdk\n\nconst Name = "orion"\n',
    'sdk/go/wire/wire.go': 'package wire\n\nconst V = 1\n',
  });
  repo.tag('v1.4.0').tag('sdk/go/v1.2.0');
  return repo;
}

describe('Go modules', () => {
  it("are tagged in Go's form: v1.2.3 at the root, sdk/go/v1.2.3 in a folder", async () => {
    const repo = aGoRepository();
    repo.commit('feat(sdk): streaming', { 'sdk/go/stream.go': 'package sdk\n\nconst Stream = true\n' });
    const plan = await planOf(repo);
    const tags = Object.fromEntries(plan.components.map((c) => [c.name, [c.lastTag, c.nextTag]]));
    expect(tags).toEqual({ cli: ['v1.4.0', 'v1.4.1'], sdk: ['sdk/go/v1.2.0', 'sdk/go/v1.3.0'] });
    await apply(repo, plan);
    expect(repo.git('tag', '--list').split('\n').sort()).toEqual([
      'sdk/go/v1.2.0',
      'sdk/go/v1.3.0',
      'v1.4.0',
      'v1.4.1',
    ]);
  });

  it('refuses a major version 2 without /v2 in the module path, naming the fix, and writes nothing', async () => {
    const repo = aGoRepository();
    repo.commit('feat(sdk)!: a new client', { 'sdk/go/sdk.go': 'package sdk\n\nconst Name = "orion2"\n' });
    const head = repo.head();
    const plan = await planOf(repo);
    expect(plan.components.find((c) => c.name === 'sdk')?.nextTag).toBe('sdk/go/v2.0.0');
    expect(plan.warnings).toEqual([
      expect.stringContaining(
        `sdk 2.0.0 needs the module path ${host}/sdk/go/v2, not ${host}/sdk/go: versioning will stop.`,
      ),
    ]);
    await expect(apply(repo, plan)).rejects.toMatchObject({
      kind: 'configuration',
      file: 'sdk/go/go.mod',
      message: expect.stringContaining(`its module path ${host}/sdk/go has no /v2`),
      fix: expect.stringContaining(`Change the module path in sdk/go/go.mod to ${host}/sdk/go/v2`),
    });
    expect(repo.head()).toBe(head);
    expect(repo.git('status', '--porcelain')).toBe('');
    expect(repo.git('tag', '--list')).not.toContain('sdk/go/v2.0.0');
  });

  it('with majorVersionPath: rewrite, moves the module to /v2 and the imports and requirements with it', async () => {
    const repo = aGoRepository({ majorVersionPath: 'rewrite' });
    repo.commit('feat(sdk)!: a new client', { 'sdk/go/sdk.go': 'package sdk\n\nconst Name = "orion2"\n' });
    const result = await apply(repo, await planOf(repo));
    expect(result.files).toEqual(expect.arrayContaining(['go.mod', 'main.go', 'sdk/go/go.mod']));
    expect(read(repo, 'sdk/go/go.mod')).toBe(`module ${host}/sdk/go/v2\n\ngo 1.19\n`);
    expect(read(repo, 'go.mod')).toBe(`module ${host}\n\ngo 1.19\n\nrequire ${host}/sdk/go/v2 v2.0.0\n`);
    expect(read(repo, 'main.go')).toContain(`sdk "${host}/sdk/go/v2"\n\t"${host}/sdk/go/v2/wire"\n`);
    expect(repo.git('tag', '--list')).toContain('sdk/go/v2.0.0');
  });

  withGo(
    'after the rewrite, the repository builds with the go command',
    async () => {
      const repo = aGoRepository({ majorVersionPath: 'rewrite' });
      repo.commit('feat(sdk)!: a new client', { 'sdk/go/sdk.go': 'package sdk\n\nconst Name = "orion2"\n' });
      await apply(repo, await planOf(repo));
      const env = {
        PATH: process.env.PATH ?? '',
        HOME: repo.dir,
        GOPROXY: 'off',
        GOFLAGS: '',
        GOCACHE: join(repo.dir, '.gocache'),
      };
      const out = execFileSync('go', ['run', '.'], { cwd: repo.dir, env, encoding: 'utf8' });
      expect(out).toBe('orion2 1\n');
    },
    60_000,
  );
});
