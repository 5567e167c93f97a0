import type { GitCommit } from '../git/git-log.js';
import { createCommitParser, type HistoryCommit } from './conventional-commit.js';

const parse = createCommitParser({ types: ['build'] });
const parseNested = createCommitParser({ types: ['build'], nested: 'release-please' });
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
    ['fix!(api): bang before the scope', 'fix', 'api', true],
    ['feat!(api)!: bang twice', 'feat', 'api', true],
    ['fix: x\n\nbreaking change: lower case, as conventional-commits-parser reads it', 'fix', null, true],
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

  // A GitHub squash merge lists the branch's commits, often work that was reverted before the
  // merge: semantic-release, conventional-recommended-bump and Nx count only the header and footers.
  const squashBody = [
    'feat(api): pagination (#42)',
    '',
    '* feat(api): pagination',
    '',
    '* feat: try a new option',
    '',
    '* Revert "feat: try a new option"',
    '',
    'This reverts commit 1234567890abcdef1234567890abcdef12345678.',
    '',
    '* fix(core): off-by-one in cursor',
    '',
    '---------',
    '',
    'Co-authored-by: Someone <s@example.com>',
  ].join('\n');

  it('reads a squash merge as its title: the bulleted list of branch commits is not changes of its own', () => {
    const changes = changesOf(parse(aCommit(squashBody)));
    expect(changes.map((c) => [c.type, c.scope, c.breaking])).toEqual([['feat', 'api', false]]);
  });

  it('keeps a BREAKING CHANGE footer of a squash merge, as semantic-release does', () => {
    const message =
      'chore: squash (#3)\n\n* fix: one\n\n* feat!: two\n\nBREAKING CHANGE: Client is now ApiClient';
    const [change, ...more] = changesOf(parse(aCommit(message)));
    expect(more).toEqual([]);
    expect(change).toMatchObject({ type: 'chore', breaking: true, notes: ['Client is now ApiClient'] });
  });

  it('does not count conventional lines in release notes a dependency update quotes', () => {
    const message = [
      'chore(deps): update dependency left-pad to v2 (#77)',
      '',
      'This PR contains the following updates:',
      '',
      '| Package | Change |',
      '|---|---|',
      '| left-pad | `1.3.0` -> `2.0.0` |',
      '',
      '### Release Notes',
      '',
      '<details>',
      '<summary>left-pad/left-pad (left-pad)</summary>',
      '',
      '> feat: make padding idempotent',
      '> fix!: drop node 14',
      '',
      'feat(core): pad with emoji',
      '* feat: right-pad too',
      '</details>',
    ].join('\n');
    expect(changesOf(parse(aCommit(message)))).toEqual([
      expect.objectContaining({ type: 'chore', scope: 'deps', breaking: false }),
    ]);
  });

  it('does not read prose in a body as commits', () => {
    const changes = changesOf(parse(aCommit('fix: x\n\nWe considered: another approach\nnote: see docs')));
    expect(changes).toHaveLength(1);
  });

  describe('BEGIN_COMMIT_OVERRIDE', () => {
    it('replaces the message with the changes the block lists', () => {
      const message = [
        'Big refactor (#9)',
        '',
        '* feat: wip',
        '',
        'BEGIN_COMMIT_OVERRIDE',
        'feat(api): add pagination',
        'fix(core): off-by-one',
        '',
        'The cursor skipped one.',
        'END_COMMIT_OVERRIDE',
      ].join('\n');
      const changes = changesOf(parse(aCommit(message)));
      expect(changes.map((c) => [c.header, c.origin])).toEqual([
        ['feat(api): add pagination', 'override'],
        ['fix(core): off-by-one', 'override'],
      ]);
    });

    it('lists a commit whose override holds no Conventional Commit as ignored', () => {
      const message = 'feat: x\n\nBEGIN_COMMIT_OVERRIDE\njust words\nEND_COMMIT_OVERRIDE';
      expect(parse(aCommit(message))).toMatchObject({
        kind: 'ignored',
        reason: 'BEGIN_COMMIT_OVERRIDE holds no Conventional Commit',
      });
    });
  });

  describe('Release-As', () => {
    it.each([
      ['chore: release 2.0.0\n\nRelease-As: 2.0.0', [{ component: null, version: '2.0.0' }]],
      ['chore: release\n\nrelease-as: v1.0.0', [{ component: null, version: '1.0.0' }]],
      ['chore: release\n\nRelease-As: @acme/api@3.1.0', [{ component: '@acme/api', version: '3.1.0' }]],
      [
        'chore: release\n\nRelease-As: api@3.1.0\nRelease-As: web@1.0.0',
        [
          { component: 'api', version: '3.1.0' },
          { component: 'web', version: '1.0.0' },
        ],
      ],
    ])('reads the footer of %j', (message, releaseAs) => {
      expect(parse(aCommit(message))).toMatchObject({ kind: 'conventional', releaseAs });
    });

    it.each([
      'chore: release\n\n> Release-As: 2.0.0',
      'chore: release\n\n* Release-As: 2.0.0',
      'chore: release\n\nWe set Release-As: 2.0.0 later',
    ])('does not read a quoted or bulleted Release-As (%j)', (message) => {
      expect(parse(aCommit(message))).not.toHaveProperty('releaseAs');
    });
  });

  describe("release-please's nested forms, opt-in", () => {
    it('counts an unbulleted header after a blank line as a change of its own', () => {
      const message = 'feat: a\n\nsome body\n\nfix(core): b\n\nfix body\n\n* feat: bulleted, never';
      expect(changesOf(parse(aCommit(message))).map((c) => c.header)).toEqual(['feat: a']);
      expect(changesOf(parseNested(aCommit(message))).map((c) => [c.header, c.origin])).toEqual([
        ['feat: a', undefined],
        ['fix(core): b', 'nested'],
      ]);
    });

    it('counts each BEGIN_NESTED_COMMIT block, with its own footers', () => {
      const message = [
        'chore: update generated code (#5)',
        '',
        'BEGIN_NESTED_COMMIT',
        'feat(api)!: new shape',
        '',
        'BREAKING CHANGE: Client is now ApiClient',
        'END_NESTED_COMMIT',
        'BEGIN_NESTED_COMMIT',
        'fix(core): off-by-one',
        'END_NESTED_COMMIT',
        '',
        'Co-authored-by: Someone <s@example.com>',
      ].join('\n');
      expect(changesOf(parse(aCommit(message))).map((c) => c.header)).toEqual([
        'chore: update generated code (#5)',
      ]);
      const changes = changesOf(parseNested(aCommit(message)));
      expect(changes.map((c) => [c.header, c.breaking, c.origin])).toEqual([
        ['chore: update generated code (#5)', false, undefined],
        ['feat(api)!: new shape', true, 'nested'],
        ['fix(core): off-by-one', false, 'nested'],
      ]);
      expect(changes[1]?.notes).toEqual(['Client is now ApiClient']);
    });

    it('counts a nested message that repeats the title once', () => {
      const message = 'feat: a (#1)\n\nfeat: a\n\nfix: b';
      expect(changesOf(parseNested(aCommit(message))).map((c) => c.header)).toEqual([
        'feat: a (#1)',
        'fix: b',
      ]);
    });
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
