import type { GitCommit } from '../git/git-log.js';
import { createCommitParser, type HistoryCommit } from './conventional-commit.js';

const parse = createCommitParser(['build']);
const aCommit = (message: string, parents = ['p1']): GitCommit => ({
  sha: 'c0ffee0000000000000000000000000000000000',
  time: 1,
  parents,
  message,
  files: ['packages/a/index.js'],
});
const changesOf = (c: HistoryCommit) => (c.kind === 'conventional' ? c.changes : []);

describe('parsing a commit', () => {
  it.each([
    ['feat: add x', 'feat', null, false],
    ['fix(api): handle y', 'fix', 'api', false],
    ['feat!: drop v1', 'feat', null, true],
    ['feat(api)!: drop v1', 'feat', 'api', true],
    ['perf(core)!: new cache', 'perf', 'core', true],
    ['feat: new API\n\nBREAKING CHANGE: the old one is gone', 'feat', null, true],
    ['fix: new API\n\nsome body\n\nBREAKING-CHANGE: the old one is gone', 'fix', null, true],
    ['Feat: capitalised type', 'feat', null, false],
    ['chore(deps): bump', 'chore', 'deps', false],
  ])('%j → type %s, scope %s, breaking %s', (message, type, scope, breaking) => {
    const commit = parse(aCommit(message));
    expect(commit.kind).toBe('conventional');
    const [change] = changesOf(commit);
    expect(change).toMatchObject({ type, scope, breaking });
  });

  it('keeps footer notes and cuts the trailers after them', () => {
    const [change] = changesOf(
      parse(
        aCommit('feat: x\n\nBREAKING CHANGE: config moved\nto relx.yaml\nRefs: #12\nCo-authored-by: A <a@b>'),
      ),
    );
    expect(change?.notes).toEqual(['config moved\nto relx.yaml']);
  });

  it('uses the subject as the note of a `!` commit without a footer', () => {
    expect(changesOf(parse(aCommit('feat(api)!: drop v1')))[0]?.notes).toEqual(['drop v1']);
  });

  it.each([
    ['Update readme', 'not a Conventional Commit'],
    ['feature add x', 'not a Conventional Commit'],
    ['feat:missing space', 'not a Conventional Commit'],
    ['', 'empty message'],
  ])('lists %j as ignored (%s)', (message, reason) => {
    expect(parse(aCommit(message))).toMatchObject({ kind: 'ignored', reason });
  });

  it('reads a squash merge body as several commits, counting a repeated title once', () => {
    const message = [
      'feat(api): pagination (#42)',
      '',
      '* feat(api): pagination',
      '',
      '* fix(core): off-by-one in cursor',
      '',
      'A longer explanation of the fix.',
      '',
      '* build: pin node',
      '',
      '* refactor!: rename Client',
      '',
      'BREAKING CHANGE: Client is now ApiClient',
      '',
      '---------',
      '',
      'Co-authored-by: Someone <s@example.com>',
    ].join('\n');
    const changes = changesOf(parse(aCommit(message)));
    expect(changes.map((c) => [c.type, c.scope, c.breaking])).toEqual([
      ['feat', 'api', false],
      ['fix', 'core', false],
      ['build', null, false],
      ['refactor', null, true],
    ]);
    expect(changes[3]?.notes).toEqual(['Client is now ApiClient']);
  });

  it('counts a squash title that differs from every squashed message', () => {
    const changes = changesOf(parse(aCommit('feat!: v2 API (#7)\n\n* fix: a\n* docs: b')));
    expect(changes.map((c) => c.header)).toEqual(['feat!: v2 API (#7)', 'fix: a', 'docs: b']);
  });

  it('does not read prose in a body as commits', () => {
    const changes = changesOf(parse(aCommit('fix: x\n\nWe considered: another approach\nnote: see docs')));
    expect(changes).toHaveLength(1);
  });

  it.each([
    ['Revert "feat: add x"\n\nThis reverts commit 1234567890abcdef1234567890abcdef12345678.', 'feat: add x'],
    ['revert: feat: add x\n\nThis reverts commit 1234567890abcdef1234567890abcdef12345678.', 'feat: add x'],
    [
      'Revert "feat: add x" (#9)\n\nThis reverts commit 1234567890abcdef1234567890abcdef12345678.',
      'feat: add x',
    ],
  ])('reads %j as a revert of the commit it names', (message, subject) => {
    expect(parse(aCommit(message))).toMatchObject({
      kind: 'revert',
      revertedShas: ['1234567890abcdef1234567890abcdef12345678'],
      change: { type: 'revert', subject },
    });
  });

  it('marks merge commits, which carry no changes of their own', () => {
    expect(parse(aCommit("Merge branch 'feature'", ['p1', 'p2'])).kind).toBe('merge');
    expect(parse(aCommit('feat: merged with a conventional title', ['p1', 'p2'])).kind).toBe('merge');
  });
});
