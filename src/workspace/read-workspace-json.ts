import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { configurationError } from '../relx-error.js';

/** JSON as npm reads it: a UTF-8 byte order mark before the text is allowed. */
export function parseJsonText(text: string, file: string): unknown {
  try {
    return JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw configurationError(`not valid JSON: ${(error as Error).message}`, {
      file,
      fix: 'Fix the JSON syntax.',
    });
  }
}

/** A JSON file of the workspace, or undefined when there is none. */
export async function readJsonFile(root: string, file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(join(root, file), 'utf8');
  } catch {
    return undefined;
  }
  return parseJsonText(text, file);
}
