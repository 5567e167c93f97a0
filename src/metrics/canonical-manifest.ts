import { releaseManifestSchema, type ReleaseManifest } from '../manifest/release-manifest.js';

/**
 * A fast reader for manifests as relx renders them (block mappings and sequences of one-line
 * scalars), because metrics read thousands of them and a general YAML parser spends a millisecond
 * on each. It accepts only a subset whose meaning it knows exactly: anything else — a comment, an
 * anchor, a block or multi-line scalar, a flow collection other than `[]`/`{}`, an escape in a
 * quoted string, a plain scalar YAML would read as a number or a boolean, a duplicate key — makes it
 * return null, and the caller parses with the full YAML parser. So the result, when there is one,
 * is what parseReleaseManifest returns; a test holds the two to that.
 */
export function parseCanonicalManifest(text: string): ReleaseManifest | null {
  const lines: Line[] = [];
  for (const raw of text.split('\n')) {
    if (raw === '') continue;
    const text_ = raw.trimStart();
    if (raw.endsWith(' ') || raw.includes('\t') || text_.startsWith('#')) return null;
    lines.push({ indent: raw.length - text_.length, text: text_ });
  }
  const reader = { lines, at: 0 };
  const value = readBlock(reader, 0);
  if (value === undefined || reader.at !== lines.length) return null;
  const result = releaseManifestSchema.safeParse(value);
  return result.success ? result.data : null;
}

interface Line {
  indent: number;
  text: string;
}
interface Reader {
  lines: Line[];
  at: number;
}
type Value = string | null | Value[] | { [key: string]: Value };

const yamlNonString =
  /^(~|null|Null|NULL|true|True|TRUE|false|False|FALSE|[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?|0o[0-7]+|0x[0-9a-fA-F]+|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN))$/;

/** A one-line scalar, or undefined when it is not one this reader knows the meaning of. */
function readScalar(text: string): Value | undefined {
  if (text === '[]') return [];
  if (text === '{}') return {};
  if (text.startsWith('"')) {
    if (text.length < 2 || !text.endsWith('"') || text.slice(1, -1).includes('"') || text.includes('\\'))
      return undefined;
    return text.slice(1, -1);
  }
  if (text.startsWith("'")) {
    const inner = text.slice(1, -1);
    if (text.length < 2 || !text.endsWith("'") || inner.replaceAll("''", '').includes("'")) return undefined;
    return inner.replaceAll("''", "'");
  }
  if (text === 'null') return null;
  if (text === '' || yamlNonString.test(text)) return undefined;
  if (/^[-?:,[\]{}#&*!|>%@`]/.test(text) || /: |:$| #/.test(text)) return undefined;
  return text;
}

/** `key: rest` with a plain or double-quoted key. */
function splitKey(text: string): [string, string] | undefined {
  const match = /^("[^"\\]+"|[A-Za-z0-9_][\w.@/-]*):(?: (.*))?$/.exec(text);
  if (!match) return undefined;
  const raw = match[1] as string;
  const key = raw.startsWith('"') ? raw.slice(1, -1) : raw;
  if (key === '__proto__' || (!raw.startsWith('"') && yamlNonString.test(key))) return undefined;
  return [key, match[2] ?? ''];
}

function readBlock(reader: Reader, indent: number): Value | undefined {
  const first = reader.lines[reader.at];
  if (!first || first.indent !== indent) return undefined;
  return first.text.startsWith('- ') ? readSequence(reader, indent) : readMapping(reader, indent);
}

function readSequence(reader: Reader, indent: number): Value[] | undefined {
  const items: Value[] = [];
  for (let line = reader.lines[reader.at]; line?.indent === indent; line = reader.lines[reader.at]) {
    if (!line.text.startsWith('- ')) return undefined;
    const rest = line.text.slice(2);
    if (splitKey(rest)) {
      // `- key: value` opens a mapping whose keys line up two columns in
      reader.lines[reader.at] = { indent: indent + 2, text: rest };
      const item = readMapping(reader, indent + 2);
      if (item === undefined) return undefined;
      items.push(item);
    } else {
      const item = readScalar(rest);
      if (item === undefined) return undefined;
      items.push(item);
      reader.at++;
    }
  }
  return items;
}

function readMapping(reader: Reader, indent: number): { [key: string]: Value } | undefined {
  const map: { [key: string]: Value } = {};
  for (let line = reader.lines[reader.at]; line?.indent === indent; line = reader.lines[reader.at]) {
    const entry = splitKey(line.text);
    if (!entry || Object.hasOwn(map, entry[0])) return undefined;
    const [key, rest] = entry;
    reader.at++;
    let value: Value | undefined;
    if (rest === '') {
      const next = reader.lines[reader.at];
      if (!next || next.indent <= indent) return undefined;
      value = readBlock(reader, next.indent);
    } else {
      value = readScalar(rest);
    }
    if (value === undefined) return undefined;
    map[key] = value;
  }
  const after = reader.lines[reader.at];
  if (after && after.indent > indent) return undefined;
  return map;
}
