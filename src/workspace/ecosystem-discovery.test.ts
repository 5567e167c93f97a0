import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GitRepo } from '../../test/git-repo.js';
import { goInstalled } from '../../test/go-toolchain.js';
import { applyReleasePlan } from '../release/apply-release-plan.js';
import { planRepositoryRelease } from '../release-plan/plan-repository-release.js';
import { loadWorkspace } from './load-workspace.js';

const now = new Date('2026-12-01T12:00:00Z');
const host = 'example.test/orion.git';
const apply = (repo: GitRepo, plan: Parameters<typeof applyReleasePlan>[1]) =>
  applyReleasePlan(repo.dir, plan, { dryRun: false, push: null, publisher: null, repositoryUrl: null, now });
const planOf = async (repo: GitRepo) => (await planRepositoryRelease(repo.dir, { now })).plan;
const read = (repo: GitRepo, path: string) => readFileSync(join(repo.dir, path), 'utf8');
const released = (plan: Awaited<ReturnType<typeof planOf>>) =>
  plan.components.filter((c) => c.release).map((c) => [c.name, c.nextVersion, c.nextTag]);
const withGo = goInstalled() ? it : it.skip;

describe('zero-config discovery beyond npm', () => {
  it('a Cargo workspace: members less exclude, path dependencies as edges, the shared workspace version as lockstep', async () => {
    const repo = GitRepo.create();
    repo.commit('chore: crates', {
      'Cargo.toml': [
        '[workspace]',
        'members = ["crates/*"]',
        'exclude = ["crates/scratch"]',
        '',
        '[workspace.package]',
        'version = "0.9.0"',
        '',
        '[workspace.dependencies]',
        'orion-core = { path = "crates/core", version = "1.2.0" }',
        '',
      ].join('\n'),
      'crates/core/Cargo.toml': '[package]\nname = "orion-core"\nversion = "1.2.0"\nedition = "2021"\n',
      'crates/core/src/lib.rs': 'pub fn core() {}\n',
      'crates/cli/Cargo.toml':
        '[package]\nname = "orion-cli"\nversion = "0.4.0" # the CLI\n\n[dependencies]\norion-core = { path = "../core", version = "1.2.0" }\nserde = "1"\n',
      'crates/cli/src/version.rs': 'pub const VERSION: &str = "0.4.0"; // x-relx-version\n',
      'crates/macros/Cargo.toml':
        '[package]\nname = "orion-macros"\nversion.workspace = true\n\n[dependencies]\norion-core.workspace = true\n',
      'crates/derive/Cargo.toml': '[package]\nname = "orion-derive"\nversion.workspace = true\n',
      'crates/scratch/Cargo.toml': '[package]\nname = "scratch"\nversion = "0.0.0"\n',
      // refines a discovered crate: its version is also in a source file
      'relx.config.yaml':
        'components:\n  - name: orion-cli\n    versionFiles:\n      - { file: crates/cli/Cargo.toml }\n      - { file: crates/cli/src/version.rs, updater: marker-line }\n',
    });
    repo.tag('orion-core@1.2.0').tag('orion-cli@0.4.0').tag('orion-macros@0.9.0').tag('orion-derive@0.9.0');
    repo.commit('feat(core): retries', { 'crates/core/src/retry.rs': 'pub fn retry() {}\n' });

    const workspace = await loadWorkspace(repo.dir);
    expect(
      workspace.components.map((c) => [c.name, c.type, c.version, c.dependsOn.map((d) => d.name)]),
    ).toEqual([
      ['orion-cli', 'cargo-crate', '0.4.0', ['orion-core']],
      ['orion-core', 'cargo-crate', '1.2.0', []],
      ['orion-derive', 'cargo-crate', '0.9.0', []],
      ['orion-macros', 'cargo-crate', '0.9.0', ['orion-core']],
    ]);
    expect(workspace.config.lockstep).toEqual([
      { name: 'Cargo.toml workspace.package', components: ['orion-derive', 'orion-macros'] },
    ]);

    const plan = await planOf(repo);
    expect(released(plan)).toEqual([
      ['orion-cli', '0.4.1', 'orion-cli@0.4.1'],
      ['orion-core', '1.3.0', 'orion-core@1.3.0'],
      ['orion-derive', '0.9.1', 'orion-derive@0.9.1'],
      ['orion-macros', '0.9.1', 'orion-macros@0.9.1'],
    ]);
    await apply(repo, plan);
    expect(read(repo, 'crates/cli/Cargo.toml')).toBe(
      '[package]\nname = "orion-cli"\nversion = "0.4.1" # the CLI\n\n[dependencies]\norion-core = { path = "../core", version = "1.3.0" }\nserde = "1"\n',
    );
    expect(read(repo, 'crates/cli/src/version.rs')).toContain('"0.4.1"; // x-relx-version');
    expect(read(repo, 'crates/core/Cargo.toml')).toContain('version = "1.3.0"');
    expect(read(repo, 'Cargo.toml')).toContain('[workspace.package]\nversion = "0.9.1"');
    expect(read(repo, 'Cargo.toml')).toContain('orion-core = { path = "crates/core", version = "1.3.0" }');
  });

  const goWorkRepository = () => {
    const repo = GitRepo.create();
    repo.commit('chore: modules', {
      'go.work': 'go 1.19\n\nuse (\n\t./cli\n\t./sdk/go\n)\n',
      'cli/go.mod': `module ${host}/cli\n\ngo 1.19\n\nrequire ${host}/sdk/go v1.2.0\n`,
      'cli/main.go': `package main\n\nimport (\n\t"fmt"\n\n\tsdk "${host}/sdk/go"\n)\n\nfunc main() { fmt.Println(sdk.Name) }\n`,
      'sdk/go/go.mod': `module ${host}/sdk/go\n\ngo 1.19\n`,
      'sdk/go/sdk.go': 'package sdk\n\nconst Name = "orion"\n',
      'examples/go.mod': `module ${host}/examples\n\ngo 1.19\n`,
    });
    repo.tag('cli/v0.3.0').tag('sdk/go/v1.2.0');
    repo.commit('feat(sdk): streaming', { 'sdk/go/stream.go': 'package sdk\n\nconst Stream = true\n' });
    return repo;
  };

  it('a go.work repository: the modules it uses, tagged in Go form, a require of a sibling module as an edge', async () => {
    const repo = goWorkRepository();
    const workspace = await loadWorkspace(repo.dir);
    expect(workspace.components.map((c) => [c.name, c.type, c.paths, c.dependsOn])).toEqual([
      [
        `${host}/cli`,
        'go-module',
        ['cli'],
        [{ name: `${host}/sdk/go`, kind: 'dependencies', range: 'v1.2.0' }],
      ],
      [`${host}/sdk/go`, 'go-module', ['sdk/go'], []],
    ]);
    const plan = await planOf(repo);
    expect(released(plan)).toEqual([
      [`${host}/cli`, '0.3.1', 'cli/v0.3.1'],
      [`${host}/sdk/go`, '1.3.0', 'sdk/go/v1.3.0'],
    ]);
    await apply(repo, plan);
    expect(read(repo, 'cli/go.mod')).toBe(`module ${host}/cli\n\ngo 1.19\n\nrequire ${host}/sdk/go v1.3.0\n`);
    expect(repo.git('tag', '--list', '*/v*').split('\n').sort()).toEqual([
      'cli/v0.3.0',
      'cli/v0.3.1',
      'sdk/go/v1.2.0',
      'sdk/go/v1.3.0',
    ]);
  });

  withGo(
    'the go.work repository still builds after the release commit',
    async () => {
      const repo = goWorkRepository();
      await apply(repo, await planOf(repo));
      const env = {
        PATH: process.env.PATH ?? '',
        HOME: repo.dir,
        GOPROXY: 'off',
        GOFLAGS: '',
        GOCACHE: join(repo.dir, '.gocache'),
      };
      expect(execFileSync('go', ['run', './cli'], { cwd: repo.dir, env, encoding: 'utf8' })).toBe('orion\n');
    },
    60_000,
  );

  it('a uv workspace beside a Go SDK: a Go release propagates to the Python CLI through the client that declares it', async () => {
    const repo = GitRepo.create();
    repo.commit('chore: layout', {
      'pyproject.toml': '[tool.uv.workspace]\nmembers = ["packages/*"]\nexclude = ["packages/sandbox"]\n',
      'packages/cli/pyproject.toml':
        '[project]\nname = "orion-cli"\nversion = "2.0.0"\ndependencies = [\n    "orion_client>=1.0.0,<2",\n    "click>=8",\n]\n\n[tool.uv.sources]\norion-client = { workspace = true }\n',
      'packages/client/pyproject.toml': '[project]\nname = "orion-client"\nversion = "1.0.0"\n',
      'packages/sandbox/pyproject.toml': '[project]\nname = "sandbox"\nversion = "0.0.1"\n',
      'sdk/go/go.mod': `module ${host}/sdk/go\n\ngo 1.19\n`,
      'sdk/go/sdk.go': 'package sdk\n',
      'relx.config.yaml': `components:\n  - name: orion-client\n    dependsOn: [${host}/sdk/go]\n`,
    });
    repo.tag('orion-cli@2.0.0').tag('orion-client@1.0.0').tag('sdk/go/v1.2.0');
    repo.commit('feat(sdk): streaming', { 'sdk/go/stream.go': 'package sdk\n' });

    const workspace = await loadWorkspace(repo.dir);
    expect(
      workspace.components.map((c) => [c.name, c.type, c.dependsOn.map((d) => `${d.kind} ${d.name}`)]),
    ).toEqual([
      [`${host}/sdk/go`, 'go-module', []],
      ['orion-cli', 'python-package', ['dependencies orion-client']],
      ['orion-client', 'python-package', [`dependsOn ${host}/sdk/go`]],
    ]);
    const plan = await planOf(repo);
    expect(released(plan)).toEqual([
      [`${host}/sdk/go`, '1.3.0', 'sdk/go/v1.3.0'],
      ['orion-cli', '2.0.1', 'orion-cli@2.0.1'],
      ['orion-client', '1.0.1', 'orion-client@1.0.1'],
    ]);
    await apply(repo, plan);
    expect(read(repo, 'packages/cli/pyproject.toml')).toBe(
      '[project]\nname = "orion-cli"\nversion = "2.0.1"\ndependencies = [\n    "orion_client>=1.0.1,<2",\n    "click>=8",\n]\n\n[tool.uv.sources]\norion-client = { workspace = true }\n',
    );
    expect(read(repo, 'packages/client/pyproject.toml')).toContain('version = "1.0.1"');
  });
});

describe('beside an npm package in the same folder', () => {
  it('keeps the npm package as the component of its folder, as before other ecosystems were discovered', async () => {
    const repo = GitRepo.create();
    repo.commit('chore: layout', {
      'package.json': '{ "name": "orion", "version": "1.0.0" }\n',
      'go.mod': `module ${host}\n\ngo 1.19\n`,
      'pyproject.toml': '[project]\nname = "orion-docs"\nversion = "0.1.0"\n',
      'sdk/go/go.mod': `module ${host}/sdk/go\n\ngo 1.19\n`,
    });
    const workspace = await loadWorkspace(repo.dir);
    expect(workspace.components.map((c) => [c.name, c.type, c.paths])).toEqual([
      [`${host}/sdk/go`, 'go-module', ['sdk/go']],
      ['orion', 'npm-package', ['']],
    ]);
  });
});
