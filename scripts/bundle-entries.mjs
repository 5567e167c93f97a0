// The JavaScript entries relx ships: every actions/<name>/index.ts (a node24 action, or a JS
// step that a composite action calls), the CLI, and `npm run demo`. Each becomes
// dist/<name>/index.js; `externals` are left to node_modules at run time.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export function listBundleEntries(root) {
  const entries = [];
  const actionsDir = join(root, 'actions');
  for (const name of readdirSync(actionsDir).sort()) {
    if (existsSync(join(actionsDir, name, 'index.ts'))) {
      entries.push({ name, source: join('actions', name, 'index.ts') });
    }
    const stepsDir = join(actionsDir, name, 'steps');
    if (existsSync(stepsDir)) {
      for (const step of readdirSync(stepsDir).sort()) {
        if (existsSync(join(stepsDir, step, 'index.ts'))) {
          entries.push({ name: `${name}-${step}`, source: join('actions', name, 'steps', step, 'index.ts') });
        }
      }
    }
  }
  entries.push({ name: 'cli', source: join('src', 'cli', 'index.ts') });
  // ncc cannot bundle Verdaccio (its web UI's assets), so the demo imports it from node_modules,
  // where `npm ci` puts it: it is a devDependency, like everything the demo needs.
  entries.push({ name: 'demo', source: join('scripts', 'demo', 'demo.ts'), externals: ['verdaccio'] });
  return entries;
}
