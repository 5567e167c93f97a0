import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { GitRepo } from '../test/git-repo.js';
import { acmeApi, acmeCore, aMonorepo, tagAll } from '../test/monorepo-fixture.js';

const cli = resolve(import.meta.dirname, '..', 'dist', 'cli', 'index.js');
const relx = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });

describe('the relx CLI as users run it (dist/cli)', () => {
  it('explains every command and every flag of plan', () => {
    const top = relx('--help');
    expect(top.status).toBe(0);
    expect(top.stdout).toMatch(/plan \[options\]/);
    const help = relx('plan', '--help');
    expect(help.status).toBe(0);
    for (const flag of [
      '--json',
      '--config <file>',
      '--cwd <dir>',
      '--range <range>',
      '--branch <name>',
      '--cache <file>',
      '--now <iso-date>',
    ]) {
      expect(help.stdout).toContain(flag);
    }
  });

  it('prints the plan as a table by default', () => {
    const repo = aMonorepo([acmeCore, acmeApi]);
    tagAll(repo, [acmeCore, acmeApi]);
    repo.commit('feat(core): add retries', ['packages/core/r.js']);
    const result = relx('plan', '--cwd', repo.dir);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^Release plan for main @ [0-9a-f]{7} \(stable\)/);
    expect(result.stdout).toMatch(
      /@acme\/api\s+0\.4\.1 → 0\.4\.2\s+patch\s+dependency @acme\/core 1\.2\.0 → 1\.3\.0/,
    );
    expect(result.stdout).toMatch(
      /@acme\/core\s+1\.2\.0 → 1\.3\.0\s+minor\s+feat\(core\): add retries \([0-9a-f]{7}\)/,
    );
    expect(result.stdout).toContain('2 to release, 0 unchanged.');
  });

  it('exits 78 with the file, field and fix on bad config, and 2 on a usage error', () => {
    const repo = aMonorepo([{ dir: 'core', name: 'core' }], 'tagFormt: x\n');
    const bad = relx('plan', '--cwd', repo.dir);
    expect(bad.status).toBe(78);
    expect(bad.stderr).toContain('relx: relx.config.yaml: tagFormt: unknown key `tagFormt`');
    expect(bad.stderr).toContain('Fix: Rename `tagFormt` to `tagFormat`');
    expect(relx('plan', '--no-such-flag').status).toBe(2);
    expect(relx('plan', '--now', 'yesterday', '--cwd', repo.dir).stderr).toContain('--now');
  });

  it('says that --cwd does not exist, not that git is missing', () => {
    const missing = join(tmpdir(), 'relx-no-such-repository');
    for (const command of ['plan', 'version', 'publish']) {
      const result = relx(command, '--cwd', missing);
      expect(result.status).toBe(2);
      expect(result.stderr).toContain(`relx: --cwd: --cwd ${missing} does not exist.`);
      expect(result.stderr).not.toContain('git is not installed');
    }
  });

  it('reads --config given as an absolute path', () => {
    const repo = aMonorepo([acmeCore]);
    tagAll(repo, [acmeCore]);
    repo.commit('feat(core): add retries', ['packages/core/r.js']);
    const config = join(mkdtempSync(join(tmpdir(), 'relx-config-')), 'relx.yaml');
    writeFileSync(config, 'tagFormat: "{name}-v{version}"\n');
    const result = relx('plan', '--cwd', repo.dir, '--config', config, '--json');
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout).components[0]).toMatchObject({ nextTag: '@acme/core-v1.3.0' });
  });

  it('exits 78 when nothing is discovered, saying what it looked for', () => {
    const repo = GitRepo.create();
    repo.commit('feat: a Maven project', { 'pom.xml': '<project><version>0.1.0</version></project>\n' });
    const result = relx('plan', '--cwd', repo.dir);
    expect(result.status).toBe(78);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('No components found. relx looked for components in relx.config.yaml');
    expect(result.stderr).toContain('Found pom.xml (a Maven project), which relx does not discover.');
    expect(result.stderr).toContain('Fix: Declare what to release under `components:`');
  });

  it('plans and versions a monorepo with a private package without a version', () => {
    const repo = aMonorepo([acmeCore]);
    repo.writeJson('packages/playground/package.json', { name: 'playground', private: true });
    repo.commit('chore: a playground');
    tagAll(repo, [acmeCore]);
    repo.commit('feat(playground): demo', ['packages/playground/demo.js']);
    repo.commit('fix(core): retry less', ['packages/core/r.js']);
    const plan = relx('plan', '--cwd', repo.dir);
    expect(plan.status).toBe(0);
    expect(plan.stdout).toContain('1 to release, 0 unchanged.');
    expect(plan.stdout).toContain('1 not released (private, no version in its package.json): playground.');
    const version = relx('version', '--cwd', repo.dir);
    expect(version.stderr).not.toContain('relx: packages/playground');
    expect(version.status).toBe(0);
    expect(version.stdout).toContain('@acme/core@1.2.1  tagged');
    expect(repo.git('tag', '--points-at', 'HEAD')).toBe('@acme/core@1.2.1');
  });

  it('plans a vite-shaped repository once its fixtures are excluded', () => {
    const repo = GitRepo.create();
    repo.writeJson('package.json', { name: 'monorepo', private: true });
    repo.write(
      'pnpm-workspace.yaml',
      'packages:\n  - "packages/*"\n  - "playground/**"\n  - "packages/**/__tests__/**"\n',
    );
    repo.writeJson('packages/vite/package.json', { name: 'vite', version: '8.2.2' });
    repo.writeJson('packages/vite/src/__tests__/fixtures/x/package.json', { name: 'vite', version: '0.0.0' });
    repo.write(
      'playground/bom/package.json',
      `\uFEFF${JSON.stringify({ name: '@vitejs/test-bom', version: '1.0.0' })}`,
    );
    repo.commit('chore: layout');
    repo.tag('v8.2.2');
    repo.commit('fix(vite): a bug', ['packages/vite/index.js']);
    const refused = relx('plan', '--cwd', repo.dir);
    expect(refused.status).toBe(78);
    expect(refused.stderr).toContain(
      'Two workspace packages are named vite: "packages/vite" and "packages/vite/src/__tests__/fixtures/x".',
    );
    expect(refused.stderr).toContain('exclude: ["packages/vite/src/__tests__/fixtures/x"]');
    repo.write(
      'relx.config.yaml',
      'tagFormat: "v{version}"\nexclude: ["playground/**", "**/__tests__/**"]\n',
    );
    const planned = relx('plan', '--cwd', repo.dir);
    expect(planned.stderr).toBe('');
    expect(planned.stdout).toMatch(/vite\s+8\.2\.2 → 8\.2\.3\s+patch\s+fix\(vite\): a bug/);
  });

  it('refuses a component path that leaves the repository before anything is written', () => {
    const repo = aMonorepo(
      [acmeCore],
      'components:\n  - { name: ssl, type: container-image, path: ../../../../etc/ssl }\n',
    );
    tagAll(repo, [acmeCore]);
    repo.commit('feat(core): add retries', ['packages/core/r.js']);
    const before = repo.head();
    const packageJson = readFileSync(join(repo.dir, 'packages/core/package.json'), 'utf8');
    for (const command of ['plan', 'version', 'publish']) {
      const result = relx(command, '--cwd', repo.dir, ...(command === 'publish' ? ['--dry-run'] : []));
      expect(result.status).toBe(78);
      expect(result.stderr).toContain(
        'relx: relx.config.yaml: components[0].path: must stay inside the repository',
      );
      expect(result.stderr).toContain('Fix: Use a folder relative to the repository root, inside it');
    }
    expect(repo.head()).toBe(before);
    expect(repo.git('status', '--porcelain')).toBe('');
    expect(repo.git('tag', '--points-at', 'HEAD')).toBe('');
    expect(readFileSync(join(repo.dir, 'packages/core/package.json'), 'utf8')).toBe(packageJson);
  });
});
