/**
 * Errors have a kind. A configuration or input error is terminal: it names where the problem is
 * (file, field) and how to fix it, and retrying cannot help. A transient error (network, 5xx,
 * a push race) may succeed when retried. One place — the CLI's and each action's entry — maps
 * them to an exit code or `core.setFailed`.
 */
export type RelxErrorKind = 'configuration' | 'input' | 'transient' | 'conflict';

export interface RelxErrorDetails {
  /** The file the problem is in, when there is one. */
  file?: string;
  /** The field, input or flag at fault, as the user wrote it (`components.api.dependsOn[0]`). */
  field?: string;
  /** What to do about it, as an instruction. */
  fix?: string;
}

export class RelxError extends Error {
  readonly kind: RelxErrorKind;
  readonly file: string | undefined;
  readonly field: string | undefined;
  readonly fix: string | undefined;

  constructor(kind: RelxErrorKind, message: string, details: RelxErrorDetails = {}, options?: ErrorOptions) {
    super(message, options);
    this.name = 'RelxError';
    this.kind = kind;
    this.file = details.file;
    this.field = details.field;
    this.fix = details.fix;
  }

  /** Terminal errors are the user's to fix; retrying does not help. */
  get terminal(): boolean {
    return this.kind !== 'transient';
  }
}

export const configurationError = (message: string, details: RelxErrorDetails = {}) =>
  new RelxError('configuration', message, details);
export const inputError = (message: string, details: RelxErrorDetails = {}) =>
  new RelxError('input', message, details);
export const transientError = (message: string, details: RelxErrorDetails = {}, cause?: unknown) =>
  new RelxError('transient', message, details, { cause });
export const conflictError = (message: string, details: RelxErrorDetails = {}) =>
  new RelxError('conflict', message, details);

/** One line (or a few) a human reads: what is wrong, where, and the fix. */
export function renderError(error: unknown): string {
  if (error instanceof RelxError) {
    const where = [error.file, error.field].filter(Boolean).join(': ');
    const lines = [where ? `${where}: ${error.message}` : error.message];
    if (error.fix) lines.push(`Fix: ${error.fix}`);
    return lines.join('\n');
  }
  return error instanceof Error ? error.message : String(error);
}
