import createAngularPreset from 'conventional-changelog-angular';
import { CommitParser } from 'conventional-commits-parser';
import { writeChangelogString, type CommitKnownProps } from 'conventional-changelog-writer';
import { insertChangelogSection, renderChangelogSection, type ChangelogCommit } from './render-changelog.js';

const sha = (n: number) => `${String(n).repeat(7)}${'0'.repeat(33)}`;
const base = {
  version: '1.3.0',
  previousTag: 'core@1.2.0',
  currentTag: 'core@1.3.0',
  date: '2026-11-24',
  dependencies: [],
};

describe('a changelog section', () => {
  // The same commits, written by the angular preset from the raw messages.
  const messages = [
    'feat(api): add pagination',
    'fix: handle empty pages',
    'perf(core): cache lookups',
    'feat: new config format\n\nBREAKING CHANGE: the old format is gone',
    'docs: not in the changelog',
  ];
  const ours: ChangelogCommit[] = [
    { sha: sha(1), type: 'feat', scope: 'api', subject: 'add pagination', breaking: false, notes: [] },
    { sha: sha(2), type: 'fix', scope: null, subject: 'handle empty pages', breaking: false, notes: [] },
    { sha: sha(3), type: 'perf', scope: 'core', subject: 'cache lookups', breaking: false, notes: [] },
    {
      sha: sha(4),
      type: 'feat',
      scope: null,
      subject: 'new config format',
      breaking: true,
      notes: ['the old format is gone'],
    },
    { sha: sha(5), type: 'docs', scope: null, subject: 'not in the changelog', breaking: false, notes: [] },
  ];

  async function angularPreset(repositoryUrl: string | null): Promise<string> {
    const preset = createAngularPreset();
    const parser = new CommitParser(preset.parser);
    const commits = messages.map((m, i) => ({
      ...parser.parse(m),
      hash: sha(i + 1),
    })) as unknown as CommitKnownProps[];
    const context = repositoryUrl
      ? {
          version: '1.3.0',
          previousTag: 'core@1.2.0',
          currentTag: 'core@1.3.0',
          date: '2026-11-24',
          host: 'https://github.com',
          owner: 'acme',
          repository: 'platform',
          linkCompare: true,
        }
      : {
          version: '1.3.0',
          previousTag: 'core@1.2.0',
          currentTag: 'core@1.3.0',
          date: '2026-11-24',
          linkReferences: false,
          linkCompare: false,
        };
    return `${(await writeChangelogString(commits, context, preset.writer)).trimEnd()}\n`;
  }

  it.each([['https://github.com/acme/platform'], [null]])(
    'matches the angular preset for the same commits (repository %s)',
    async (url) => {
      const section = await renderChangelogSection({ ...base, repositoryUrl: url, commits: ours });
      expect(section).toBe(await angularPreset(url));
      if (url) {
        expect(section).toContain('(https://github.com/acme/platform/compare/core@1.2.0...core@1.3.0)');
        expect(section).toContain('(https://github.com/acme/platform/commits/1111111');
      } else expect(section).not.toContain('](');
      expect(section).toMatch(/### Features[\s\S]*### Bug Fixes|### Bug Fixes[\s\S]*### Features/);
      expect(section).not.toContain('not in the changelog');
    },
  );

  it('lists a `!` commit under its type and under BREAKING CHANGES (where the angular preset drops it)', async () => {
    const section = await renderChangelogSection({
      ...base,
      repositoryUrl: null,
      commits: [
        { sha: sha(6), type: 'feat', scope: 'api', subject: 'drop v1', breaking: true, notes: ['drop v1'] },
      ],
    });
    expect(section).toMatch(/### Features\n\n\* \*\*api:\*\* drop v1/);
    expect(section).toMatch(/### BREAKING CHANGES\n\n\* \*\*api:\*\* drop v1/);
  });

  it('adds the bumps carried from dependencies and escapes commit text', async () => {
    const section = await renderChangelogSection({
      ...base,
      repositoryUrl: null,
      commits: [
        {
          sha: sha(7),
          type: 'fix',
          scope: null,
          subject: 'no <script>alert(1)</script> here',
          breaking: false,
          notes: [],
        },
      ],
      dependencies: [{ dependency: '@acme/core', from: '1.2.0', to: '1.3.0' }],
    });
    expect(section).toContain('no &lt;script&gt;alert(1)&lt;/script&gt; here');
    expect(section).toMatch(/### Dependencies\n\n\* \*\*@acme\/core:\*\* 1\.2\.0 → 1\.3\.0\n$/);
  });
});

describe('inserting a section into CHANGELOG.md', () => {
  const first = '## 1.2.0 (2026-10-01)\n\n* old\n';
  const second = '## 1.3.0 (2026-11-24)\n\n* new\n';
  it('starts a file, puts the newest section on top, and is a no-op on a re-run', () => {
    const created = insertChangelogSection(null, first, '1.2.0');
    expect(created).toBe(`# Changelog\n\n${first}`);
    const updated = insertChangelogSection(created, second, '1.3.0');
    expect(updated).toBe(`# Changelog\n\n${second}\n${first}`);
    expect(insertChangelogSection(updated, second, '1.3.0')).toBe(updated);
  });
});
