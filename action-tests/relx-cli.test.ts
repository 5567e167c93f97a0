import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
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

  it('exits 1 with the file, field and fix on bad config, and 2 on a usage error', () => {
    const repo = aMonorepo([{ dir: 'core', name: 'core' }], 'tagFormt: x\n');
    const bad = relx('plan', '--cwd', repo.dir);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('relx: relx.config.yaml: tagFormt: unknown key `tagFormt`');
    expect(bad.stderr).toContain('Fix: Rename `tagFormt` to `tagFormat`');
    expect(relx('plan', '--no-such-flag').status).toBe(2);
    expect(relx('plan', '--now', 'yesterday', '--cwd', repo.dir).stderr).toContain('--now');
  });
});
