import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { promisify } from 'node:util';

const root = resolve(import.meta.dirname, '..', '..');
// What `npm run demo` runs: the bundle (node scripts/build.mjs demo cli rebuilds it).
const runDemo = async (env: Record<string, string | undefined> = {}) =>
  (
    await promisify(execFile)(process.execPath, ['dist/demo/index.js'], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1', ...env },
      maxBuffer: 16 * 1024 * 1024,
    })
  ).stdout;

/** A PATH with every command of this one except Debian's prometheus and promtool: a machine without them. */
function pathWithoutPrometheus(dir: string): string {
  for (const from of (process.env.PATH ?? '').split(delimiter)) {
    if (!from || !existsSync(from)) continue;
    for (const name of readdirSync(from)) {
      if (name === 'prometheus' || name === 'promtool' || existsSync(join(dir, name))) continue;
      symlinkSync(join(from, name), join(dir, name));
    }
  }
  return dir;
}

// `npm run demo` is the README's main command: it must keep working, and keep telling the story.
describe('npm run demo', () => {
  it('takes a sample platform from a commit to production, then stops a bad fix at the gate', async () => {
    const stdout = await runDemo();
    expect(stdout).toMatch(/Prometheus http:\/\/127\.0\.0\.1:\d+\n/);
    expectTheStory(stdout);
  }, 120_000);

  it('tells the same story on a machine without Prometheus, from a stand-in that says so', async () => {
    const bin = mkdtempSync(join(tmpdir(), 'relx-demo-path-'));
    try {
      const stdout = await runDemo({ PATH: pathWithoutPrometheus(bin) });
      expect(stdout).toMatch(
        /Prometheus stand-in http:\/\/127\.0\.0\.1:\d+ — Debian's prometheus is not installed/,
      );
      expect(stdout).not.toMatch(/skipped/i);
      expect(stdout).toContain('SLO gate after dev: pass');
      expectTheStory(stdout);
    } finally {
      rmSync(bin, { recursive: true, force: true });
    }
  }, 120_000);
});

/** The story the README tells, stage by stage. */
function expectTheStory(stdout: string): void {
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
  // under a minute after npm ci
  const seconds = Number(/Done in (\d+\.\d) s/.exec(stdout)?.[1]);
  expect(seconds).toBeLessThan(60);
}
