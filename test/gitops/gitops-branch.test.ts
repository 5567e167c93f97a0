import { parse } from 'yaml';
import { digestOf } from '../../src/manifest/manifest-builders.js';
import { readEnvironment } from '../../src/promotion/environment-status.js';
import { promoteEnvironment } from '../../src/promotion/promote-environment.js';
import { aGitOpsRepository, aRelease } from './gitops-fixture.js';

const r1 = aRelease('2026.12.0', '1.4.0', 'b');
const branches = (remote: { git: (...args: string[]) => string }) =>
  remote.git('for-each-ref', '--format=%(refname:short)', 'refs/heads').split('\n');

describe('the branch a GitOps repository is reconciled from', () => {
  it("promotes to the remote's default branch (master) when relx.gitops.yaml names none", async () => {
    const { remote, url } = aGitOpsRepository({ branch: 'master' });
    const result = await promoteEnvironment({ remote: { url }, environment: 'dev' }, r1);
    expect(result.status).toBe('promoted');
    expect(branches(remote)).toEqual(['master']);
    expect(remote.git('rev-parse', 'master')).toBe(result.commit);
    expect(parse(remote.git('show', 'master:environments/dev/kustomization.yaml')).images[0]).toEqual({
      name: 'ghcr.io/acme/api',
      digest: digestOf('b'),
    });
    expect((await readEnvironment({ url }, 'dev')).status.release).toBe('2026.12.0');
  });

  it('honours branch: in relx.gitops.yaml, on that branch', async () => {
    const { remote, url } = aGitOpsRepository({ config: 'branch: deploy\n' });
    remote.git('branch', 'deploy', 'main');
    const mainBefore = remote.git('rev-parse', 'main');
    const result = await promoteEnvironment({ remote: { url }, environment: 'dev' }, r1);
    expect(remote.git('rev-parse', 'deploy')).toBe(result.commit);
    expect(remote.git('rev-parse', 'main')).toBe(mainBefore);
    expect((await readEnvironment({ url }, 'dev')).status.release).toBe('2026.12.0');
  });

  it('refuses a branch that does not exist instead of creating an orphan, writing nothing', async () => {
    const { remote, url } = aGitOpsRepository({ branch: 'master', config: 'branch: main\n' });
    await expect(promoteEnvironment({ remote: { url }, environment: 'dev' }, r1)).rejects.toMatchObject({
      kind: 'input',
      field: 'branch',
      message: `The GitOps repository ${url} has no branch main.`,
      fix: expect.stringContaining('(it has master)'),
    });
    expect(branches(remote)).toEqual(['master']);
  });
});
