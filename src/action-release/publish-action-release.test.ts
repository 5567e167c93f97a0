import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, posix, resolve } from 'node:path';
import { parse } from 'yaml';
import { jest } from '@jest/globals';
import { GitRepo } from '../../test/git-repo.js';
import { auditWorkflowFile } from '../../test/workflow-audit/audit-workflow.js';
import { runCli } from '../cli/main.js';
import { layoutActionRelease, rewriteActionMetadata } from './action-release-tree.js';
import { publishActionRelease } from './publish-action-release.js';

const nodeAction = (bundle: string) =>
  `name: ${bundle}\ndescription: d\nruns:\n  using: node24\n  main: ../../dist/${bundle}/index.js\n`;
const compositeAction = [
  'name: bar',
  'description: d',
  'runs:',
  '  using: composite',
  '  steps:',
  '    - shell: bash',
  '      run: node "${{ github.action_path }}/../../dist/bar-step/index.js"',
  '',
].join('\n');

function aRelxLikeRepo() {
  const repo = GitRepo.create();
  repo.commit('feat: actions', {
    'actions/foo/action.yml': nodeAction('foo'),
    'actions/foo/main.ts': 'export {};\n',
    'actions/foo/README.md': '# foo\n',
    'actions/bar/action.yml': compositeAction,
    'actions/bar/steps/step/index.ts': 'export {};\n',
    'dist/foo/index.js': 'console.log("foo");\n',
    'dist/bar-step/index.js': 'console.log("bar");\n',
    'src/core.ts': 'export {};\n',
    'README.md': '# relx\n',
    'package.json': '{ "name": "relx", "version": "1.2.3" }\n',
  });
  const remote = GitRepo.create({ bare: true });
  repo.git('remote', 'add', 'origin', remote.dir);
  return { repo, remote };
}

const template = [
  'name: Deploy',
  'on: workflow_dispatch',
  'permissions:',
  '  contents: read',
  'jobs:',
  '  deploy:',
  '    runs-on: ubuntu-latest',
  '    steps:',
  '      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2',
  '        with:',
  '          persist-credentials: false',
  '      - uses: relx-dev/relx/foo@v1',
  "      - uses: 'relx-dev/relx/bar@v1' # the composite one",
  '      - uses: relx-dev/relx/bar/baz@v1',
  '',
].join('\n');
const siblingUser = [
  'name: user',
  'description: d',
  'runs:',
  '  using: composite',
  '  steps:',
  '    - uses: relx-dev/relx/foo@v1',
  '',
].join('\n');

/** A relx-like repository with templates and a composite action that uses a sibling. */
function aRepoWithTemplates() {
  const { repo, remote } = aRelxLikeRepo();
  repo.commit('feat: templates', {
    'workflows-templates/deploy.yml': template,
    'actions/bar/baz/action.yml': nodeAction('foo'),
    'actions/user/action.yml': siblingUser,
  });
  return { repo, remote };
}

const files = (repo: GitRepo, ref: string) => repo.git('ls-tree', '-r', '--name-only', ref).split('\n');
const push = { remote: 'origin' };

describe('releasing the actions as users reference them', () => {
  it('lays each action out at <name>/ beside dist/, tags vX.Y.Z and moves vX, and pushes both', async () => {
    const { repo, remote } = aRelxLikeRepo();
    const result = await publishActionRelease(repo.dir, { version: '1.2.3', push });
    expect(result).toMatchObject({ tag: 'v1.2.3', majorTag: 'v1', created: true });
    expect(files(remote, 'v1.2.3')).toEqual([
      'README.md',
      'bar/action.yml',
      'dist/bar-step/index.js',
      'dist/foo/index.js',
      'foo/README.md',
      'foo/action.yml',
      'package.json',
    ]);
    expect(remote.git('rev-parse', 'v1^{commit}')).toBe(remote.git('rev-parse', 'v1.2.3^{commit}'));
    expect(remote.git('cat-file', '-t', 'v1.2.3')).toBe('tag');
    expect(parse(remote.git('show', 'v1.2.3:foo/action.yml')).runs.main).toBe('../dist/foo/index.js');
    expect(remote.git('show', 'v1.2.3:bar/action.yml')).toContain(
      '"${{ github.action_path }}/../dist/bar-step/index.js"',
    );
    // the release commit records the source it was laid out from
    expect(remote.git('rev-list', '--parents', '-n', '1', 'v1.2.3').split(' ')[1]).toBe(repo.head());
  });

  it('is a no-op when run again, and never moves a released version to another tree', async () => {
    const { repo, remote } = aRelxLikeRepo();
    const first = await publishActionRelease(repo.dir, { version: '1.2.3', push });
    const again = await publishActionRelease(repo.dir, { version: 'v1.2.3', push });
    expect(again).toMatchObject({ created: false, commit: first.commit });
    expect(remote.git('rev-parse', 'v1.2.3^{commit}')).toBe(first.commit);

    repo.commit('fix: foo', { 'dist/foo/index.js': 'console.log("fixed");\n' });
    await expect(publishActionRelease(repo.dir, { version: '1.2.3', push })).rejects.toMatchObject({
      kind: 'conflict',
      message: expect.stringContaining('v1.2.3 already holds another release tree'),
    });
    expect(remote.git('rev-parse', 'v1^{commit}')).toBe(first.commit);
  });

  it('moves vX forward to the next release, never back to a patch of an older line', async () => {
    const { repo, remote } = aRelxLikeRepo();
    const first = await publishActionRelease(repo.dir, { version: '1.2.3', push });
    repo.commit('feat: more', { 'dist/foo/index.js': 'console.log("more");\n' });
    const second = await publishActionRelease(repo.dir, { version: '1.3.0', push });
    expect(remote.git('rev-parse', 'v1^{commit}')).toBe(second.commit);
    // the previous release is a parent: `git log v1` walks the releases
    expect(remote.git('rev-list', '--parents', '-n', '1', 'v1.3.0').split(' ')).toContain(first.commit);

    repo.commit('fix: backport', { 'dist/foo/index.js': 'console.log("backport");\n' });
    const patch = await publishActionRelease(repo.dir, { version: '1.2.4', push });
    expect(patch.created).toBe(true);
    expect(remote.git('rev-parse', 'v1^{commit}')).toBe(second.commit);
  });

  it('refuses a version that is not SemVer, and a commit with no actions', async () => {
    const { repo } = aRelxLikeRepo();
    await expect(publishActionRelease(repo.dir, { version: 'latest' })).rejects.toMatchObject({
      kind: 'input',
      field: '--version',
    });
    const empty = GitRepo.create();
    empty.commit('chore: nothing', { 'README.md': '# x\n' });
    await expect(publishActionRelease(empty.dir, { version: '1.0.0' })).rejects.toMatchObject({
      kind: 'input',
    });
  });
});

