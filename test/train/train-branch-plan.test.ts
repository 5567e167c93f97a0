import { aMonorepo } from '../monorepo-fixture.js';
import { RelxError } from '../../src/relx-error.js';
import { applyReleasePlan } from '../../src/release/apply-release-plan.js';
import { planRepositoryRelease } from '../../src/release-plan/plan-repository-release.js';

/** What release.yml plans on a train branch (a push to release/vX.Y), before and after the finish. */

const now = new Date('2026-12-01T12:00:00Z');
const config = 'trains:\n  - name: sdk\n    components: ["@train/sdk"]\n';

describe('a train branch, as release.yml plans it', () => {
  it('holds the train until it is finished, releases fixes after, and refuses a feature', async () => {
    const repo = aMonorepo(
      [
        { dir: 'sdk', name: '@train/sdk', version: '1.3.2' },
        { dir: 'docs', name: '@train/docs', version: '0.1.0' },
      ],
      config,
    );
    repo.tag('@train/sdk@1.3.2').tag('@train/docs@0.1.0');
    repo.commit('feat(sdk): streaming', ['packages/sdk/stream.js']);
    repo.git('checkout', '-q', '-b', 'release/v1.4');
    repo.commit('fix: both', ['packages/sdk/a.js', 'packages/docs/a.js']);

    const before = (await planRepositoryRelease(repo.dir, { now })).plan;
    expect(before.components.map((c) => [c.name, c.release, c.notReleased])).toEqual([
      ['@train/docs', false, "not in release train sdk: release/v1.4 releases only the train's components"],
      [
        '@train/sdk',
        false,
        'release train sdk v1.4 is not finished: `relx train finish --train sdk` releases 1.4.0',
      ],
    ]);

    const finish = (await planRepositoryRelease(repo.dir, { now, train: { name: 'sdk', step: 'finish' } }))
      .plan;
    const sdk = finish.components.find((c) => c.name === '@train/sdk');
    expect(sdk).toMatchObject({ nextVersion: '1.4.0', train: 'sdk v1.4' });
    expect(sdk?.reasons[0]).toEqual({ kind: 'train', train: 'sdk', version: '1.4.0' });
    await applyReleasePlan(repo.dir, finish, {
      dryRun: false,
      push: null,
      publisher: null,
      repositoryUrl: null,
      now,
    });

    repo.commit('fix(sdk): keep the last chunk', ['packages/sdk/chunk.js']);
    const patch = (await planRepositoryRelease(repo.dir, { now })).plan;
    expect(patch.components.filter((c) => c.release).map((c) => `${c.name}@${c.nextVersion}`)).toEqual([
      '@train/sdk@1.4.1',
    ]);

    repo.commit('feat(sdk): retries', ['packages/sdk/retry.js']);
    const error = await planRepositoryRelease(repo.dir, { now }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RelxError);
    expect((error as RelxError).message).toContain("is outside release/v1.4's range >=1.4.0 <1.5.0");
  });
});
