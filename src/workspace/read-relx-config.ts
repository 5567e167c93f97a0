import { readFile } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { configurationError, inputError } from '../relx-error.js';
import { relxConfigSchema, type RelxConfig } from './relx-config.js';

export const defaultConfigFiles = ['relx.config.yaml', 'relx.config.yml'];

export interface LoadedConfig {
  /** The file read, relative to the root, or null when there is none (all defaults). */
  file: string | null;
  config: RelxConfig;
}

/**
 * Reads and validates the config; every problem is reported at once, each with its field and fix.
 * `configFile` is relative to the repository root, or absolute.
 */
export async function readRelxConfig(root: string, configFile?: string): Promise<LoadedConfig> {
  const candidates = configFile ? [configFile] : defaultConfigFiles;
  for (const candidate of candidates) {
    const path = resolve(root, candidate);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch {
      continue;
    }
    // Named as the user knows it: relative inside the repository, absolute outside it.
    const inside = relative(root, path);
    const file = inside && !inside.startsWith('..') && !isAbsolute(inside) ? inside : path;
    return { file, config: parseRelxConfig(text, file) };
  }
  if (configFile) {
    throw inputError(`Config file ${configFile} does not exist.`, {
      file: configFile,
      fix: `Check the path (relative to the repository root ${root}, or absolute), or omit it to use relx.config.yaml or the defaults.`,
    });
  }
  return { file: null, config: relxConfigSchema.parse({}) };
}

export function parseRelxConfig(text: string, file: string): RelxConfig {
  const document = parseDocument(text, { prettyErrors: true });
  const [syntax] = document.errors;
  if (syntax) {
    const line = syntax.linePos?.[0].line;
    throw configurationError(
      `YAML syntax error${line ? ` on line ${line}` : ''}: ${syntax.message.split('\n')[0]}`,
      {
        file,
        fix: 'Fix the YAML syntax (indentation, quotes around values with `:` or `{`).',
      },
    );
  }
  const result = relxConfigSchema.safeParse(document.toJS() ?? {});
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => describeIssue(issue));
  const [first] = problems;
  if (problems.length === 1 && first) {
    throw configurationError(first.message, { file, field: first.field, fix: first.fix });
  }
  // Several problems: each on its own line with its field, all fixed in one go.
  throw configurationError(
    `${problems.length} problems:\n${problems.map((p) => `  ${p.field || '(root)'}: ${p.message}`).join('\n')}`,
    { file, fix: problems.map((p) => p.fix).join(' ') },
  );
}

type Issue = z.core.$ZodIssue;

function fieldPath(path: readonly PropertyKey[]): string {
  return path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`))
    .join('');
}

function describeIssue(issue: Issue): { field: string; message: string; fix: string } {
  const field = fieldPath(issue.path);
  if (issue.code === 'unrecognized_keys') {
    const allowed = allowedKeys(issue.path);
    const fixes = issue.keys.map((key) => {
      const near = closest(key, allowed);
      return near
        ? `Rename \`${key}\` to \`${near}\` (did you mean \`${near}\`?).`
        : `Remove \`${key}\`; allowed keys: ${allowed.join(', ')}.`;
    });
    const at = issue.keys.map((k) => (field ? `${field}.${k}` : k)).join(', ');
    return {
      field: at,
      message: `unknown key ${issue.keys.map((k) => `\`${k}\``).join(', ')}`,
      fix: fixes.join(' '),
    };
  }
  if (issue.code === 'invalid_value') {
    const values = issue.values.map((v) => JSON.stringify(v)).join(', ');
    return { field, message: `must be one of ${values}`, fix: `Set \`${field}\` to one of ${values}.` };
  }
  if (issue.code === 'custom' && typeof issue.params?.fix === 'string') {
    return { field, message: issue.message, fix: issue.params.fix };
  }
  return { field, message: issue.message, fix: `Correct \`${field}\` (see schema/relx.config.schema.json).` };
}

/** The keys the schema allows at a path, for did-you-mean suggestions. */
function allowedKeys(path: readonly PropertyKey[]): string[] {
  let schema: unknown = relxConfigSchema;
  for (const part of path) {
    schema = unwrap(schema);
    const def = (schema as { def?: { type?: string; shape?: Record<string, unknown>; element?: unknown } })
      .def;
    if (def?.type === 'object' && typeof part === 'string') schema = def.shape?.[part];
    else if (def?.type === 'array') schema = def.element;
  }
  const def = (unwrap(schema) as { def?: { shape?: Record<string, unknown> } }).def;
  return Object.keys(def?.shape ?? {});
}

function unwrap(schema: unknown): unknown {
  let current = schema as { def?: { type?: string; innerType?: unknown } } | undefined;
  while (current?.def && ['default', 'optional', 'nullable', 'prefault'].includes(current.def.type ?? '')) {
    current = current.def.innerType as typeof current;
  }
  return current;
}

/** The allowed word nearest to `word` (Levenshtein ≤ 1/3 of its length), if any. */
export function closest(word: string, candidates: readonly string[]): string | null {
  let best: string | null = null;
  let bestDistance = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const candidate of candidates) {
    const d = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row.push(Math.min((previous[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost));
    }
    previous = row;
  }
  return previous[b.length] ?? 0;
}
