import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runWorkflow, type WorkflowRun } from '../step-runner/run-workflow.js';
import { GitHubApiServer } from '../github-api/github-api-server.js';
import { GitRepo } from '../git-repo.js';
import { acmeApi, acmeCore, aMonorepo, tagAll } from '../monorepo-fixture.js';
import { adoptTemplates, lockWithNpm } from './sample-platform.js';

/**
 * release.yml as copied, in release-PR mode (the RELX_RELEASE_MODE variable), run by the step
 * runner on the built actions against the OpenAPI-checked GitHub, whose git data API writes to
 * the bare `origin`: a push opens the release pull request, merging it releases, and nothing is
 * ever pushed with git. And its preview job comments on a pull request.
 */

const repository = 'acme/platform';
let server: GitHubApiServer;
let developer: GitRepo;
let origin: GitRepo;
const dirs: string[] = [];
const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
const developerPush = (ref = 'main') =>
  execFileSync('git', ['push', '-q', 'origin', `HEAD:refs/heads/${ref}`], {
    cwd: developer.dir,
    env: { ...process.env, DEVELOPER_PUSH: '1' },
    stdio: 'pipe',
  });

function checkout(): string {
  const dir = mkdtempSync(join(tmpdir(), 'relx-runner-'));
  dirs.push(dir);
  git(tmpdir(), 'clone', '-q', origin.dir, dir);
  return dir;
}

async function releaseRun(): Promise<{ run: WorkflowRun; workspace: string }> {
  const workspace = checkout();
  const sha = git(workspace, 'rev-parse', 'HEAD');
  const run = await runWorkflow(join(workspace, '.github', 'workflows', 'release.yml'), {
    workspace,
    eventName: 'push',
    event: { ref: 'refs/heads/main', after: sha },
    repository,
    sha,
    token: 'ghs_release-pr-0123456789abcdef',
    vars: { RELX_RELEASE_MODE: 'release-pr' },
    env: { GITHUB_API_URL: server.url },
    standIns: { 'actions/checkout': () => {}, 'actions/setup-node': () => {} },
    reusable: async () => 'success',
    jobs: ['release'],
    // what follows bump-version is direct mode's publishing, tested in release-to-production
    interrupt: ({ name }) => (name === 'Install' ? 'before' : null),
  });
  return { run, workspace };
}
const bump = (run: WorkflowRun) => run.steps.find((s) => s.id === 'bump');

beforeAll(async () => {
  server = await GitHubApiServer.start();
  developer = aMonorepo([acmeCore, acmeApi]);
  lockWithNpm(developer);
  adoptTemplates(developer, ['ci.yml', 'release.yml']);
  developer.commit('ci: adopt relx');
  tagAll(developer, [acmeCore, acmeApi]);
  origin = GitRepo.create({ bare: true });
  developer.git('remote', 'add', 'origin', origin.dir);
  developer.git('push', '-q', 'origin', 'main', '--tags');
  const hook = join(origin.dir, 'hooks', 'pre-receive');
  writeFileSync(
    hook,
    `#!/bin/sh\n[ "$DEVELOPER_PUSH" = 1 ] && exit 0\ncat >> "${origin.dir}/refused-pushes.log"\nexit 1\n`,
  );
  chmodSync(hook, 0o755);
  server.serveGitData(repository, origin.dir);
});

