/** Where a JSON string value sits in the text, by its key path (array indexes as numbers). */
export interface JsonStringSpan {
  path: Array<string | number>;
  /** Offsets of the value's contents, between its quotes. */
  start: number;
  end: number;
  value: string;
}

/**
 * Finds every string value of a JSON document with its position, so that an edit can replace
 * exactly those characters and leave indentation, key order, line endings and the final newline
 * as they were. Assumes valid JSON (the caller has parsed it).
 */
export function locateJsonStrings(text: string): JsonStringSpan[] {
  const spans: JsonStringSpan[] = [];
  // One frame per open object or array: its current key, or its current index.
  const frames: Array<{ kind: 'object' | 'array'; key: string | null; index: number }> = [];
  const pathHere = () => frames.map((f) => (f.kind === 'object' ? (f.key ?? '') : f.index));
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    const top = frames[frames.length - 1];
    if (ch === '"') {
      const start = i + 1;
      let j = start;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      const value = JSON.parse(text.slice(start - 1, j + 1)) as string;
      i = j;
      if (top?.kind === 'object' && top.key === null && isKeyPosition(text, j + 1)) top.key = value;
      else if (top) spans.push({ path: pathHere(), start, end: j, value });
    } else if (ch === '{' || ch === '[') {
      frames.push({ kind: ch === '{' ? 'object' : 'array', key: null, index: 0 });
    } else if (ch === '}' || ch === ']') {
      frames.pop();
    } else if (ch === ',' && top) {
      if (top.kind === 'array') top.index++;
      else top.key = null;
    }
  }
  return spans;
}

function isKeyPosition(text: string, from: number): boolean {
  for (let k = from; k < text.length; k++) {
    const c = text[k];
    if (c === ':') return true;
    if (c !== ' ' && c !== '\t' && c !== '\n' && c !== '\r') return false;
  }
  return false;
}

/** Replaces string values in place; `edits` are by span. */
export function replaceJsonStrings(
  text: string,
  edits: ReadonlyArray<{ span: JsonStringSpan; value: string }>,
): string {
  let out = text;
  for (const { span, value } of [...edits].sort((a, b) => b.span.start - a.span.start)) {
    const encoded = JSON.stringify(value).slice(1, -1);
    out = out.slice(0, span.start) + encoded + out.slice(span.end);
  }
  return out;
}

export const samePath = (a: ReadonlyArray<string | number>, b: ReadonlyArray<string | number>) =>
  a.length === b.length && a.every((part, i) => part === b[i]);
