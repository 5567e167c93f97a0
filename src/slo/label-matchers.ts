import { inputError } from '../relx-error.js';

/**
 * Label matchers are parsed into data and rendered back, never pasted into a query: a selector
 * such as `version="x"} or vector(1) #` either fails to parse or ends up as a quoted value, so
 * it cannot change the query's shape.
 */
export interface LabelMatcher {
  name: string;
  op: '=' | '!=' | '=~' | '!~';
  value: string;
}

const namePattern = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export function parseLabelMatchers(
  selector: string | Record<string, string>,
  where: { source: string; field: string },
): LabelMatcher[] {
  if (typeof selector !== 'string') {
    return Object.entries(selector).map(([name, value]) => ({ name, op: '=', value }));
  }
  const refuse = (why: string) =>
    inputError(`${where.field}: ${why} in ${JSON.stringify(selector)}.`, {
      file: where.source,
      field: where.field,
      fix: 'Write label matchers such as version="canary", service=~"api|web" (comma-separated), or a map {version: canary}.',
    });
  const matchers: LabelMatcher[] = [];
  let text = selector.trim();
  if (text.startsWith('{') && text.endsWith('}')) text = text.slice(1, -1).trim();
  let i = 0;
  while (i < text.length) {
    const name = /^[a-zA-Z_][a-zA-Z0-9_]*/.exec(text.slice(i))?.[0];
    if (!name) throw refuse(`a label name was expected at position ${i + 1}`);
    i += name.length;
    while (text[i] === ' ') i++;
    const op = /^(=~|!~|!=|=)/.exec(text.slice(i))?.[0] as LabelMatcher['op'] | undefined;
    if (!op) throw refuse(`an operator (=, !=, =~, !~) was expected after ${name}`);
    i += op.length;
    while (text[i] === ' ') i++;
    if (text[i] !== '"') throw refuse(`the value of ${name} must be in double quotes`);
    i++;
    let value = '';
    for (;;) {
      const c = text[i];
      if (c === undefined) throw refuse(`the value of ${name} is not closed`);
      i++;
      if (c === '"') break;
      if (c === '\\') {
        const next = text[i++];
        if (next === undefined) throw refuse(`the value of ${name} ends in a backslash`);
        value += next === 'n' ? '\n' : next;
      } else value += c;
    }
    matchers.push({ name, op, value });
    while (text[i] === ' ') i++;
    if (i < text.length) {
      if (text[i] !== ',') throw refuse(`a comma was expected after the matcher for ${name}`);
      i++;
      while (text[i] === ' ') i++;
    }
  }
  if (matchers.length === 0) throw refuse('no matcher');
  for (const m of matchers) if (!namePattern.test(m.name)) throw refuse(`${m.name} is not a label name`);
  return matchers;
}

/** A PromQL string literal: backslash, quote and newline escaped. */
export function promqlString(value: string): string {
  return `"${value.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n')}"`;
}

export function renderPromqlMatchers(matchers: readonly LabelMatcher[]): string {
  return matchers.map((m) => `${m.name}${m.op}${promqlString(m.value)}`).join(', ');
}

/** Datadog tags: `key:value`, equality only, characters Datadog allows in tags. */
export function renderDatadogTags(
  matchers: readonly LabelMatcher[],
  where: { source: string; field: string },
): string {
  return matchers
    .map((m) => {
      if (m.op !== '=' || !/^[a-zA-Z0-9_.:/-]+$/.test(m.value)) {
        throw inputError(`${where.field}: ${m.name}${m.op}"${m.value}" cannot be a Datadog tag.`, {
          file: where.source,
          field: where.field,
          fix: 'With Datadog use equality matchers whose values are letters, digits and _ . : / -.',
        });
      }
      return `${m.name}:${m.value}`;
    })
    .join(',');
}
