import type { z } from 'zod';
import { inputError, type RelxError } from '../relx-error.js';

/** `components.images[0].digest` for a zod issue path. */
export function issueField(path: readonly PropertyKey[]): string {
  return path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`))
    .join('');
}

/**
 * The input error for a document that fails its schema: the first field named in `field`, up to
 * five problems in the message, so one run shows what to fix.
 */
export function schemaInputError(
  what: string,
  issues: readonly z.core.$ZodIssue[],
  file: string,
  fix: string,
): RelxError {
  const problems = issues.map((issue) => ({
    field:
      issueField(issue.code === 'unrecognized_keys' ? [...issue.path, ...issue.keys] : issue.path) ||
      '(root)',
    message: issue.message,
  }));
  const shown = problems.slice(0, 5).map((p) => `${p.field}: ${p.message}`);
  const more = problems.length > 5 ? ` (and ${problems.length - 5} more)` : '';
  return inputError(`${what} does not match its schema: ${shown.join('; ')}${more}`, {
    file,
    field: problems[0]?.field ?? '',
    fix,
  });
}
