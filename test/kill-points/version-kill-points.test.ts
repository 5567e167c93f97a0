import { GitRepo } from '../git-repo.js';
import { acmeApi, acmeCore, aMonorepo, tagAll } from '../monorepo-fixture.js';
import {
  enumerateBoundaries,
  finishedOnce,
  killAndRerun,
  type KillPointOutcome,
  type KillScenario,
  printMatrix,
  renderMatrix,
} from './kill-matrix.js';

/**
 * `relx version --push` without a plan (the hardest case: the re-run must find the plan again),
 * killed at each of its write boundaries and run again.
 */

interface State {
  repo: GitRepo;
  remote: GitRepo;
  planHead: string;
  tagsBefore: string[];
}

const planned = [
  { tag: '@acme/core@1.3.0', file: 'packages/core/package.json', version: '1.3.0' },
  { tag: '@acme/api@0.4.2', file: 'packages/api/package.json', version: '0.4.2' },
];

const tagList = (repo: GitRepo) => repo.git('tag', '--list').split('\n').filter(Boolean).sort();

const scenario: KillScenario<State> = {
  setup() {
    const repo = aMonorepo([acmeCore, acmeApi]);
    tagAll(repo, [acmeCore, acmeApi]);
    const planHead = repo.commit('feat(core): add retries', ['packages/core/retry.js']);
    const remote = GitRepo.create({ bare: true });
    repo.git('remote', 'add', 'origin', remote.dir);
    repo.git('push', '-q', 'origin', 'main', '--tags');
    return { repo, remote, planHead, tagsBefore: tagList(remote) };
  },
  cwd: (s) => s.repo.dir,
  args: () => ['version', '--push'],
  check({ repo, remote, planHead, tagsBefore }) {
    const violations: string[] = [];
    const log = remote
      .git('log', '--format=%H %P%n%B%x00', 'main')
      .split('\0')
      .map((entry) => entry.trim())
      .filter(Boolean);
    const releases = log.filter((m) => m.includes(`Relx-Release-Of: ${planHead}`));
    if (releases.length !== 1) violations.push(`${releases.length} release commits`);
    const [release = '', parent = ''] = (releases[0] ?? '').split('\n')[0]?.split(' ') ?? [];
    if (parent !== planHead) violations.push('the release commit is not on the plan head');
    if (remote.git('rev-parse', 'main') !== release) violations.push('main is not the release commit');
    for (const { tag, file, version } of planned) {
      if (!tagList(remote).includes(tag)) {
        violations.push(`${tag} not pushed`);
        continue;
      }
      const at = remote.git('rev-parse', `${tag}^{commit}`);
      if (at !== release) violations.push(`${tag} is not on the release commit`);
      const bumped = JSON.parse(remote.git('show', `${at}:${file}`)) as { version: string };
      if (bumped.version !== version)
        violations.push(`${tag} is on a commit where ${file} is ${bumped.version}`);
    }
    const added = tagList(remote).filter((t) => !tagsBefore.includes(t));
    if (added.length !== planned.length) violations.push(`tags added: ${added.join(', ')}`);
    if (repo.git('status', '--porcelain') !== '') violations.push('the working tree is not clean');
    return violations;
  },
  snapshot: ({ repo, remote }) =>
    `${remote.git('for-each-ref', '--format=%(refname) %(objectname)')}\n${repo.head()}`,
};

describe('relx version --push, killed at every write boundary', () => {
  const outcomes: KillPointOutcome[] = [];
  afterAll(() => printMatrix(renderMatrix('relx version --push', outcomes)));

  const points = enumerateBoundaries(scenario);

  it('has a boundary around every write: files, the commit, each tag, the push', () => {
    expect(points).toEqual([
      'before:write:packages/api/package.json',
      'after:write:packages/api/package.json',
      'before:write:packages/core/package.json',
      'after:write:packages/core/package.json',
      'before:write:packages/api/CHANGELOG.md',
      'after:write:packages/api/CHANGELOG.md',
      'before:write:packages/core/CHANGELOG.md',
      'after:write:packages/core/CHANGELOG.md',
      'before:commit',
      'after:commit',
      'before:tag:@acme/api@0.4.2',
      'after:tag:@acme/api@0.4.2',
      'before:tag:@acme/core@1.3.0',
      'after:tag:@acme/core@1.3.0',
      'before:push',
      'after:push',
    ]);
  });

  it.each(points)('killed at %s: the re-run finishes the release, once', (point) => {
    const { state, ...outcome } = killAndRerun(scenario, point);
    void state;
    outcomes.push(outcome);
    expect(outcome).toEqual(finishedOnce(point));
  });
});
