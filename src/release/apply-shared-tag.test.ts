import { GitRepo } from '../../test/git-repo.js';
import { aMonorepo, type FixturePackage } from '../../test/monorepo-fixture.js';
import { planRepositoryRelease } from '../release-plan/plan-repository-release.js';
import { RelxError } from '../relx-error.js';
import { applyReleasePlan, type ReleasePublisher } from './apply-release-plan.js';
import { decideReleaseSteps } from './release-steps.js';

const now = new Date('2026-11-24T12:00:00Z');

describe('applying a plan whose components share v* tags', () => {
  it('makes one tag and one release page for the lockstep group, and pushes the tag once', async () => {
    const pkgs: FixturePackage[] = [
      { dir: 'parser', name: '@acme/parser', version: '8.67.0' },
      { dir: 'utils', name: '@acme/utils', version: '8.67.0' },
    ];
    const repo = aMonorepo(pkgs);
    repo.tag('v8.67.0');
    repo.commit('feat(parser): new syntax', ['packages/parser/src/index.ts']);
    const remote = GitRepo.create({ bare: true });
    repo.git('remote', 'add', 'origin', remote.dir);
    repo.git('push', '-q', 'origin', 'main', '--tags');
    const pages: Array<{ tag: string; name: string; body: string }> = [];
    const publisher: ReleasePublisher = {
      ensureRelease: async (release) => {
        pages.push(release);
        return { url: `https://example.invalid/${release.tag}`, created: true };
      },
    };

    const { plan } = await planRepositoryRelease(repo.dir, { now });
    const result = await applyReleasePlan(repo.dir, plan, {
      dryRun: false,
      push: { remote: 'origin', branch: 'main' },
      publisher,
      repositoryUrl: null,
      now,
    });

    expect(result.components.map((c) => [c.component, c.tag, c.tagCreated])).toEqual([
      ['@acme/parser', 'v8.68.0', true],
      ['@acme/utils', 'v8.68.0', true],
    ]);
    expect(remote.git('tag', '--list')).toBe('v8.67.0\nv8.68.0');
    expect(pages.map((p) => [p.tag, p.name])).toEqual([['v8.68.0', 'v8.68.0']]);
    expect(pages[0]?.body).toMatch(/@acme\/parser[\s\S]*new syntax/);
    expect(repo.git('tag', '-l', '--format=%(contents:subject)', 'v8.68.0')).toBe(
      'v8.68.0: @acme/parser, @acme/utils 8.68.0',
    );
  });

  it('refuses two components at different versions under one tag, before anything is written', () => {
    const decide = () =>
      decideReleaseSteps({
        planHead: 'a'.repeat(40),
        head: { sha: 'a'.repeat(40), message: 'feat: x' },
        targets: [
          { component: '@acme/parser', version: '8.68.0', tag: 'v8.68.0' },
          { component: '@acme/utils', version: '8.67.1', tag: 'v8.68.0' },
        ],
        tags: new Map(),
      });
    expect(decide).toThrow(RelxError);
    expect(decide).toThrow('@acme/parser 8.68.0 and @acme/utils 8.67.1 would both be tagged v8.68.0.');
  });
});
