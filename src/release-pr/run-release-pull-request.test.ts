import type { PlannedComponent, ReleasePlan } from '../release-plan/release-plan.js';
import { planForGroup } from './run-release-pull-request.js';

const released = (name: string): PlannedComponent => ({
  name,
  type: 'npm-package',
  paths: [name],
  versionFile: `${name}/package.json`,
  scheme: 'semver',
  tagFormat: '{name}@{version}',
  currentVersion: '1.0.0',
  lastTag: `${name}@1.0.0`,
  release: true,
  bump: 'minor',
  nextVersion: '1.1.0',
  nextTag: `${name}@1.1.0`,
  commitCount: 1,
  reasons: [],
});
const plan: ReleasePlan = {
  schemaVersion: 1,
  kind: 'ReleasePlan',
  head: 'a'.repeat(40),
  branch: 'main',
  channel: null,
  components: [released('api'), released('cli'), released('sdk')],
  ignoredCommits: [],
};
const releasing = (p: ReleasePlan) => p.components.filter((c) => c.release).map((c) => c.name);

describe('a release pull request per component group', () => {
  const grouped = new Set(['cli', 'sdk']);
  it.each([
    ['the group releases its members only', new Set(['cli', 'sdk']), ['cli', 'sdk']],
    ['the default pull request releases the components in no group', null, ['api']],
  ])('%s', (_, members, expected) => {
    const narrowed = planForGroup(plan, members, grouped);
    expect(releasing(narrowed)).toEqual(expected);
    for (const c of narrowed.components.filter((c) => !c.release))
      expect(c).toMatchObject({ bump: 'none', nextVersion: null, nextTag: null });
  });
});
