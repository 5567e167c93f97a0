import { promoteEnvironment } from '../../src/promotion/promote-environment.js';
import { aRelease } from './gitops-fixture.js';

describe('secrets in what a promotion reports', () => {
  it('keeps the credentials of a GitOps URL out of its error message', async () => {
    const url = 'http://relx:ghp_password0123456789@127.0.0.1:9/acme/deploy.git';
    const error = (await promoteEnvironment(
      { remote: { url, token: 'ghs_token0123456789' }, environment: 'dev' },
      aRelease('2026.12.6', '1.6.0', 'd'),
    ).catch((e: unknown) => e)) as Error;
    expect(error.message).toMatch(
      /^Cannot read the GitOps repository http:\/\/\*\*\*@127\.0\.0\.1:9\/acme\/deploy\.git/,
    );
    expect(error.message).not.toContain('ghp_password0123456789');
    expect(error.message).not.toContain('ghs_token0123456789');
  });
});
