import { scrubSecrets } from './secret-scrubber.js';

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
  /**
   * For a transient error of a call that writes: whether the request can have reached the server.
   * `not-sent` (connection refused, a 429) proves it did not, so even a POST may be sent again;
   * `unknown` (a 5xx, a timeout, a reset) means it may have taken effect. Default `unknown`.
   */
  delivery?: 'not-sent' | 'unknown';
}

export class RelxError extends Error {
  readonly kind: RelxErrorKind;
  readonly file: string | undefined;
  readonly field: string | undefined;
  readonly fix: string | undefined;
  readonly delivery: 'not-sent' | 'unknown';

  constructor(kind: RelxErrorKind, message: string, details: RelxErrorDetails = {}, options?: ErrorOptions) {
    super(message, options);
    this.name = 'RelxError';
    this.kind = kind;
    this.file = details.file;
    this.field = details.field;
    this.fix = details.fix;
    this.delivery = details.delivery ?? 'unknown';
  }

  /** Terminal errors are the user's to fix; retrying does not help. */
  get terminal(): boolean {
    return this.kind !== 'transient';
  }

  /**
   * Whether trying the same call again is sound: only transient errors, and for a call that is not
   * idempotent (a POST that creates something) only when the request provably did not arrive.
   */
  mayRepeat(idempotent: boolean): boolean {
    return !this.terminal && (idempotent || this.delivery === 'not-sent');
  }
}

/**
 * Whether trying again may help: a transient RelxError. A terminal one is the user's to fix, and an
 * error that is no RelxError is a bug; neither is retried. Every retry loop asks this, not its own
 * list of error classes.
 */
export function isTransient(error: unknown): error is RelxError {
  return error instanceof RelxError && !error.terminal;
}

/** Whether the same call may be sent again after `error` (`mayRepeat`): transient, and safe to repeat. */
export function isRetryable(error: unknown, idempotent: boolean): error is RelxError {
  return error instanceof RelxError && error.mayRepeat(idempotent);
}

export const configurationError = (message: string, details: RelxErrorDetails = {}) =>
  new RelxError('configuration', message, details);
export const inputError = (message: string, details: RelxErrorDetails = {}) =>
  new RelxError('input', message, details);
export const transientError = (message: string, details: RelxErrorDetails = {}, cause?: unknown) =>
  new RelxError('transient', message, details, { cause });
export const conflictError = (message: string, details: RelxErrorDetails = {}) =>
  new RelxError('conflict', message, details);

/**
 * One line (or a few) a human reads: what is wrong, where, and the fix. Every error relx reports
 * passes here, so secrets are scrubbed here too (a registry may echo a token in its answer).
 */
export function renderError(error: unknown): string {
  if (error instanceof RelxError) {
    const where = [error.file, error.field].filter(Boolean).join(': ');
    const message = scrubSecrets(error.message);
    const lines = [where ? `${where}: ${message}` : message];
    if (error.fix) lines.push(`Fix: ${scrubSecrets(error.fix)}`);
    return lines.join('\n');
  }
  return scrubSecrets(error instanceof Error ? error.message : String(error));
}
