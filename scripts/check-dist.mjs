// Fails when the committed dist/ is not what the sources build to: users run dist/, not src/.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const fresh = mkdtempSync(join(tmpdir(), 'relx-dist-'));

function listFiles(dir) {
  const files = [];
  const walk = (d) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else files.push(relative(dir, p));
    }
  };
  try {
    walk(dir);
  } catch {
    // a missing dist/ is simply empty
  }
  return files.sort();
}

try {
  execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs'), '--out', fresh], { stdio: 'inherit' });
  const committed = join(root, 'dist');
  const want = listFiles(fresh);
  const have = listFiles(committed);
  const problems = [];
  for (const f of want) {
    if (!have.includes(f)) problems.push(`missing: dist/${f}`);
    else if (!readFileSync(join(fresh, f)).equals(readFileSync(join(committed, f))))
      problems.push(`stale: dist/${f}`);
  }
  for (const f of have) if (!want.includes(f)) problems.push(`not built by any source: dist/${f}`);
  if (problems.length > 0) {
    console.error(`dist/ is not fresh:\n  ${problems.join('\n  ')}\nRun \`npm run build\` and commit dist/.`);
    process.exit(1);
  }
  console.log(`dist/ is fresh (${want.length} files)`);
} finally {
  rmSync(fresh, { recursive: true, force: true });
}
