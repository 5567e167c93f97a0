import { readRunnerContext } from './runner-context.js';

describe('the runner context', () => {
  it('reads what the runner sets, the run URL built once', () => {
    const context = readRunnerContext(
      {
        GITHUB_WORKSPACE: '/w',
        RUNNER_TEMP: '/t',
        GITHUB_REPOSITORY: 'acme/platform',
        GITHUB_SERVER_URL: 'https://ghe.acme.test/',
        GITHUB_API_URL: 'https://ghe.acme.test/api/v3',
        GITHUB_RUN_ID: '42',
        GITHUB_RUN_ATTEMPT: '2',
        GITHUB_SHA: 'abc',
        GITHUB_REF: 'refs/heads/release/1.x',
        GITHUB_REF_NAME: 'release/1.x',
        GITHUB_EVENT_NAME: 'push',
        GITHUB_EVENT_PATH: '/e.json',
      },
      '/cwd',
    );
    expect(context).toEqual({
      workspace: '/w',
      temp: '/t',
      repository: 'acme/platform',
      owner: 'acme',
      repo: 'platform',
      apiUrl: 'https://ghe.acme.test/api/v3',
      serverUrl: 'https://ghe.acme.test',
      runUrl: 'https://ghe.acme.test/acme/platform/actions/runs/42',
      runId: '42',
      runAttempt: '2',
      sha: 'abc',
      ref: 'refs/heads/release/1.x',
      branch: 'release/1.x',
      baseRef: null,
      eventName: 'push',
      eventPath: '/e.json',
    });
  });

  it('falls back outside Actions: no repository, no run URL, the current directory', () => {
    expect(readRunnerContext({ GITHUB_REF: 'refs/tags/v1.0.0' }, '/cwd')).toMatchObject({
      workspace: '/cwd',
      temp: '/cwd',
      repository: null,
      owner: null,
      runUrl: null,
      apiUrl: 'https://api.github.com',
      serverUrl: 'https://github.com',
      branch: null,
    });
  });
});