afterAll(async () => {
  await server.close();
  developer.remove();
  origin.remove();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('release.yml in release-PR mode, run by the step runner', () => {
  it('opens the release pull request, updates it, releases it once merged, and a re-run releases nothing new', async () => {
    developer.commit('feat(core): add a cache', ['packages/core/cache.js']);
    developerPush();
    const opened = await releaseRun();
    expect(bump(opened.run)?.outcome).toBe('success');
    expect(JSON.parse(bump(opened.run)?.outputs['pull-requests'] ?? '[]')).toMatchObject([
      { action: 'opened', pullRequest: { number: 1 }, branch: 'relx/release' },
    ]);
    expect(bump(opened.run)?.outputs.commit).toBe('');
    expect(opened.run.steps.find((s) => s.id === 'publish')?.outcome).not.toBe('success');

    developer.commit('fix(api): handle timeouts', ['packages/api/timeouts.js']);
    developerPush();
    const updated = await releaseRun();
    expect(JSON.parse(bump(updated.run)?.outputs['pull-requests'] ?? '[]')).toMatchObject([
      { action: 'updated', pullRequest: { number: 1 } },
    ]);
    expect(server.pullRequests.pulls).toHaveLength(1);

    const merge = server.pullRequests.merge(repository, 1, 'merge');
    const data = server.gitData(repository)!;
    const released = await releaseRun();
    expect(released.run.steps.find((s) => s.id === 'plan')?.outputs['merged-release']).toBe('true');
    expect(JSON.parse(bump(released.run)?.outputs.released ?? '{}')).toEqual({
      '@acme/api': { version: '0.4.2', tag: '@acme/api@0.4.2', sha: data.git(['rev-parse', `${merge}^2`]) },
      '@acme/core': { version: '1.3.0', tag: '@acme/core@1.3.0', sha: data.git(['rev-parse', `${merge}^2`]) },
    });
    for (const tag of ['@acme/api@0.4.2', '@acme/core@1.3.0'])
      expect(data.verified.has(data.git(['rev-parse', `refs/tags/${tag}`]))).toBe(true);
    expect(git(released.workspace, 'rev-parse', 'HEAD')).toBe(merge);
    expect(server.pullRequests.pulls[0]?.labels).toEqual(['relx: released']);

    const tagsMade = server.count('POST', '/repos/{owner}/{repo}/git/tags');
    const rerun = await releaseRun();
    expect(bump(rerun.run)?.outputs.tags).toBe(bump(released.run)?.outputs.tags);
    expect(server.count('POST', '/repos/{owner}/{repo}/git/tags')).toBe(tagsMade);
    expect(existsSync(join(origin.dir, 'refused-pushes.log'))).toBe(false);
    expect(server.violations).toEqual([]);
  }, 240_000);

  it('the preview job keeps one comment on a pull request, with pull-requests: write only', async () => {
    developer.git('pull', '-q', 'origin', 'main');
    developer.checkout('feature/streams', true);
    developer.commit('feat(core): streaming reads', ['packages/core/streams.js']);
    developerPush('feature/streams');
    const pr = server.pullRequests.open(repository, 'feature/streams', 'main', 'Streaming reads');
    const preview = async () => {
      const workspace = checkout();
      git(workspace, 'fetch', '-q', 'origin', 'refs/heads/feature/streams');
      git(
        workspace,
        '-c',
        'user.name=GitHub',
        '-c',
        'user.email=noreply@github.com',
        'merge',
        '-q',
        '--no-ff',
        '-m',
        'Merge',
        'FETCH_HEAD',
      );
      return runWorkflow(join(workspace, '.github', 'workflows', 'release.yml'), {
        workspace,
        eventName: 'pull_request',
        event: {
          number: pr.number,
          pull_request: { number: pr.number, head: { repo: { full_name: repository } } },
        },
        repository,
        sha: git(workspace, 'rev-parse', 'HEAD'),
        ref: `refs/pull/${pr.number}/merge`,
        token: 'ghs_preview-0123456789abcdef',
        env: { GITHUB_API_URL: server.url, GITHUB_BASE_REF: 'main' },
        standIns: { 'actions/checkout': () => {} },
        jobs: ['preview'],
      });
    };
    const run = await preview();
    expect(run.jobs.preview?.result).toBe('success');
    await preview();
    const comments = server.pullRequests.comments.filter((c) => c.issue === pr.number);
    expect(comments).toHaveLength(1);
    expect(comments[0]?.body).toContain('feat(core): streaming reads');
    expect(server.violations).toEqual([]);
  }, 120_000);
});
