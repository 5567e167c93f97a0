import { planRelease, type PlanReleaseInput } from './plan-release.js';
import {
  aCommit,
  aComponent,
  aDependency,
  aPlanInput,
  attributed,
  releasedAt,
  shaOf,
} from './plan-builders.js';

/** The pure planner from stated history: no git, no files. */

const core = aComponent('core');
const app = aComponent('app', { dependsOn: [aDependency('core')] });
const cli = aComponent('cli', { dependsOn: [aDependency('app')] });
const tool = aComponent('tool', { dependsOn: [aDependency('core', 'devDependencies')] });
const young = aComponent('young', { version: '0.3.1' });

/** Each component's next version, null when it does not release. */
const nextVersions = (input: PlanReleaseInput) =>
  Object.fromEntries(planRelease(input).components.map((c) => [c.name, c.nextVersion]));

describe('planRelease', () => {
  it.each<{ case: string; input: PlanReleaseInput; next: Record<string, string | null> }>([
    // bump by type
    {
      case: 'feat is a minor',
      input: aPlanInput({ components: [core], commits: { core: [aCommit('feat: add retries')] } }),
      next: { core: '1.1.0' },
    },
    {
      case: 'fix is a patch',
      input: aPlanInput({ components: [core], commits: { core: [aCommit('fix: close the socket')] } }),
      next: { core: '1.0.1' },
    },
    {
      case: 'perf is a patch',
      input: aPlanInput({ components: [core], commits: { core: [aCommit('perf(cache): fewer reads')] } }),
      next: { core: '1.0.1' },
    },
    {
      case: 'docs and chore release nothing',
      input: aPlanInput({
        components: [core],
        commits: { core: [aCommit('docs: spelling'), aCommit('chore: bump tooling')] },
      }),
      next: { core: null },
    },
    {
      case: 'the highest bump of several commits wins',
      input: aPlanInput({
        components: [core],
        commits: { core: [aCommit('fix: one'), aCommit('feat: two'), aCommit('fix: three')] },
      }),
      next: { core: '1.1.0' },
    },
    {
      case: 'a configured rule comes before the defaults',
      input: aPlanInput({
        components: [core],
        commits: { core: [aCommit('docs(api): new endpoint documented')] },
        rules: { rules: [{ type: 'docs', scope: 'api', bump: 'patch' }] },
      }),
      next: { core: '1.0.1' },
    },
    // breaking
    {
      case: 'a ! makes it breaking: a major',
      input: aPlanInput({ components: [core], commits: { core: [aCommit('feat!: drop node 18')] } }),
      next: { core: '2.0.0' },
    },
    {
      case: 'a BREAKING CHANGE footer on a fix: a major',
      input: aPlanInput({
        components: [core],
        commits: { core: [aCommit('fix: stricter parsing', { breaking: 'rejects trailing commas' })] },
      }),
      next: { core: '2.0.0' },
    },
    {
      case: 'breaking below 1.0.0 is a major by default',
      input: aPlanInput({ components: [young], commits: { young: [aCommit('feat!: new API')] } }),
      next: { young: '1.0.0' },
    },
    {
      case: 'breaking below 1.0.0 is a minor with preMajorBreaking: minor',
      input: aPlanInput({
        components: [young],
        commits: { young: [aCommit('feat!: new API')] },
        rules: { preMajorBreaking: 'minor' },
      }),
      next: { young: '0.4.0' },
    },
    // propagation through dependents
    {
      case: 'a dependent gets a patch',
      input: aPlanInput({ components: [core, app], commits: { core: [aCommit('feat: add retries')] } }),
      next: { core: '1.1.0', app: '1.0.1' },
    },
    {
      case: 'and its dependents too, transitively',
      input: aPlanInput({ components: [core, app, cli], commits: { core: [aCommit('fix: leak')] } }),
      next: { core: '1.0.1', app: '1.0.1', cli: '1.0.1' },
    },
    {
      case: 'propagation "same" carries the bump itself',
      input: aPlanInput({
        components: [core, app],
        commits: { core: [aCommit('feat: add retries')] },
        rules: { propagation: { bump: 'same', through: ['dependencies'] } },
      }),
      next: { core: '1.1.0', app: '1.1.0' },
    },
    {
      case: 'propagation "none" carries nothing',
      input: aPlanInput({
        components: [core, app],
        commits: { core: [aCommit('feat: add retries')] },
        rules: { propagation: { bump: 'none', through: ['dependencies'] } },
      }),
      next: { core: '1.1.0', app: null },
    },
    {
      case: 'a devDependency does not carry a bump by default',
      input: aPlanInput({ components: [core, tool], commits: { core: [aCommit('feat: add retries')] } }),
      next: { core: '1.1.0', tool: null },
    },
    {
      case: "a dependent's own bump wins when higher",
      input: aPlanInput({
        components: [core, app],
        commits: { core: [aCommit('fix: leak')], app: [aCommit('feat: dark mode')] },
      }),
      next: { core: '1.0.1', app: '1.1.0' },
    },
    {
      case: 'a lockstep group shares the highest bump at one version',
      input: aPlanInput({
        components: [core, aComponent('web', { version: '1.2.0' })],
        commits: { core: [aCommit('feat: add retries')] },
        rules: { lockstep: [{ name: 'platform', components: ['core', 'web'] }] },
      }),
      next: { core: '1.3.0', web: '1.3.0' },
    },
    // pre-release
    {
      case: 'on a channel, the first pre-release of the next version',
      input: aPlanInput({
        components: [core],
        commits: { core: [aCommit('feat: add retries')] },
        channel: 'next',
      }),
      next: { core: '1.1.0-next.0' },
    },
    {
      case: 'on a channel, numbered after the pre-releases already tagged',
      input: aPlanInput({
        components: [core],
        commits: { core: [aCommit('fix: two'), attributed(aCommit('feat: one'), false)] },
        releases: { core: releasedAt('core', '1.0.0', ['1.1.0-next.0']) },
        channel: 'next',
      }),
      next: { core: '1.1.0-next.1' },
    },
    {
      case: 'on a channel, commits already shipped in the last pre-release make no new one',
      input: aPlanInput({
        components: [core],
        commits: { core: [attributed(aCommit('feat: one'), false)] },
        releases: { core: releasedAt('core', '1.0.0', ['1.1.0-next.0']) },
        channel: 'next',
      }),
      next: { core: null },
    },
    {
      case: 'a Release-As footer sets the version',
      input: aPlanInput({
        components: [core],
        commits: {
          core: [aCommit('chore: cut 3.0', { releaseAs: [{ version: '3.0.0', component: null }] })],
        },
      }),
      next: { core: '3.0.0' },
    },
  ])('$case', ({ input, next }) => {
    expect(nextVersions(input)).toEqual(next);
  });

  it('says why: the commit, then the dependency that raised a dependent', () => {
    const plan = planRelease(
      aPlanInput({ components: [core, app], commits: { core: [aCommit('feat(net): add retries')] } }),
    );
    const byName = new Map(plan.components.map((c) => [c.name, c]));
    expect(byName.get('core')).toMatchObject({
      bump: 'minor',
      nextTag: 'core@1.1.0',
      lastTag: 'core@1.0.0',
      reasons: [
        {
          kind: 'commit',
          sha: shaOf('feat(net): add retries'),
          type: 'feat',
          scope: 'net',
          subject: 'add retries',
          bump: 'minor',
        },
      ],
    });
    expect(byName.get('app')).toMatchObject({
      bump: 'patch',
      reasons: [{ kind: 'dependency', dependency: 'core', from: '1.0.0', to: '1.1.0' }],
    });
  });

  it('lists commits that are no Conventional Commit once, with every component they touched', () => {
    const stray = aCommit('Update README');
    const plan = planRelease(
      aPlanInput({ components: [core, app], commits: { core: [stray], app: [stray] } }),
    );
    expect(plan.ignoredCommits).toEqual([
      {
        sha: stray.sha,
        header: 'Update README',
        reason: 'not a Conventional Commit',
        components: ['app', 'core'],
      },
    ]);
    expect(plan.components.every((c) => !c.release)).toBe(true);
  });

  it('never plans a version backwards', () => {
    expect(() =>
      planRelease(
        aPlanInput({
          components: [core],
          commits: { core: [aCommit('chore: oops', { releaseAs: [{ version: '0.9.0', component: null }] })] },
        }),
      ),
    ).toThrow(/versions never go backwards/);
  });
});
