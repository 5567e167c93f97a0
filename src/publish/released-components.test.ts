import { aMonorepo } from '../../test/monorepo-fixture.js';
import { loadWorkspace } from '../workspace/load-workspace.js';
import { releasedAtCommit } from './released-components.js';

describe('what was released at a commit', () => {
  it('reads tags in the convention the repository uses, as the plan wrote them', async () => {
    const repo = aMonorepo([
      { dir: 'core-lib', name: '@acme/core', version: '1.3.0' },
      { dir: 'api', name: '@acme/api', version: '0.4.1' },
    ]);
    repo.tag('core-v1.2.0');
    repo.commit('chore: release', ['packages/core-lib/CHANGELOG.md']);
    repo.tag('core-v1.3.0');
    const { components } = await loadWorkspace(repo.dir);
    expect(await releasedAtCommit(repo.dir, components, repo.head())).toEqual(
      new Map([['@acme/core', '1.3.0']]),
    );
  });
});
