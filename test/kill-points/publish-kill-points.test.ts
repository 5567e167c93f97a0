import { startVerdaccio, type RunningVerdaccio } from '../npm-registry/verdaccio-fixture.js';
import { GitRepo } from '../git-repo.js';
import { aMonorepo, tagAll, type FixturePackage } from '../monorepo-fixture.js';
import {
  enumerateBoundariesAsync,
  killAndRerunAsync,
  printMatrix,
  renderMatrix,
  runRelxAsync,
  type AsyncKillScenario,
  type KillPointOutcome,
} from './kill-matrix.js';

/** `relx publish` of two npm packages released at HEAD, killed at each registry write and run again. */

let npm: RunningVerdaccio;
beforeAll(async () => {
  npm = await startVerdaccio();
}, 60_000);
afterAll(async () => {
  await npm?.stop();
});

interface State {
  repo: GitRepo;
  packages: FixturePackage[];
}

let made = 0;
const scenario: AsyncKillScenario<State> = {
  setup() {
    made++;
    // names of their own: every kill point publishes to the same registry
    const core: FixturePackage = { dir: 'core', name: `@acme/core-${made}`, version: '1.3.0' };
    const api: FixturePackage = {
      dir: 'api',
      name: `@acme/api-${made}`,
      version: '0.4.2',
      dependencies: { [core.name]: '^1.3.0' },
    };
    const repo = aMonorepo([core, api]);
    tagAll(repo, [core, api]);
    return { repo, packages: [core, api] };
  },
  cwd: (s) => s.repo.dir,
  args: () => ['publish', '--npm-registry', npm.url, '--repository', 'acme/platform', '--json'],
  env: () => ({ NPM_TOKEN: npm.token }),
  async check({ repo, packages }) {
    const violations: string[] = [];
    // what relx now reports (a run that publishes nothing more), against what the registry holds
    const report = await runRelxAsync(repo.dir, scenario.args({ repo, packages }), {
      NPM_TOKEN: npm.token,
    });
    const items = (JSON.parse(report.stdout || '{"items":[]}') as { items: Array<Record<string, unknown>> })
      .items;
    for (const p of packages) {
      const doc = (await (await fetch(`${npm.url}${p.name.replace('/', '%2f')}`)).json()) as {
        versions?: Record<string, { dist: { integrity: string } }>;
      };
      const versions = Object.keys(doc.versions ?? {});
      if (versions.join() !== p.version) violations.push(`${p.name}: registry has [${versions.join(', ')}]`);
      const item = items.find((i) => i.component === p.name);
      if (!item?.skipped) violations.push(`${p.name}: not reported as already published`);
      if (item?.integrity !== doc.versions?.[p.version ?? '']?.dist.integrity)
        violations.push(`${p.name}: the reported integrity is not the registry's`);
    }
    return violations;
  },
  async snapshot({ packages }) {
    const docs = await Promise.all(
      packages.map(async (p) => {
        const doc = (await (await fetch(`${npm.url}${p.name.replace('/', '%2f')}`)).json()) as {
          versions?: object;
          time?: object;
        };
        return JSON.stringify([Object.keys(doc.versions ?? {}), doc.time]);
      }),
    );
    return docs.join('\n');
  },
};

describe('relx publish, killed at every registry write', () => {
  const outcomes: KillPointOutcome[] = [];
  afterAll(() => printMatrix(renderMatrix('relx publish (npm)', outcomes)));

  it('finishes on a re-run from each point: every version published once, exit codes true', async () => {
    const points = await enumerateBoundariesAsync(scenario);
    expect(points.map((p) => p.replace(/-\d+@/, '-N@'))).toEqual([
      'before:publish:npm:@acme/core-N@1.3.0',
      'after:publish:npm:@acme/core-N@1.3.0',
      'before:publish:npm:@acme/api-N@0.4.2',
      'after:publish:npm:@acme/api-N@0.4.2',
    ]);
    for (const point of points) {
      const generic = point.replace(/-\d+@/, `-${made + 1}@`);
      outcomes.push(await killAndRerunAsync(scenario, generic));
    }
    expect(
      outcomes.filter(
        (o) => !o.killed || o.rerunExit !== 0 || o.thirdExit !== 0 || !o.stable || o.violations.length > 0,
      ),
    ).toEqual([]);
    expect(outcomes).toHaveLength(4);
  }, 300_000);
});
