import { RelxError } from '../relx-error.js';
import { renderReleaseCommitMessage } from './release-commit.js';
import { decideReleaseSteps, type ReleaseTarget } from './release-steps.js';

const planHead = 'a'.repeat(40);
const releaseCommit = 'b'.repeat(40);
const other = 'c'.repeat(40);
const targets: ReleaseTarget[] = [
  { component: 'core', version: '1.3.0', tag: 'core@1.3.0' },
  { component: 'api', version: '0.4.2', tag: 'api@0.4.2' },
];
const releaseMessage = renderReleaseCommitMessage(
  [
    {
      name: 'core',
      type: 'npm-package',
      paths: ['packages/core'],
      versionFile: 'packages/core/package.json',
      scheme: 'semver',
      tagFormat: '{name}@{version}',
      currentVersion: '1.2.0',
      lastTag: 'core@1.2.0',
      release: true,
      bump: 'minor',
      nextVersion: '1.3.0',
      nextTag: 'core@1.3.0',
      commitCount: 1,
      reasons: [],
    },
  ],
  planHead,
);

describe('deciding what is left to release', () => {
  it('on the plan head: make the commit and every tag', () => {
    const steps = decideReleaseSteps({
      planHead,
      head: { sha: planHead, message: 'feat: x' },
      targets,
      tags: new Map(),
    });
    expect(steps).toEqual({ commit: { kind: 'create' }, tagsToCreate: targets });
  });

  it('after a run that died between two tags: only the missing tag', () => {
    const steps = decideReleaseSteps({
      planHead,
      head: { sha: releaseCommit, message: releaseMessage },
      targets,
      tags: new Map([['core@1.3.0', releaseCommit]]),
    });
    expect(steps).toEqual({
      commit: { kind: 'exists', sha: releaseCommit, head: 'release' },
      tagsToCreate: [targets[1]],
    });
  });

  it('after a complete run: nothing', () => {
    const tags = new Map(targets.map((t) => [t.tag, releaseCommit]));
    const steps = decideReleaseSteps({
      planHead,
      head: { sha: releaseCommit, message: releaseMessage },
      targets,
      tags,
    });
    expect(steps.tagsToCreate).toEqual([]);
  });

  const tagged = (inHead: boolean, message = releaseMessage, parents = [planHead]) =>
    new Map([[releaseCommit, { message, parents, inHead }]]);

  it('back on the plan head (a re-run of the workflow run): the tagged release commit of this plan is carried forward', () => {
    const steps = decideReleaseSteps({
      planHead,
      head: { sha: planHead, message: 'feat: x' },
      targets,
      tags: new Map([['core@1.3.0', releaseCommit]]),
      taggedCommits: tagged(false),
    });
    expect(steps).toEqual({
      commit: { kind: 'exists', sha: releaseCommit, head: 'plan' },
      tagsToCreate: [targets[1]],
    });
  });

  it('on a later commit that contains the release commit: carried forward too', () => {
    const steps = decideReleaseSteps({
      planHead,
      head: { sha: other, message: 'chore(release): manifest 2026.11.1' },
      targets,
      tags: new Map(targets.map((t) => [t.tag, releaseCommit])),
      taggedCommits: tagged(true),
    });
    expect(steps.commit).toEqual({ kind: 'exists', sha: releaseCommit, head: 'later' });
    expect(steps.tagsToCreate).toEqual([]);
  });

  it('a merged release pull request: its release commit in HEAD is tagged, never made again', () => {
    const merge = 'd'.repeat(40);
    const steps = decideReleaseSteps({
      planHead,
      head: { sha: merge, message: 'Merge pull request #1 from acme/relx/release' },
      targets,
      tags: new Map(),
      releaseCommit: { sha: releaseCommit, inHead: true },
    });
    expect(steps.commit).toEqual({ kind: 'exists', sha: releaseCommit, head: 'later' });
    expect(steps.tagsToCreate).toEqual(targets);
    expect(() =>
      decideReleaseSteps({
        planHead,
        head: { sha: merge, message: 'chore: elsewhere' },
        targets,
        tags: new Map(),
        releaseCommit: { sha: releaseCommit, inHead: false },
      }),
    ).toThrow(/is not in the history of HEAD/);
  });

  it.each([
    ['its trailer names another plan', tagged(false, releaseMessage.replace(planHead, other))],
    ['its parent is not the plan head', tagged(false, releaseMessage, [other])],
  ])('a tagged commit is not this release when %s', (_, taggedCommits) => {
    expect(() =>
      decideReleaseSteps({
        planHead,
        head: { sha: planHead, message: 'feat: x' },
        targets,
        tags: new Map([['core@1.3.0', releaseCommit]]),
        taggedCommits,
      }),
    ).toThrow(/never moved/);
  });

  it.each([
    ['core 1.3.0', /space/],
    ['core@1.3.0.lock', /\.lock/],
    ['core..1.3.0', /"\.\."/],
    ['core@{1.3.0}', /@\{/],
    ['core:1.3.0', /":"/],
    ['v1.3.0/', /empty path component/],
  ])('refuses the tag "%s" before anything is written, naming tagFormat', (tag, reason) => {
    const run = () =>
      decideReleaseSteps({
        planHead,
        head: { sha: planHead, message: 'x' },
        targets: [{ component: 'core', version: '1.3.0', tag }],
        tags: new Map(),
      });
    expect(run).toThrow(reason);
    expect(run).toThrow(expect.objectContaining({ field: 'tagFormat' }) as unknown as Error);
  });

  it.each([
    [
      'a tag on another commit',
      { sha: planHead, message: 'x' },
      new Map([['api@0.4.2', other]]),
      /api@0\.4\.2 \(on ccccccc\).*never moved/,
    ],
    [
      'a tag on the plan head before the release commit',
      { sha: planHead, message: 'x' },
      new Map([['core@1.3.0', planHead]]),
      /core@1\.3\.0/,
    ],
    [
      'a branch that moved',
      { sha: other, message: 'feat: later' },
      new Map<string, string>(),
      /branch moved/,
    ],
  ])('refuses %s', (_, head, tags, message) => {
    expect(() => decideReleaseSteps({ planHead, head, targets, tags })).toThrow(RelxError);
    expect(() => decideReleaseSteps({ planHead, head, targets, tags })).toThrow(message);
  });
});
