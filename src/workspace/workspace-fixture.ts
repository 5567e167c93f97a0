import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** A real temp folder with these files; objects are written as JSON. For tests. */
export function aFolder(files: Record<string, unknown>): string {
  const root = mkdtempSync(join(tmpdir(), 'relx-ws-'));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(
      join(root, path),
      typeof content === 'string' ? content : `${JSON.stringify(content, null, 2)}\n`,
    );
  }
  return root;
}

export const aPackage = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  version: '1.0.0',
  ...extra,
});
