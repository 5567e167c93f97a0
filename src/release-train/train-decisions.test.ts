import type { PlannedComponent, ReleasePlan } from '../release-plan/release-plan.js';
import { relxConfigSchema } from '../workspace/relx-config.js';
import { decideCut, findTrain, isTrainFinished, trainBranches } from './train-decisions.js';

const config = relxConfigSchema.parse({ trains: [{ name: 'sdk', components: ['@acme/sdk', '@acme/cli'] }] });
const train = findTrain(config, 'sdk');
const planned = (name: string, currentVersion: string, bump: PlannedComponent['bump']): PlannedComponent => ({
  name,
  type: 'npm-package',
  paths: [],
  versionFile: null,
  scheme: 'semver',
  tagFormat: '{name}@{version}',
  currentVersion,
  lastTag: null,
  release: bump !== 'none',
  bump,
  nextVersion: null,
  nextTag: null,
  commitCount: 0,
  reasons: [],
});
const plan = (...components: PlannedComponent[]): ReleasePlan => ({
  schemaVersion: 1 as ReleasePlan['schemaVersion'],
  kind: 'ReleasePlan',
  head: 'a'.repeat(40),
  branch: 'main',
  channel: null,
  components,
  ignoredCommits: [],
});

describe('release train decisions', () => {
  it('cuts the next minor of the highest version, counting tags of earlier trains', () => {
    const p = plan(planned('@acme/sdk', '1.3.2', 'patch'), planned('@acme/cli', '1.2.0', 'none'));
    expect(decideCut(train, p, [])).toEqual({ kind: 'cut', branch: 'release/v1.4', version: '1.4' });
    const tagged = new Map([['@acme/sdk', ['1.3.2', '1.4.0', '1.4.1']]]);
    expect(decideCut(train, p, [], tagged)).toEqual({ kind: 'cut', branch: 'release/v1.5', version: '1.5' });
  });

  it('cuts the next major after a breaking change, and nothing when nothing would release or it is cut', () => {
    expect(
      decideCut(
        train,
        plan(planned('@acme/sdk', '1.3.2', 'major'), planned('@acme/cli', '1.3.2', 'none')),
        [],
      ),
    ).toMatchObject({
      branch: 'release/v2.0',
    });
    expect(
      decideCut(
        train,
        plan(planned('@acme/sdk', '1.3.2', 'none'), planned('@acme/cli', '1.3.2', 'none')),
        [],
      ),
    ).toMatchObject({
      kind: 'nothing',
    });
    const existing = trainBranches(train, ['main', 'release/v1.4', 'release/v1.10', 'release/1.x']);
    expect(existing.map((b) => b.branch)).toEqual(['release/v1.10', 'release/v1.4']);
    expect(
      decideCut(
        train,
        plan(planned('@acme/sdk', '1.3.2', 'minor'), planned('@acme/cli', '1.3.2', 'none')),
        existing,
      ),
    ).toEqual({
      kind: 'nothing',
      why: 'release/v1.4 is already cut: `relx train finish --train sdk` releases 1.4.0',
    });
  });

  it('is finished once every component has a release in X.Y', () => {
    const [branch] = trainBranches(train, ['release/v1.4']);
    if (!branch) throw new Error('no branch');
    expect(isTrainFinished(train, branch, new Map([['@acme/sdk', ['1.4.0']]]))).toBe(false);
    expect(
      isTrainFinished(
        train,
        branch,
        new Map([
          ['@acme/sdk', ['1.4.1']],
          ['@acme/cli', ['1.4.0']],
        ]),
      ),
    ).toBe(true);
  });

  it('names the trains there are when asked for another', () => {
    expect(() => findTrain(config, 'cli')).toThrow('No release train "cli" in relx.config.yaml.');
  });
});
