import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';

// `npm run demo` is the README's main command: it must keep working, and keep telling the story.
describe('npm run demo', () => {
  it('takes a sample platform from a commit to production, then stops a bad fix at the gate', async () => {
    const root = resolve(import.meta.dirname, '..', '..');
    const { stdout } = await promisify(execFile)(process.execPath, ['scripts/demo.mjs'], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
      maxBuffer: 16 * 1024 * 1024,
    });
    const stages = stdout.split('\n').filter((line) => line.startsWith('▶ '));
    expect(stages.map((line) => line.replace(/\s+\(\d+\.\d s\)$/, '').slice(2, 4))).toEqual([
      'St',
      'A ',
      '1.',
      '2.',
      '3.',
      '4.',
      '5.',
      '6.',
      '7.',
      '8.',
      '  ',
    ]);
    // the first release reaches prod, every component pinned
    expect(stdout).toMatch(/prod now runs (\d{4}\.\d{2}\.0) \(was nothing\)/);
    expect(stdout).toMatch(/api\s+image\s+1\.1\.0\s+sha256:[0-9a-f]{64}/);
    expect(stdout).toContain('kind: ReleaseManifest');
    // the fix propagates from the library to the image and the chart
    expect(stdout).toMatch(/api\s+1\.1\.0 → 1\.1\.1\s+patch\s+dependency @acme\/core 1\.1\.0 → 1\.1\.1/);
    expect(stdout).toMatch(/api-chart\s+0\.2\.0 → 0\.2\.1\s+patch\s+dependency api 1\.1\.0 → 1\.1\.1/);
    // and the diff between the two releases says why each changed
    expect(stdout).toMatch(
      /@acme\/core\s+1\.1\.0 → 1\.1\.1\s+package\n\s+1\.1\.1: Bug Fixes: core: retry on exceptions, not on falsy results\n/,
    );
    expect(stdout).toMatch(
      /api\s+1\.1\.0 → 1\.1\.1\s+image\n\s+1\.1\.1: Dependencies: @acme\/core: 1\.1\.0 → 1\.1\.1\n/,
    );
    // the gate stops it and prod keeps the first release
    expect(stdout).toContain('SLO gate after dev: fail');
    expect(stdout).toContain('Stopped at dev');
    const lastStatus = stdout.slice(stdout.lastIndexOf('prod runs '));
    expect(lastStatus).toMatch(/^prod runs \d{4}\.\d{2}\.0\n/);
    expect(stdout).not.toMatch(/prod now runs \d{4}\.\d{2}\.1/);
    expect(stdout).toMatch(/Done in \d+\.\d s/);
  }, 120_000);
});
