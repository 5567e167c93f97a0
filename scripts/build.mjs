// Bundle every entry with ncc into <out>/<name>/ (default dist/). Usage: node scripts/build.mjs [--out DIR] [name…]
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { listBundleEntries } from './bundle-entries.mjs';

const root = resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const outIndex = args.indexOf('--out');
const out = outIndex >= 0 ? resolve(args[outIndex + 1]) : join(root, 'dist');
const only = outIndex >= 0 ? args.filter((a, i) => i !== outIndex && i !== outIndex + 1) : args;
const entries = listBundleEntries(root).filter((e) => only.length === 0 || only.includes(e.name));
const ncc = join(root, 'node_modules', '@vercel', 'ncc', 'dist', 'ncc', 'cli.js');

function bundle(entry) {
  const dir = join(out, entry.name);
  rmSync(dir, { recursive: true, force: true });
  return new Promise((done, fail) => {
    const child = spawn(
      process.execPath,
      [
        ncc,
        'build',
        entry.source,
        '-o',
        dir,
        '--source-map',
        '--license',
        'licenses.txt',
        '--quiet',
        '--target',
        'es2022',
        ...(entry.externals ?? []).flatMap((name) => ['--external', name]),
      ],
      { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] },
    );
    child.on('exit', (code) => {
      if (code !== 0) return fail(new Error(`ncc failed for ${entry.name} (exit ${code})`));
      // ESM bundles need their own package scope (DESIGN.md: ncc 0.45 builds ESM bundles).
      writeFileSync(join(dir, 'package.json'), '{\n  "type": "module"\n}\n');
      if (entry.name === 'cli') {
        const index = join(dir, 'index.js');
        const code = readFileSync(index, 'utf8');
        if (!code.startsWith('#!')) writeFileSync(index, `#!/usr/bin/env node\n${code}`, { mode: 0o755 });
      }
      done();
    });
  });
}

mkdirSync(out, { recursive: true });
const started = Date.now();
// Two at a time: ncc is CPU-bound and the machines have two cores.
const queue = [...entries];
await Promise.all(
  [0, 1].map(async () => {
    for (let e = queue.shift(); e; e = queue.shift()) {
      const t = Date.now();
      await bundle(e);
      console.log(`built dist/${e.name}/index.js in ${((Date.now() - t) / 1000).toFixed(1)} s`);
    }
  }),
);
console.log(`${entries.length} bundles in ${((Date.now() - started) / 1000).toFixed(1)} s`);
