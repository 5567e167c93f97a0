import createAngularPreset from 'conventional-changelog-angular';
import { writeChangelogString, type CommitKnownProps } from 'conventional-changelog-writer';

export interface ChangelogCommit {
  sha: string;
  type: string;
  scope: string | null;
  subject: string;
  breaking: boolean;
  /** Breaking-change notes (for a `!` commit without a footer, its subject). */
  notes: string[];
}

export interface ChangelogInput {
  version: string;
  previousTag: string | null;
  currentTag: string;
  /** `YYYY-MM-DD`, from the caller's clock. */
  date: string;
  /** `https://github.com/acme/platform`, when known: commit and compare links. */
  repositoryUrl: string | null;
  commits: readonly ChangelogCommit[];
  /** Bumps carried from dependencies. */
  dependencies: ReadonlyArray<{ dependency: string; from: string | null; to: string }>;
  /** The release train the version belongs to, e.g. `sdk v1.4`: said under the heading. */
  train?: string;
}

/** Commit text reaches markdown: neutralise HTML so a message cannot inject markup into a release page. */
const escapeHtml = (text: string) =>
  text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

/**
 * One release's changelog section, written by conventional-changelog-writer with the templates
 * and grouping of conventional-changelog-angular. The one documented difference from the angular
 * preset: a `type!:` commit is a breaking change (the preset does not parse `!` headers and
 * drops them); it is listed under its type and under BREAKING CHANGES, with its footer note or,
 * without one, its subject. A "Dependencies" section lists bumps carried from dependencies.
 */
export async function renderChangelogSection(input: ChangelogInput): Promise<string> {
  const preset = createAngularPreset();
  const repository = parseRepositoryUrl(input.repositoryUrl);
  const commits = input.commits.map((c) => ({
    hash: c.sha,
    type: c.type,
    scope: c.scope ? escapeHtml(c.scope) : null,
    subject: escapeHtml(c.subject),
    header: escapeHtml(`${c.type}${c.scope ? `(${c.scope})` : ''}${c.breaking ? '!' : ''}: ${c.subject}`),
    body: null,
    footer: null,
    merge: null,
    revert: null,
    notes: c.notes.map((text) => ({ title: 'BREAKING CHANGE', text: escapeHtml(text) })),
    references: [],
    mentions: [],
  })) as unknown as CommitKnownProps[];
  const context = {
    version: input.version,
    previousTag: input.previousTag ?? undefined,
    currentTag: input.currentTag,
    date: input.date,
    ...(repository
      ? {
          host: repository.host,
          owner: repository.owner,
          repository: repository.name,
          linkCompare: input.previousTag !== null,
        }
      : { linkReferences: false, linkCompare: false }),
  };
  let section = await writeChangelogString(commits, context, preset.writer);
  if (input.dependencies.length > 0) {
    const lines = input.dependencies.map(
      (d) => `* **${escapeHtml(d.dependency)}:** ${d.from ?? 'unreleased'} → ${d.to}`,
    );
    section = `${section.trimEnd()}\n\n### Dependencies\n\n${lines.join('\n')}\n`;
  }
  if (input.train) {
    const [heading = '', ...rest] = section.split('\n');
    section = [heading, '', `Release train: **${escapeHtml(input.train)}**`, ...rest].join('\n');
  }
  return `${section.trimEnd()}\n`;
}

function parseRepositoryUrl(url: string | null): { host: string; owner: string; name: string } | null {
  const match = url ? /^(https?:\/\/[^/]+)\/([^/]+)\/([^/]+?)(?:\.git)?\/?$/.exec(url) : null;
  if (!match) return null;
  return { host: match[1] as string, owner: match[2] as string, name: match[3] as string };
}

const heading = '# Changelog';

/**
 * Puts a release's section at the top of a CHANGELOG.md (under its heading), or starts the
 * file. A section for that version already there means a re-run: the content is returned as is.
 */
export function insertChangelogSection(existing: string | null, section: string, version: string): string {
  const escaped = version.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  if (existing !== null && new RegExp(`^##? \\[?${escaped}\\]?[ (]`, 'm').test(existing)) return existing;
  if (existing === null || existing.trim() === '') return `${heading}\n\n${section}`;
  const body = existing.startsWith(heading) ? existing.slice(heading.length).replace(/^\s*\n/, '') : existing;
  return `${heading}\n\n${section}\n${body}`;
}
