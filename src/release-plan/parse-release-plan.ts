import { inputError } from '../relx-error.js';
import { releasePlanSchema, releasePlanSchemaVersion, type ReleasePlan } from './release-plan.js';

/**
 * A plan handed between jobs or read from a file. Anything that is not a plan of this schema
 * version is refused before anything is written; the error names the field.
 */
export function parseReleasePlan(text: string, source: string): ReleasePlan {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw inputError('The release plan is not JSON.', {
      file: source,
      fix: "Pass analyze-commits' `plan` output or the output of `relx plan --json`.",
    });
  }
  const version = (value as { schemaVersion?: unknown } | null)?.schemaVersion;
  if (version !== releasePlanSchemaVersion) {
    throw inputError(
      `The release plan has schemaVersion ${JSON.stringify(version)}; this relx reads ${releasePlanSchemaVersion}.`,
      {
        file: source,
        field: 'schemaVersion',
        fix: 'Make the plan with the same relx version that applies it (pin analyze-commits and bump-version to the same tag).',
      },
    );
  }
  const result = releasePlanSchema.safeParse(value);
  if (!result.success) {
    const issues = result.error.issues.map(
      (i) =>
        `${i.path
          .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
          .join('')
          .replace(/^\./, '')}: ${i.message}`,
    );
    throw inputError(`The release plan is malformed: ${issues.slice(0, 5).join('; ')}`, {
      file: source,
      field: issues[0]?.split(':')[0] ?? '',
      fix: 'Pass the plan unmodified from analyze-commits or `relx plan --json`.',
    });
  }
  return result.data;
}
