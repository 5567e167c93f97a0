import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runWorkflow, type WorkflowRun } from '../step-runner/run-workflow.js';
import { GitRepo } from '../git-repo.js';
import { adoptTemplates, lockWithNpm } from './sample-platform.js';

/**
 * A release plan of over 3 MB (babel's is 2.9 MB) passes from analyze-commits to bump-version
 * through release.yml as copied: by file. Passed by value, as the template did, it becomes one
 * environment variable of the bump-version process, over Linux's 128 KiB cap on one (E2BIG).
 */

const commits = 12_000;

function aRepoWithALongHistory(): { repo: GitRepo; origin: GitRepo } {
  const repo = GitRepo.create();
  repo.writeJson('package.json', { name: 'big', private: true, workspaces: ['packages/*'] });
  repo.writeJson('packages/big/package.json', { name: '@acme/big', version: '1.0.0', private: true });
  lockWithNpm(repo);
  adoptTemplates(repo, ['ci.yml', 'release.yml']);
  const base = repo.commit('feat: the big package');
  repo.tag('@acme/big@1.0.0');
  // thousands of fixes since the last release, each touching the package
  const chunks: string[] = [];
  for (let i = 1; i <= commits; i++) {
    const message = `fix(big): handle case ${i} of the parser ${'in full detail '.repeat(8)}\n`;
    const content = `${i}\n`;
    chunks.push(
      `commit refs/heads/main\ncommitter Relx Test <test@relx.invalid> ${1767225600 + i} +0000\n` +
        `data ${Buffer.byteLength(message)}\n${message}${i === 1 ? `from ${base}\n` : ''}` +
        `M 100644 inline packages/big/cases.txt\ndata ${Buffer.byteLength(content)}\n${content}\n`,
    );
  }
  execFileSync('git', ['fast-import', '--quiet'], { cwd: repo.dir, input: chunks.join('') });
  repo.git('reset', '-q', '--hard', 'main');
  const origin = GitRepo.create({ bare: true });
  repo.git('remote', 'add', 'origin', origin.dir);
  repo.git('push', '-q', '--tags', 'origin', 'main');
  return { repo, origin };
}

async function release(repo: GitRepo): Promise<WorkflowRun> {
  return runWorkflow(join(repo.dir, '.github', 'workflows', 'release.yml'), {
    workspace: repo.dir,
    eventName: 'push',
    event: { ref: 'refs/heads/main', after: repo.head() },
    repository: 'acme/big',
    sha: repo.head(),
    token: 'ghs_large-plan-0123456789abcdef',
    // GitHub Releases off: this test is about the hand-over of the plan
    env: { GITHUB_API_URL: 'http://127.0.0.1:9' },
    standIns: { 'actions/checkout': () => {}, 'actions/setup-node': () => {} },
    reusable: async () => 'success',
    jobs: ['release'],
    // stop after bump-version: the rest of the release is not what is measured here
    interrupt: ({ name }) => (name === 'Install' ? 'before' : null),
  });
}

const step = (run: WorkflowRun, id: string) => run.steps.find((s) => s.id === id);
const withoutGitHubReleases = (repo: GitRepo, edit: (text: string) => string = (t) => t) => {
  const file = join(repo.dir, '.github', 'workflows', 'release.yml');
  writeFileSync(
    file,
    edit(readFileSync(file, 'utf8').replace('github-release: true', 'github-release: false')),
  );
};

describe('a 3 MB release plan', () => {
  it('passes from analyze-commits to bump-version by file, and the release is made', async () => {
    const { repo, origin } = aRepoWithALongHistory();
    withoutGitHubReleases(repo);
    const run = await release(repo);
    const plan = step(run, 'plan');
    expect(plan?.outcome).toBe('success');
    expect(Buffer.byteLength(plan?.outputs.plan ?? '')).toBeGreaterThan(3 * 1024 * 1024);
    expect(step(run, 'bump')?.outcome).toBe('success');
    expect(origin.git('tag', '--list', '@acme/big@1.0.1')).toBe('@acme/big@1.0.1');
    const changelog = execFileSync('git', ['show', 'main:packages/big/CHANGELOG.md'], {
      cwd: origin.dir,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    expect(changelog).toContain(`handle case ${commits} of`);
  }, 300_000);

  it('passed by value (as the template did), bump-version cannot even start', async () => {
    const { repo, origin } = aRepoWithALongHistory();
    withoutGitHubReleases(repo, (t) =>
      t.replace('plan-file: ${{ steps.plan.outputs.plan-file }}', 'plan: ${{ steps.plan.outputs.plan }}'),
    );
    const run = await release(repo);
    expect(step(run, 'bump')?.outcome).toBe('failure');
    expect(step(run, 'bump')?.stderr).toMatch(/E2BIG/);
    expect(origin.git('tag', '--list', '@acme/big@1.0.1')).toBe('');
  }, 300_000);
});
