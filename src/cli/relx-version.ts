import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * relx's own version: RELX_VERSION when a build injects it, else the `version` of the nearest
 * package.json named relx above the running file — the npm package's (dist/cli/index.js sits
 * two levels below it), or the checkout's, whose version bump-version writes at each release.
 * `0.0.0-dev` only when there is none, which no release is.
 */
export function relxVersion(start: string = runningFile()): string {
  if (process.env.RELX_VERSION) return process.env.RELX_VERSION;
  for (let dir = dirname(start); ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const manifest = JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown; version?: unknown };
      // dist/cli/package.json only says "type": "module": keep walking
      if (manifest.name === 'relx' && typeof manifest.version === 'string') return manifest.version;
    }
    if (dirname(dir) === dir) return '0.0.0-dev';
  }
}

/** The bundle's path when it runs (through npm's bin symlink), else this module's. */
function runningFile(): string {
  const main = process.argv[1];
  if (main && /(^|[\\/])index\.js$/.test(main) && existsSync(main)) return realpathSync(main);
  return fileURLToPath(import.meta.url);
}
