import { isScalar, parseDocument } from 'yaml';
import { configurationError } from '../relx-error.js';

/**
 * Replaces one scalar of a YAML document in the source text, keeping its quoting, the comments,
 * the indentation and everything else byte for byte. Missing path → error naming the field.
 */
export function setYamlScalar(
  content: string,
  path: ReadonlyArray<string | number>,
  value: string,
  file: string,
): string {
  const document = parseDocument(content, { keepSourceTokens: true });
  if (document.errors.length > 0) {
    throw configurationError(`not valid YAML: ${document.errors[0]?.message.split('\n')[0]}`, {
      file,
      fix: 'Fix the YAML syntax.',
    });
  }
  const node = document.getIn(path, true);
  const field = renderPath(path);
  if (!isScalar(node) || !node.range) {
    throw configurationError(`has no value at \`${field}\`.`, {
      file,
      field,
      fix: `Add \`${field}\` to ${file}, or correct the configured path.`,
    });
  }
  if (String(node.value) === value) return content;
  const [start, end] = node.range;
  const original = content.slice(start, end);
  const quote = original.startsWith('"') ? '"' : original.startsWith("'") ? "'" : '';
  return `${content.slice(0, start)}${quote}${value}${quote}${content.slice(end)}`;
}

/** `image.tag`, `spec.versions[0]` → ['image', 'tag'], ['spec', 'versions', 0]. */
export function parsePath(path: string): Array<string | number> {
  const parts: Array<string | number> = [];
  for (const segment of path.split('.')) {
    const match = /^([^[\]]*)((?:\[\d+\])*)$/.exec(segment);
    if (!match) return [path];
    if (match[1]) parts.push(match[1]);
    for (const index of (match[2] ?? '').matchAll(/\[(\d+)\]/g)) parts.push(Number(index[1]));
  }
  return parts;
}

const renderPath = (path: ReadonlyArray<string | number>) =>
  path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
