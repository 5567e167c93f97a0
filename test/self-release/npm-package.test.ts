import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { GitRepo } from '../git-repo.js';

// What `npm install relx` / `npx relx plan` gets: `npm pack` of this checkout (its built
// dist/cli), installed from the tarball into an empty directory with no other node_modules and
// no registry (--offline: the bundle needs no dependencies), then run as a user would.
const root = resolve(import.meta.dirname, '..', '..');
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
const run = (cwd: string, command: string, args: string[]) =>
  execFileSync(command, args, {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, RELX_VERSION: '', npm_config_update_notifier: 'false' },
  });

let dir: string;
let app: string;
let tarball: string;
let packed: Array<{ path: string }>;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'relx-npm-package-'));
  const [result] = JSON.parse(run(root, 'npm', ['pack', '--json', '--pack-destination', dir])) as Array<{
    filename: string;
    files: Array<{ path: string }>;
  }>;
  tarball = join(dir, result?.filename ?? '');
  packed = result?.files ?? [];
  app = join(dir, 'app');
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), '{ "name": "app", "private": true }\n');
  run(app, 'npm', ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', tarball]);
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the relx npm package', () => {
  it('carries the CLI bundle and what documents it, not the sources or tests', () => {
    const paths = packed.map((f) => f.path);
    expect(paths).toEqual(expect.arrayContaining(['package.json', 'README.md', 'dist/cli/index.js']));
    expect(paths.filter((p) => /^(src|test|actions|scripts)\//.test(p))).toEqual([]);
    const manifest = JSON.parse(readFileSync(join(app, 'node_modules', 'relx', 'package.json'), 'utf8')) as {
      private?: boolean;
      dependencies?: Record<string, string>;
    };
    expect(manifest.private).toBeUndefined();
    expect(manifest.dependencies ?? {}).toEqual({});
    // installed alone: nothing else in node_modules
    expect(readdirSync(join(app, 'node_modules')).filter((n) => !n.startsWith('.'))).toEqual(['relx']);
  });

  it('has a relx binary that prints its help and the released version', () => {
    const relx = join(app, 'node_modules', '.bin', 'relx');
    expect(run(app, relx, ['--help'])).toMatch(/Usage: relx[\s\S]*\bplan\b[\s\S]*\bpromote\b/);
    const printed = run(app, relx, ['--version']).trim();
    expect(printed).toBe(version);
    expect(printed).not.toBe('0.0.0-dev');
  });

  it('plans a release of a sample repository, from another directory, with npx', () => {
    const sample = GitRepo.create({ dir: mkdtempSync(join(dir, 'sample-')) });
    sample.writeJson('package.json', { name: 'sample', private: true, workspaces: ['packages/*'] });
    sample.writeJson('packages/core/package.json', { name: '@sample/core', version: '1.0.0' });
    sample.writeJson('packages/api/package.json', {
      name: '@sample/api',
      version: '0.3.0',
      dependencies: { '@sample/core': '^1.0.0' },
    });
    sample.commit('feat: the sample');
    sample.tag('@sample/core@1.0.0').tag('@sample/api@0.3.0');
    sample.commit('feat(core): retries', ['packages/core/retry.js']);
    const out = run(app, 'npx', ['--offline', '--no-install', 'relx', 'plan', '--cwd', sample.dir]);
    expect(out).toMatch(/@sample\/core\s+1\.0\.0 → 1\.1\.0\s+minor\s+feat\(core\): retries/);
    expect(out).toMatch(
      /@sample\/api\s+0\.3\.0 → 0\.3\.1\s+patch\s+dependency @sample\/core 1\.0\.0 → 1\.1\.0/,
    );
  });
});
