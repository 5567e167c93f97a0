import { describeMadeCommits, pushVerifiedStep } from './push-verified-step.js';

describe('pushVerifiedStep', () => {
  it('names what is missing before it touches git or GitHub', async () => {
    let called = false;
    const github = () => {
      called = true;
      throw new Error('no GitHub here');
    };
    await expect(
      pushVerifiedStep({
        cwd: '/nonexistent',
        branch: 'main',
        remote: 'origin',
        owner: null,
        repo: null,
        token: '',
        github,
        missingFix: 'Pass --repository.',
      }),
    ).rejects.toMatchObject({ message: expect.stringContaining('push-verified needs the branch') });
    expect(called).toBe(false);
  });

  it('logs each local commit with the one GitHub made of it', () => {
    expect(describeMadeCommits(new Map([['a'.repeat(40), 'b'.repeat(40)]]))).toEqual([
      'aaaaaaa made by GitHub as bbbbbbb',
    ]);
  });
});
