import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GitRepo } from '../../test/git-repo.js';
import { applyReleasePlan } from '../release/apply-release-plan.js';
import { planRepositoryRelease } from '../release-plan/plan-repository-release.js';
import { renderPlanSummary, renderPlanTable } from '../release-plan/render-plan.js';

const now = new Date('2026-11-24T12:00:00Z');
const apply = { dryRun: false, push: null, publisher: null, repositoryUrl: null, now } as const;

/** Discovered shapes of real monorepos, planned and applied end to end on a real git repository. */
describe('planning and versioning what discovery finds', () => {
  it('lists a private package without a version as not released, and `version` applies the rest', async () => {
    const repo = GitRepo.create();
    repo.writeJson('package.json', { name: 'root', private: true, workspaces: ['packages/*'] });
    repo.writeJson('packages/core/package.json', { name: 'core', version: '1.0.0' });
    repo.writeJson('packages/playground/package.json', {
      name: 'playground',
      private: true,
      dependencies: { core: '^1.0.0' },
    });
    repo.commit('chore: layout');
    repo.tag('core@1.0.0');
    repo.commit('feat(playground): try core', ['packages/playground/demo.js']);
    repo.commit('feat(core): retries', ['packages/core/retry.js']);

    const { plan } = await planRepositoryRelease(repo.dir, { now });
    expect(plan.components.map((c) => [c.name, c.release, c.nextVersion, c.notReleased ?? null])).toEqual([
      ['core', true, '1.1.0', null],
      ['playground', false, null, 'private, no version in its package.json'],
    ]);
    const table = renderPlanTable(plan);
    expect(table).toContain('1 to release, 0 unchanged.');
    expect(table).toContain('1 not released (private, no version in its package.json): playground.');
    expect(renderPlanSummary(plan)).toMatch(
      /\|\n\n1 not released \(private, no version in its package\.json\): playground\.\n/,
    );

    const result = await applyReleasePlan(repo.dir, plan, apply);
    expect(result.components.map((c) => c.tag)).toEqual(['core@1.1.0']);
    // the playground's range follows core; it gets no version of its own
    expect(JSON.parse(readFileSync(join(repo.dir, 'packages/playground/package.json'), 'utf8'))).toEqual({
      name: 'playground',
      private: true,
      dependencies: { core: '^1.1.0' },
    });
  });

  it('versions a package.json that starts with a UTF-8 byte order mark, keeping the mark', async () => {
    const repo = GitRepo.create();
    repo.write('package.json', `\uFEFF${JSON.stringify({ name: 'solo', version: '1.0.0' }, null, 2)}\n`);
    repo.commit('chore: init');
    repo.tag('solo@1.0.0');
    repo.commit('fix: a bug', ['index.js']);
    const { plan } = await planRepositoryRelease(repo.dir, { now });
    await applyReleasePlan(repo.dir, plan, apply);
    expect(readFileSync(join(repo.dir, 'package.json'), 'utf8')).toBe(
      `\uFEFF${JSON.stringify({ name: 'solo', version: '1.0.1' }, null, 2)}\n`,
    );
  });

  it.each([
    ['lerna.json fixed mode', { 'lerna.json': { packages: ['packages/*'], version: '2.0.0' } }, 'lerna.json'],
    ['nx.json release, fixed', { 'nx.json': { release: { projects: ['packages/*'] } } }, 'nx.json'],
  ])('%s releases every package together', async (_, files, group) => {
    const repo = GitRepo.create();
    repo.writeJson('package.json', { name: 'root', private: true, workspaces: ['packages/*'] });
    for (const [path, value] of Object.entries(files)) repo.writeJson(path, value);
    repo.writeJson('packages/a/package.json', { name: 'a', version: '2.0.0' });
    repo.writeJson('packages/b/package.json', { name: 'b', version: '2.0.0' });
    repo.commit('chore: layout');
    repo.tag('a@2.0.0');
    repo.tag('b@2.0.0');
    repo.commit('feat(a): new option', ['packages/a/option.js']);
    const { plan } = await planRepositoryRelease(repo.dir, { now });
    expect(plan.components.map((c) => [c.name, c.nextVersion, c.reasons.map((r) => r.kind)])).toEqual([
      ['a', '2.1.0', ['commit']],
      ['b', '2.1.0', ['lockstep']],
    ]);
    expect(renderPlanTable(plan)).toContain(`lockstep group ${group}`);
  });

  it('lerna.json independent mode releases only what changed', async () => {
    const repo = GitRepo.create();
    repo.writeJson('lerna.json', { packages: ['modules/*'], version: 'independent' });
    repo.writeJson('modules/a/package.json', { name: 'a', version: '1.0.0' });
    repo.writeJson('modules/b/package.json', { name: 'b', version: '3.0.0' });
    repo.commit('chore: layout');
    repo.tag('a@1.0.0');
    repo.tag('b@3.0.0');
    repo.commit('fix(b): bug', ['modules/b/x.js']);
    const { plan } = await planRepositoryRelease(repo.dir, { now });
    expect(plan.components.map((c) => [c.name, c.nextVersion])).toEqual([
      ['a', null],
      ['b', '3.0.1'],
    ]);
  });
});
