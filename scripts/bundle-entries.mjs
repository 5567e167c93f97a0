// The JavaScript entries relx ships: every actions/<name>/index.ts (a node24 action, or a JS
// step that a composite action calls) and the CLI. Each becomes dist/<name>/index.js.
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
  return entries;
}
