import { data, Evaluator, Lexer, Parser } from '@actions/expressions';
import { truthy } from '@actions/expressions/result';
import type { FunctionDefinition } from '@actions/expressions/funcs/info';

/**
 * `${{ }}` with GitHub's own expression evaluator (@actions/expressions). The status functions
 * (`success()`, `always()`, …) are the runner's, not the language's: they are supplied here from
 * the job's state.
 */
export type Contexts = Record<string, unknown>;

export interface JobStatus {
  /** A step of this job failed, or (for a job's `if:`) a job it needs, directly or not. */
  failed: boolean;
  cancelled?: boolean;
  /**
   * For a job's `if:`: every job it needs succeeded. A need that was skipped is not a failure, but
   * it is no success either: the default `success()` skips the job, `!failure()` runs it.
   */
  needsSucceeded?: boolean;
}

const succeeded = (status: JobStatus) =>
  !status.failed && !status.cancelled && (status.needsSucceeded ?? true);

const contextNames = [
  'github',
  'env',
  'inputs',
  'steps',
  'needs',
  'secrets',
  'vars',
  'job',
  'runner',
  'matrix',
  'strategy',
];

function statusFunctions(status: JobStatus): Map<string, FunctionDefinition> {
  const fn = (name: string, value: () => boolean): [string, FunctionDefinition] => [
    name,
    { name, minArgs: 0, maxArgs: 0, call: () => new data.BooleanData(value()) },
  ];
  return new Map([
    fn('success', () => succeeded(status)),
    fn('failure', () => status.failed),
    fn('always', () => true),
    fn('cancelled', () => status.cancelled ?? false),
  ]);
}

function evaluate(expression: string, contexts: Contexts, status: JobStatus): data.ExpressionData {
  const lexed = new Lexer(expression).lex();
  const functions = statusFunctions(status);
  const parsed = new Parser(lexed.tokens, contextNames, [...functions.values()]).parse();
  const context = JSON.parse(JSON.stringify(contexts), data.reviver) as data.Dictionary;
  return new Evaluator(parsed, context, functions).evaluate();
}

/** A string with `${{ }}` in it, expanded as the runner does (each expression coerced to a string). */
export function expand(text: string, contexts: Contexts, status: JobStatus = { failed: false }): string {
  return text.replace(/\$\{\{([\s\S]*?)\}\}/g, (_, expression: string) =>
    evaluate(expression, contexts, status).coerceString(),
  );
}

/** A value as written in YAML (`with:`, `env:`): strings are expanded, the rest stringified. */
export function expandValue(value: unknown, contexts: Contexts, status?: JobStatus): string {
  if (typeof value === 'string') return expand(value, contexts, status);
  if (value === null || value === undefined) return '';
  return String(value);
}

/** An `if:`: without `${{ }}` it is an expression; with no status function it means `success() && …`. */
export function condition(text: unknown, contexts: Contexts, status: JobStatus): boolean {
  if (text === undefined || text === null || text === '') return succeeded(status);
  if (typeof text === 'boolean') return text && succeeded(status);
  const raw = String(text).trim();
  const expression = /^\$\{\{([\s\S]*)\}\}$/.exec(raw)?.[1] ?? raw;
  const usesStatus = /\b(success|failure|always|cancelled)\s*\(/.test(expression);
  const result = truthy(evaluate(expression, contexts, status));
  return usesStatus ? result : result && succeeded(status);
}
