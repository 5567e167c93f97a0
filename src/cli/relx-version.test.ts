import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { relxVersion } from './relx-version.js';

describe('relx --version', () => {
  const saved = process.env.RELX_VERSION;
  afterEach(() => {
    if (saved === undefined) delete process.env.RELX_VERSION;
    else process.env.RELX_VERSION = saved;
  });

  it("is the version of the relx package.json above the bundle, past dist/cli's own", () => {
    delete process.env.RELX_VERSION;
    const root = mkdtempSync(join(tmpdir(), 'relx-version-'));
    writeFileSync(join(root, 'package.json'), '{ "name": "relx", "version": "1.7.2" }\n');
    mkdirSync(join(root, 'dist', 'cli'), { recursive: true });
    writeFileSync(join(root, 'dist', 'cli', 'package.json'), '{ "type": "module" }\n');
    expect(relxVersion(join(root, 'dist', 'cli', 'index.js'))).toBe('1.7.2');
  });

  it('is what a build injects in RELX_VERSION, and 0.0.0-dev only with no relx package.json at all', () => {
    process.env.RELX_VERSION = '2.0.0';
    expect(relxVersion('/nowhere/dist/cli/index.js')).toBe('2.0.0');
    delete process.env.RELX_VERSION;
    const lonely = mkdtempSync(join(tmpdir(), 'relx-version-'));
    writeFileSync(join(lonely, 'package.json'), '{ "name": "someone-else", "version": "9.9.9" }\n');
    expect(relxVersion(join(lonely, 'index.js'))).toBe('0.0.0-dev');
  });
});
