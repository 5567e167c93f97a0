import { aMonorepo, tagAll, type FixturePackage } from '../../test/monorepo-fixture.js';
import { topologicalOrder } from '../workspace/component-graph.js';
import { loadWorkspace } from '../workspace/load-workspace.js';
import { planRepositoryRelease } from './plan-repository-release.js';

/**
 * vitest's shape: its packages depend on each other in a ring through dependencies and optional
 * peers. npm, changesets and lerna take that; relx plans it with a warning and one publish order.
 */

const now = new Date('2026-12-02T12:00:00Z');
const ring: FixturePackage[] = [
  { dir: 'browser', name: '@vitest/browser', version: '4.1.5', dependencies: { '@vitest/ui': '4.1.5' } },
  { dir: 'ui', name: '@vitest/ui', version: '4.1.5', peerDependencies: { vitest: '4.1.5' } },
  {
    dir: 'vitest',
    name: 'vitest',
    version: '4.1.5',
    peerDependencies: { '@vitest/browser-playwright': '4.1.5' },
  },
  {
    dir: 'browser-playwright',
    name: '@vitest/browser-playwright',
    version: '4.1.5',
    dependencies: { '@vitest/browser': '4.1.5' },
  },
  { dir: 'utils', name: '@vitest/utils', version: '4.1.5' },
];

describe('a dependency cycle', () => {
  it('is planned, not refused: a fix in one raises the ring, the plan warns and publishing has one order', async () => {
    const repo = aMonorepo(ring);
    tagAll(repo, ring);
    repo.commit('fix(ui): keep the trace view selection', ['packages/ui/view.js']);
    const { plan } = await planRepositoryRelease(repo.dir, { now });
    const released = Object.fromEntries(
      plan.components.filter((c) => c.release).map((c) => [c.name, `${c.currentVersion} → ${c.nextVersion}`]),
    );
    expect(released).toEqual({
      '@vitest/browser': '4.1.5 → 4.1.6',
      '@vitest/browser-playwright': '4.1.5 → 4.1.6',
      '@vitest/ui': '4.1.5 → 4.1.6',
      vitest: '4.1.5 → 4.1.6',
    });
    expect(plan.warnings).toContain(
      'Dependency cycle: @vitest/browser → @vitest/ui → vitest → @vitest/browser-playwright → @vitest/browser. A release of any of them raises the others, and they publish in the order @vitest/browser, @vitest/browser-playwright, @vitest/ui, vitest. To break it, drop the kind of edge from propagation.through (e.g. peerDependencies) or make one a devDependency.',
    );
    const { components, config } = await loadWorkspace(repo.dir);
    const order = topologicalOrder(components, config.propagation.through);
    expect([...order].sort()).toEqual(ring.map((p) => p.name).sort());
  });
});
