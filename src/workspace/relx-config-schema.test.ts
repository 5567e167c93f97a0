import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { relxConfigSchema } from './relx-config.js';

const file = join(resolve(import.meta.dirname, '..', '..'), 'schema', 'relx.config.schema.json');

/** The JSON Schema editors use for relx.config.yaml, generated from the zod schema that validates it. */
function renderSchema(): string {
  const schema = {
    ...z.toJSONSchema(relxConfigSchema, { io: 'input', target: 'draft-2020-12' }),
    $id: 'https://relx.dev/schema/relx.config.schema.json',
    title: 'relx.config.yaml',
  };
  return `${JSON.stringify(schema, null, 2)}\n`;
}

describe('schema/relx.config.schema.json', () => {
  it('matches the config schema (run with UPDATE_SCHEMA=1 to regenerate)', () => {
    const expected = renderSchema();
    if (process.env.UPDATE_SCHEMA === '1') writeFileSync(file, expected);
    const committed = readFileSync(file, 'utf8');
    if (committed !== expected) {
      throw new Error(
        'schema/relx.config.schema.json is stale: run `UPDATE_SCHEMA=1 NODE_OPTIONS=--experimental-vm-modules npx jest src/workspace/relx-config-schema.test.ts` and commit it.',
      );
    }
  });
});