describe('pinning relx in what it releases', () => {
  const relxUses = /uses:\s*'?relx-dev\/relx\/[^\s']+/g;

  it('pins every uses: of a released action to the commit holding them, with the version as a comment', async () => {
    const { repo, remote } = aRepoWithTemplates();
    const result = await publishActionRelease(repo.dir, { version: '1.2.3', push });
    const actionsCommit = result.actionsCommit ?? '';
    expect(actionsCommit).toMatch(/^[0-9a-f]{40}$/);
    // two commits: the actions, then the same tree with the uses: pinned to it
    expect(remote.git('rev-parse', 'v1.2.3^{commit}')).toBe(result.commit);
    expect(remote.git('rev-parse', 'v1^{commit}')).toBe(result.commit);
    expect(remote.git('rev-parse', `${result.commit}^`)).toBe(actionsCommit);
    expect(remote.git('rev-list', '--parents', '-n', '1', actionsCommit).split(' ')).toContain(repo.head());
    expect(remote.git('diff', '--name-only', actionsCommit, 'v1.2.3').split('\n')).toEqual([
      'user/action.yml',
      'workflows-templates/deploy.yml',
    ]);
    // the released templates and actions: every relx uses: pinned to that commit
    const released = remote.git('show', 'v1.2.3:workflows-templates/deploy.yml');
    expect(released.match(relxUses)).toEqual([
      `uses: relx-dev/relx/foo@${actionsCommit}`,
      `uses: relx-dev/relx/bar@${actionsCommit}`,
      `uses: relx-dev/relx/bar/baz@${actionsCommit}`,
    ]);
    expect(released).toContain(`relx-dev/relx/foo@${actionsCommit} # v1.2.3\n`);
    expect(remote.git('show', 'v1.2.3:user/action.yml')).toContain(
      `- uses: relx-dev/relx/foo@${actionsCommit} # v1.2.3`,
    );
    expect(result.pinned.map((p) => `${p.file}:${p.line} ${p.from}`)).toEqual([
      'user/action.yml:6 relx-dev/relx/foo@v1',
      'workflows-templates/deploy.yml:12 relx-dev/relx/foo@v1',
      'workflows-templates/deploy.yml:13 relx-dev/relx/bar@v1',
      'workflows-templates/deploy.yml:14 relx-dev/relx/bar/baz@v1',
    ]);
    // what the pins point to resolves: the actions are there, at that commit
    for (const action of ['foo', 'bar', 'bar/baz'])
      expect(remote.git('cat-file', '-t', `${actionsCommit}:${action}/action.yml`)).toBe('blob');
    // and an adopter's audit, for whom relx is a third party, finds nothing to pin
    expect(auditWorkflowFile('deploy.yml', released)).toEqual([]);
    expect(auditWorkflowFile('deploy.yml', template)).toEqual([
      expect.objectContaining({ rule: 'unpinned-action', line: 12 }),
      expect.objectContaining({ rule: 'unpinned-action', line: 13 }),
      expect.objectContaining({ rule: 'unpinned-action', line: 14 }),
    ]);
  });

  it('finds the same two commits when run again, and refuses a tag on another tree', async () => {
    const { repo } = aRepoWithTemplates();
    const first = await publishActionRelease(repo.dir, { version: '1.2.3', push });
    const again = await publishActionRelease(repo.dir, { version: '1.2.3', push });
    expect(again).toMatchObject({ created: false, commit: first.commit, actionsCommit: first.actionsCommit });
    expect(again.pinned).toEqual(first.pinned);
    repo.commit('fix: template', { 'workflows-templates/deploy.yml': `${template}# changed\n` });
    await expect(publishActionRelease(repo.dir, { version: '1.2.3' })).rejects.toMatchObject({
      kind: 'conflict',
    });
  });

  it('stops at a uses: under another owner, of an action it does not release, or nested two deep', async () => {
    for (const [line, message] of [
      [
        '      - uses: org/relx/foo@v1',
        /uses org\/relx\/foo@v1, but the actions are released as relx-dev\/relx/,
      ],
      ['      - uses: relx-dev/relx/nope@v1', /the release has no nope\/action\.yml/],
    ] as const) {
      const { repo } = aRelxLikeRepo();
      const withoutBaz = template.replace('      - uses: relx-dev/relx/bar/baz@v1\n', '');
      repo.commit('feat: template', { 'workflows-templates/x.yml': `${withoutBaz}${line}\n` });
      await expect(publishActionRelease(repo.dir, { version: '1.0.0' })).rejects.toMatchObject({
        kind: 'input',
        field: 'uses',
        message: expect.stringMatching(message),
      });
      expect(repo.git('tag', '--list')).toBe('');
    }
    const { repo } = aRepoWithTemplates();
    repo.commit('feat: nested', {
      'actions/outer/action.yml': siblingUser.replace('relx-dev/relx/foo@v1', 'relx-dev/relx/user@v1'),
    });
    await expect(publishActionRelease(repo.dir, { version: '1.0.0' })).rejects.toMatchObject({
      message: expect.stringMatching(/outer\/action\.yml:6 uses user, which itself uses another action/),
    });
  });

  it('says in its output where each uses: is pinned', async () => {
    const { repo } = aRepoWithTemplates();
    let out = '';
    const spy = jest
      .spyOn(process.stdout, 'write')
      .mockImplementation((chunk) => ((out += String(chunk)), true));
    const quiet = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(await runCli(['action-release', '--version', '2.0.0', '--cwd', repo.dir])).toBe(0);
    } finally {
      spy.mockRestore();
      quiet.mockRestore();
    }
    const actionsCommit = repo.git('rev-parse', 'v2.0.0^');
    expect(out).toContain(`pinned to the actions at ${actionsCommit}:\n`);
    expect(out).toContain(
      `  workflows-templates/deploy.yml:12  relx-dev/relx/foo@${actionsCommit} # v2.0.0\n`,
    );
    expect(out.match(/@[0-9a-f]{40} # v2\.0\.0/g)).toHaveLength(4);
  });
});

