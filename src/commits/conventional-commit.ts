import type { GitCommit } from '../git/git-log.js';

/** One Conventional Commits message: a commit holds one, or several (an override, nested commits). */
export interface ConventionalChange {
  type: string;
  scope: string | null;
  subject: string;
  header: string;
  breaking: boolean;
  /** Text of the `BREAKING CHANGE:` / `BREAKING-CHANGE:` footers (the subject when only `!` marks it). */
  notes: string[];
  /**
   * Where the change was written when not in the commit's own header: a `BEGIN_COMMIT_OVERRIDE`
   * block, or one of release-please's nested forms (opt-in, `commits.nested`). Absent: the header.
   */
  origin?: 'override' | 'nested';
}

/** A `Release-As:` footer: the next version of the components the commit counts for, or of the one it names. */
export interface ReleaseAs {
  version: string;
  /** `Release-As: api@2.0.0` names a component (a name, its unscoped name or its folder); null applies to all. */
  component: string | null;
}

interface CommitBase {
  sha: string;
  /** Committer time (seconds): orders a component's commits the same however history was walked. */
  time: number;
  parents: string[];
  files: string[];
  header: string;
}

/** A commit of history as planning sees it. */
export type HistoryCommit =
  | (CommitBase & { kind: 'conventional'; changes: ConventionalChange[]; releaseAs?: ReleaseAs[] })
  /** `change` is the revert as a change of its own, for when the reverted commit is outside the range. */
  | (CommitBase & { kind: 'revert'; revertedShas: string[]; change: ConventionalChange | null })
  | (CommitBase & { kind: 'merge' })
  | (CommitBase & { kind: 'ignored'; reason: string });

/** The types conventional-changelog-angular documents; a nested header counts only with one of these (or a configured type). */
export const angularTypes = [
  'feat',
  'fix',
  'perf',
  'revert',
  'docs',
  'style',
  'refactor',
  'test',
  'build',
  'ci',
  'chore',
];

/** How several changes in one commit are read: see `commits.nested` in relx-config.ts. */
export const nestedCommitModes = ['off', 'release-please'] as const;
export type NestedCommitMode = (typeof nestedCommitModes)[number];

export interface CommitParserOptions {
  /** Types the configured rules name, so that a nested `build: …` counts when `build` releases something. */
  types?: Iterable<string>;
  nested?: NestedCommitMode;
}

