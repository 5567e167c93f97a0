import { CommitParser, type Commit } from 'conventional-commits-parser';
import type { GitCommit } from '../git/git-log.js';

/** One Conventional Commits message: a commit holds one, or several when it is a squash merge. */
export interface ConventionalChange {
  type: string;
  scope: string | null;
  subject: string;
  header: string;
  breaking: boolean;
  /** Text of the `BREAKING CHANGE:` / `BREAKING-CHANGE:` footers (the subject when only `!` marks it). */
  notes: string[];
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
  | (CommitBase & { kind: 'conventional'; changes: ConventionalChange[] })
  /** `change` is the revert as a change of its own, for when the reverted commit is outside the range. */
  | (CommitBase & { kind: 'revert'; revertedShas: string[]; change: ConventionalChange | null })
  | (CommitBase & { kind: 'merge' })
  | (CommitBase & { kind: 'ignored'; reason: string });

/** The types conventional-changelog-angular documents; a squash body line counts only with one of these (or a configured type). */
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

// Angular's conventions, extended: `!` after the type or scope marks a breaking change, and both
// footer spellings of the spec are breaking. Issue references are not needed for planning and
// cost most of the parser's time, so they are off.
const parserOptions = {
  headerPattern: /^(\w*)(?:\((.*)\))?(!)?: (.*)$/,
  headerCorrespondence: ['type', 'scope', 'breaking', 'subject'],
  noteKeywords: ['BREAKING CHANGE', 'BREAKING-CHANGE'],
  revertPattern: /^(?:Revert|revert:)\s"?([\s\S]+?)"?\s*This reverts commit (\w{7,40})\b/i,
  revertCorrespondence: ['header', 'hash'],
  referenceActions: [],
  issuePrefixes: [],
};

const headerLine = /^(?:[*-]\s+)?(\w+)(?:\([^)\n]*\))?!?: \S/;
const revertedSha = /This reverts commit ([0-9a-f]{7,40})\b/gi;
const trailer = /^[A-Za-z][\w-]*(?: #|: )/;
// GitHub appends the pull request number to a squash merge's title.
const withoutPrNumber = (header: string) => header.replace(/\s+\(#\d+\)$/, '');

export type CommitParse = (commit: GitCommit) => HistoryCommit;

/**
 * Builds the parser for one run. `extraTypes` are the types the configured rules name, so that
 * `build: …` lines in a squash body count when `build` releases something.
 */
export function createCommitParser(extraTypes: Iterable<string> = []): CommitParse {
  const parser = new CommitParser(parserOptions);
  const knownTypes = new Set([...angularTypes, ...extraTypes]);

  const toChange = (message: string): ConventionalChange | null => {
    if (!message.trim()) return null;
    const parsed: Commit = parser.parse(message);
    const type = parsed['type'];
    const subject = parsed['subject'];
    if (!type || !subject) return null;
    const notes = parsed.notes.map((n) => cleanNote(n.text));
    const bang = parsed['breaking'] === '!';
    return {
      type: type.toLowerCase(),
      scope: parsed['scope'] || null,
      subject,
      header: parsed.header ?? '',
      breaking: bang || notes.length > 0,
      notes: notes.length === 0 && bang ? [subject] : notes,
    };
  };

  return (commit) => {
    const header = firstLine(commit.message);
    const base = { sha: commit.sha, time: commit.time, parents: commit.parents, files: commit.files, header };
    if (commit.parents.length > 1) return { ...base, kind: 'merge' };

    const shas = [...commit.message.matchAll(revertedSha)].map((m) => (m[1] ?? '').toLowerCase());
    if (shas.length > 0 && /^(revert\b|revert:)/i.test(header)) {
      const reverted = parser.parse(commit.message).revert?.['header'] ?? header.replace(/^revert:?\s*/i, '');
      const change: ConventionalChange = {
        type: 'revert',
        scope: null,
        subject: withoutPrNumber(reverted).replace(/^"|"$/g, ''),
        header,
        breaking: false,
        notes: [],
      };
      return { ...base, kind: 'revert', revertedShas: shas, change };
    }

    const changes = squashedMessages(commit.message, knownTypes)
      .map(toChange)
      .filter((c): c is ConventionalChange => c !== null);
    // In a squash merge the body belongs to the squashed messages; the title stands alone.
    const own = toChange(changes.length > 0 ? header : commit.message);
    if (own) {
      // The squash title usually repeats one of the squashed messages: count it once.
      const title = withoutPrNumber(own.header);
      if (!changes.some((c) => withoutPrNumber(c.header) === title)) changes.unshift(own);
    }
    if (changes.length === 0) {
      return {
        ...base,
        kind: 'ignored',
        reason: header.trim() ? 'not a Conventional Commit' : 'empty message',
      };
    }
    return { ...base, kind: 'conventional', changes };
  };
}

/** Conventional messages inside a body (GitHub's squash merge lists them as `* feat: …`), each with its own lines. */
function squashedMessages(message: string, knownTypes: ReadonlySet<string>): string[] {
  const lines = message.split('\n').slice(1);
  const messages: string[][] = [];
  for (const line of lines) {
    const match = headerLine.exec(line);
    if (match && knownTypes.has((match[1] ?? '').toLowerCase())) {
      messages.push([line.replace(/^[*-]\s+/, '')]);
    } else if (messages.length > 0 && !/^-{3,}\s*$/.test(line)) {
      messages[messages.length - 1]?.push(line.replace(/^ {2}/, ''));
    }
  }
  return messages.map((m) => m.join('\n').trim());
}

/** A note ends where the trailers after it begin (`Refs: #12`, `Co-authored-by: …`). */
function cleanNote(text: string): string {
  const lines = text.split('\n');
  const end = lines.findIndex((line, i) => i > 0 && trailer.test(line));
  return (end < 0 ? lines : lines.slice(0, end)).join('\n').trim();
}

function firstLine(message: string): string {
  const newline = message.indexOf('\n');
  return (newline < 0 ? message : message.slice(0, newline)).trim();
}