describe("this repository's release tree", () => {
  it('gives every action a path to a bundle that exists in the release', () => {
    const root = resolve(import.meta.dirname, '..', '..');
    const tracked = execFileSync('git', ['ls-files', '-s'], { cwd: root, encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const [meta = '', path = ''] = line.split('\t');
        const [mode = '', sha = ''] = meta.split(' ');
        return { mode, sha, path };
      });
    const laidOut = layoutActionRelease(tracked);
    const paths = new Set(laidOut.map((e) => e.path));
    const missing: string[] = [];
    for (const entry of laidOut.filter((e) => e.rewrite)) {
      const original = join(root, 'actions', entry.path);
      const text = rewriteActionMetadata(readFileSync(original, 'utf8'));
      const dir = posix.dirname(entry.path);
      const referenced = [
        ...text.matchAll(/(?:main|pre|post):\s*(\S+\.js)/g),
        ...text.matchAll(/github\.action_path \}\}\/([^"'\s]+\.js)/g),
      ].map((m) => posix.normalize(posix.join(dir, m[1] ?? '')));
      for (const path of referenced) if (!paths.has(path)) missing.push(`${entry.path} → ${path}`);
    }
    expect(missing).toEqual([]);
    expect([...paths].filter((p) => /^[^/]+\/action\.yml$/.test(p)).length).toBeGreaterThanOrEqual(3);
  });

  it('relx action-release --version is the release version, not relx --version', async () => {
    const { repo, remote } = aRelxLikeRepo();
    let out = '';
    const spy = jest
      .spyOn(process.stdout, 'write')
      .mockImplementation((chunk) => ((out += String(chunk)), true));
    const quiet = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(await runCli(['action-release', '--version', '1.4.0', '--push', '--cwd', repo.dir])).toBe(0);
    } finally {
      spy.mockRestore();
      quiet.mockRestore();
    }
    expect(out).toMatch(/^v1\.4\.0 \(v1\) released at [0-9a-f]{40}\n$/);
    expect(remote.git('rev-parse', 'v1^{commit}')).toBe(remote.git('rev-parse', 'v1.4.0^{commit}'));
  });
});