// Angular's header, extended: `!` before or after the scope marks a breaking change
// (`feat!(api):` is how release-please also reads it).
const headerPattern = /^(\w+)(!)?(?:\(([^)\n]*)\))?(!)?: (.*)$/;
// conventional-commits-parser's note line: the keyword after optional spaces, `|` or `*`, any case.
const noteLine = /^[\s|*]*(?:BREAKING CHANGE|BREAKING-CHANGE)[:\s]+(.*)$/i;
// Where conventional-commits-parser ends a note besides the next note: a `-field-` line (`---------`).
const fieldLine = /^-.*-$/;
const trailer = /^[A-Za-z][\w-]*(?: #|: )/;
const releaseAsLine = /^release-as:[ \t]*(\S*)[ \t]*$/i;
const revertHeader = /^(?:revert\b|revert:)/i;
const revertPattern = /^(?:Revert|revert:)\s"?([\s\S]+?)"?\s*This reverts commit (\w{7,40})\b/i;
const revertedSha = /This reverts commit ([0-9a-f]{7,40})\b/gi;
// Only these make a body matter by default; a body without any is never split or scanned line by line.
const footerProbe = /^[\s|*]*breaking[ -]change|^release-as:|^BEGIN_COMMIT_OVERRIDE/im;
const overrideBlock = /^BEGIN_COMMIT_OVERRIDE[ \t]*$([\s\S]*?)^END_COMMIT_OVERRIDE[ \t]*$/m;
const nestedBegin = 'BEGIN_NESTED_COMMIT';
const nestedEnd = 'END_NESTED_COMMIT';
// GitHub appends the pull request number to a squash merge's title.
const withoutPrNumber = (header: string) => header.replace(/\s+\(#\d+\)$/, '');

export type CommitParse = (commit: GitCommit) => HistoryCommit;

/**
 * Builds the parser for one run. By default a commit is its header and its footers, as
 * semantic-release, conventional-recommended-bump and Nx read it: a body's bulleted list of
 * squashed commits or quoted release notes is never a change of its own. A
 * `BEGIN_COMMIT_OVERRIDE` … `END_COMMIT_OVERRIDE` block replaces the message; `Release-As:`
 * footers are collected. With `nested: 'release-please'`, release-please's documented forms of
 * several changes in one message count too (see splitNested).
 */
export function createCommitParser(options: CommitParserOptions = {}): CommitParse {
  const grammar = commitGrammar(options);
  return (commit) => {
    const message = commit.message;
    const headerLine = firstLine(message);
    const header = headerLine.trim();
    const base = { sha: commit.sha, time: commit.time, parents: commit.parents, files: commit.files, header };
    if (commit.parents.length > 1) return { ...base, kind: 'merge' };
    const revert = revertOf(message, header);
    if (revert) return { ...base, kind: 'revert', ...revert };

    // git's %B ends with a newline: a body is something after the first line's.
    const newline = message.indexOf('\n');
    const hasBody = newline >= 0 && newline < message.length - 1;
    const footersMatter = hasBody && footerProbe.test(message);
    const override = footersMatter ? overrideBlock.exec(message) : null;
    const text = override ? (override[1] ?? '') : message;
    const changes = override
      ? overrideChanges(text, grammar)
      : grammar.nested && hasBody && grammar.nestedProbe.test(message)
        ? nestedChanges(message, grammar)
        : ownChange(message, headerLine, footersMatter);

    if (changes.length === 0) {
      const reason = override
        ? 'BEGIN_COMMIT_OVERRIDE holds no Conventional Commit'
        : header
          ? 'not a Conventional Commit'
          : 'empty message';
      return { ...base, kind: 'ignored', reason };
    }
    const releaseAs = footersMatter ? readReleaseAs(text) : [];
    return releaseAs.length > 0
      ? { ...base, kind: 'conventional', changes, releaseAs }
      : { ...base, kind: 'conventional', changes };
  };
}

/** What a parser knows, built once: the types, and release-please's nested-message patterns. */
interface CommitGrammar {
  isKnownHeader: (line: string) => boolean;
  nested: boolean;
  paragraphHeader: RegExp;
  nestedProbe: RegExp;
}

function commitGrammar(options: CommitParserOptions): CommitGrammar {
  const knownTypes = [...new Set([...angularTypes, ...(options.types ?? [])].map((t) => t.toLowerCase()))];
  const known = new Set(knownTypes);
  // release-please splits where a blank line is followed by an unbulleted header of a known type.
  const typeAlternation = knownTypes.map((t) => t.replace(/[^\w]/g, '\\$&')).join('|');
  const paragraphHeader = new RegExp(
    `\\r?\\n[ \\t]*\\r?\\n(?=(?:${typeAlternation})!?(?:\\([^)\\n]*\\))?!?: )`,
    'i',
  );
  return {
    isKnownHeader: (line) => {
      const match = headerPattern.exec(line);
      return match !== null && known.has((match[1] ?? '').toLowerCase()) && (match[5] ?? '').trim() !== '';
    },
    nested: options.nested === 'release-please',
    paragraphHeader,
    nestedProbe: new RegExp(`${nestedBegin}|${paragraphHeader.source}`, 'i'),
  };
}

/** A `revert:` / `Revert "…"` commit that names the commits it reverts; null otherwise. */
function revertOf(
  message: string,
  header: string,
): { revertedShas: string[]; change: ConventionalChange } | null {
  if (!revertHeader.test(header)) return null;
  const shas = [...message.matchAll(revertedSha)].map((m) => (m[1] ?? '').toLowerCase());
  if (shas.length === 0) return null;
  const reverted = revertPattern.exec(message)?.[1] ?? header.replace(/^revert:?\s*/i, '');
  const change: ConventionalChange = {
    type: 'revert',
    scope: null,
    subject: withoutPrNumber(reverted).replace(/^"|"$/g, ''),
    header,
    breaking: false,
    notes: [],
  };
  return { revertedShas: shas, change };
}

/** The changes a BEGIN_COMMIT_OVERRIDE block lists, in place of the commit's own message. */
function overrideChanges(text: string, grammar: CommitGrammar): ConventionalChange[] {
  return splitOverride(text, grammar.isKnownHeader)
    .map((m) => toChange(m, true))
    .filter((c): c is ConventionalChange => c !== null)
    .map((c) => ({ ...c, origin: 'override' as const }));
}

/** A squash commit's own change and the ones nested in its body, as release-please reads them. */
function nestedChanges(message: string, grammar: CommitGrammar): ConventionalChange[] {
  const [own, ...more] = splitNested(message, grammar.paragraphHeader);
  const first = toChange(own ?? '', footerProbe.test(own ?? ''));
  const changes: ConventionalChange[] = first ? [first] : [];
  for (const m of more) {
    const change = toChange(m, true);
    if (!change) continue;
    // the squash title often repeats one of the nested messages: count it once
    if (first && withoutPrNumber(first.header) === withoutPrNumber(change.header)) continue;
    changes.push({ ...change, origin: 'nested' });
  }
  return changes;
}

/** Most commits: the header, and the body's notes only when a footer keyword is in it. */
function ownChange(message: string, headerLine: string, footersMatter: boolean): ConventionalChange[] {
  const own = footersMatter ? toChange(message, true) : headerChange(headerLine.trimEnd());
  return own ? [own] : [];
}

/** One message's header and, when the body can matter, its breaking-change notes. */
function toChange(message: string, scanBody: boolean): ConventionalChange | null {
  const trimmed = /^\s/.test(message) ? message.replace(/^\s*\n/, '') : message;
  return headerChange(firstLine(trimmed).trimEnd(), scanBody ? breakingNotes(trimmed) : []);
}

/** The change a header line describes (most commits: their header is all that matters). */
function headerChange(headerLine: string, notes: string[] = []): ConventionalChange | null {
  const match = headerPattern.exec(headerLine);
  if (!match) return null;
  const [, rawType = '', bangBefore, scope, bangAfter, subject = ''] = match;
  if (!subject.trim()) return null;
  const bang = bangBefore === '!' || bangAfter === '!';
  return {
    type: rawType.toLowerCase(),
    scope: scope || null,
    subject,
    header: headerLine,
    breaking: bang || notes.length > 0,
    notes: notes.length === 0 && bang ? [subject] : notes,
  };
}

/**
 * Breaking-change notes as conventional-commits-parser finds them: a keyword line anywhere after
 * the header, continued up to the next note or a `-field-` line (GitHub's `---------`), then cut
 * where trailers begin (`Refs: #12`, `Co-authored-by: …`).
 */
function breakingNotes(message: string): string[] {
  const lines = message.split('\n');
  const notes: string[][] = [];
  let current: string[] | null = null;
  for (let i = 1; i < lines.length; i++) {
    const line = (lines[i] ?? '').replace(/\r$/, '');
    const note = noteLine.exec(line);
    if (note) {
      current = [note[1] ?? ''];
      notes.push(current);
    } else if (current && fieldLine.test(line)) current = null;
    else current?.push(line);
  }
  return notes.map(cleanNote);
}

/** A note ends where the trailers after it begin. */
function cleanNote(lines: string[]): string {
  const end = lines.findIndex((line, i) => i > 0 && trailer.test(line));
  return (end < 0 ? lines : lines.slice(0, end)).join('\n').trim();
}

/** `Release-As:` footers, each `X.Y.Z` or `<component>@X.Y.Z` (a leading `v` is dropped). */
function readReleaseAs(text: string): ReleaseAs[] {
  const found: ReleaseAs[] = [];
  for (const line of text.split('\n')) {
    const match = releaseAsLine.exec(line.replace(/\r$/, ''));
    if (!match) continue;
    const value = match[1] ?? '';
    const at = value.lastIndexOf('@');
    const component = at > 0 ? value.slice(0, at) : null;
    found.push({ component, version: (at > 0 ? value.slice(at + 1) : value).replace(/^v(?=\d)/, '') });
  }
  return found;
}

/**
 * The messages of a `BEGIN_COMMIT_OVERRIDE` block, written by a maintainer to say what a commit
 * contains: each line that is a Conventional Commit header (unbulleted) starts one.
 */
function splitOverride(text: string, isKnownHeader: (line: string) => boolean): string[] {
  const messages: string[][] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    if (isKnownHeader(line)) messages.push([line]);
    else messages[messages.length - 1]?.push(line);
  }
  return messages.map((m) => m.join('\n').trim());
}

/**
 * release-please's documented forms of several changes in one message: each
 * `BEGIN_NESTED_COMMIT` … `END_NESTED_COMMIT` block is a message (the text around the blocks
 * stays the commit's own), and the commit's own text is split where a blank line is followed by
 * an unbulleted header of a known type. The commit's own first message comes first.
 */
function splitNested(message: string, paragraphHeader: RegExp): string[] {
  const parts = message.split(nestedBegin);
  let own = parts[0] ?? '';
  const blocks: string[] = [];
  for (const part of parts.slice(1)) {
    const end = part.indexOf(nestedEnd);
    blocks.push(end < 0 ? part : part.slice(0, end));
    if (end >= 0) own += part.slice(end + nestedEnd.length);
  }
  const paragraphs = own.split(paragraphHeader);
  return [...paragraphs, ...blocks].map((m) => m.trim());
}

function firstLine(message: string): string {
  const newline = message.indexOf('\n');
  return newline < 0 ? message : message.slice(0, newline);
}
