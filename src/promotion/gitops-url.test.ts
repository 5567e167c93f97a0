import { gitopsRemoteAt, gitopsRemoteOfPromotion, gitopsUrl } from './gitops-url.js';

describe('gitopsUrl: one reading of a GitOps repository for the CLI and the actions', () => {
  it.each([
    'https://github.com/acme/deploy',
    'ssh://git@github.com/acme/deploy.git',
    'git+ssh://git@github.com/acme/deploy.git',
    'file:///srv/deploy.git',
  ])('keeps the URL %s', (url) => expect(gitopsUrl(url, '/work')).toBe(url));

  it('keeps an scp-style address: git@host:x is a URL, not a path in the workspace', () => {
    expect(gitopsUrl('git@github.com:acme/deploy.git', '/work')).toBe('git@github.com:acme/deploy.git');
  });

  it('reads anything else as a path relative to the base', () => {
    expect(gitopsUrl('deploy', '/work')).toBe('/work/deploy');
    expect(gitopsUrl('/srv/deploy', '/work')).toBe('/srv/deploy');
  });

  it('puts a token in the remote only when there is one', () => {
    expect(gitopsRemoteAt('deploy', '/work', '')).toEqual({ url: '/work/deploy' });
    expect(gitopsRemoteAt('deploy', '/work', 't0k3n')).toEqual({ url: '/work/deploy', token: 't0k3n' });
  });

  it("defaults promote-env's repository to the workflow's", () => {
    const where = { workspace: '/work', serverUrl: 'https://github.com', repository: 'acme/shop' };
    expect(gitopsRemoteOfPromotion('', where, '')).toEqual({ url: 'https://github.com/acme/shop' });
    expect(gitopsRemoteOfPromotion('git@github.com:acme/deploy', where, '').url).toBe(
      'git@github.com:acme/deploy',
    );
  });
});
