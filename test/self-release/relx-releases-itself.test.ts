import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { GitHubApiServer } from '../github-api/github-api-server.js';
import { auditWorkflowFile } from '../workflow-audit/audit-workflow.js';
import { relxRoot, runWorkflow } from '../step-runner/run-workflow.js';

// relx's own .github/workflows/release.yml, run by the step runner on a clone of relx's HEAD (what
// is committed, not the working tree): npm ci, analyze-commits and bump-version from the clone's
// dist/, the check that dist/ is what the release commit builds, then the action release. Slow
// (it builds dist/), and the only test of the workflow users get their `@v1` from.
const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'relx tests',
      GIT_AUTHOR_EMAIL: 'tests@relx.invalid',
      GIT_COMMITTER_NAME: 'relx tests',
      GIT_COMMITTER_EMAIL: 'tests@relx.invalid',
    },
  }).trim();

let dir: string;
let github: GitHubApiServer;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'relx-self-release-'));
  github = await GitHubApiServer.start();
});
afterAll(async () => {
  await github?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('relx releases itself with relx', () => {
  it('release.yml versions relx, then lays out each action at <name>/, tags vX.Y.Z and moves vX', async () => {
    const origin = join(dir, 'relx.git');
    const workspace = join(dir, 'relx');
    git(dir, 'clone', '-q', '--bare', relxRoot, origin);
    git(dir, 'clone', '-q', origin, workspace);
    git(workspace, 'commit', '-q', '--allow-empty', '-m', 'feat(slo-gate): a change worth a release');
    git(workspace, 'push', '-q', 'origin', 'HEAD:main');
    const head = git(workspace, 'rev-parse', 'HEAD');

    const noop = () => undefined;
    const run = await runWorkflow(join(workspace, '.github', 'workflows', 'release.yml'), {
      workspace,
      eventName: 'push',
      event: { ref: 'refs/heads/main', after: head },
      repository: 'relx-dev/relx',
      sha: head,
      ref: 'refs/heads/main',
      token: 'ghs_release-token-0123456789',
      // npm ci from the cache the test command's own npm ci filled
      env: { GITHUB_API_URL: github.url, npm_config_prefer_offline: 'true' },
      standIns: { 'actions/checkout': noop, 'actions/setup-node': noop },
      reusable: async (uses) => (uses === './.github/workflows/ci.yml' ? 'success' : 'failure'),
    });
    const failed = run.steps.filter((s) => s.outcome === 'failure');
    expect(failed.map((s) => `${s.name}: ${s.stderr.slice(-2000)}`)).toEqual([]);
    expect(run.conclusion).toBe('success');

    const released = JSON.parse(
      run.jobs.release?.outputs.released ?? run.steps.find((s) => s.id === 'bump')?.outputs.released ?? '{}',
    ) as Record<string, { version: string; tag: string }>;
    const version = released.relx?.version ?? '';
    expect(version).toMatch(/^\d+\.\d+\.\d+$/);
    const major = `v${version.split('.')[0]}`;
    // the source release: commit and tag on main, and its GitHub Release
    expect(git(origin, 'rev-parse', `relx@${version}^{commit}`)).toBe(git(origin, 'rev-parse', 'main'));
    expect(git(origin, 'log', '-1', '--format=%s', 'main')).toMatch(/^chore\(release\)/);
    expect(github.violations).toEqual([]);
    expect(
      github.requests.some((r) => r.method === 'POST' && r.path === '/repos/relx-dev/relx/releases'),
    ).toBe(true);
    // the action release: vX.Y.Z and vX on a commit whose tree has <name>/action.yml beside dist/
    expect(git(origin, 'rev-parse', `${major}^{commit}`)).toBe(
      git(origin, 'rev-parse', `v${version}^{commit}`),
    );
    for (const name of [
      'analyze-commits',
      'bump-version',
      'publish-artifact',
      'write-manifest',
      'promote-env',
      'slo-gate',
    ]) {
      const action = parse(git(origin, 'show', `v${version}:${name}/action.yml`)) as {
        runs: { using: string; main?: string };
      };
      if (action.runs.main) {
        expect(action.runs.main).toMatch(/^\.\.\/dist\//);
        expect(git(origin, 'cat-file', '-t', `v${version}:${action.runs.main.replace('../', '')}`)).toBe(
          'blob',
        );
      }
    }
    expect(git(origin, 'show', `v${version}:publish-artifact/dispatch/action.yml`)).toContain('node24');

    // the released templates use relx by the commit holding the actions (the tag's parent), so that
    // an adopter's copy passes their audit, for whom relx is a third party: no first-party exemption
    const actionsCommit = git(origin, 'rev-parse', `v${version}^{commit}^`);
    expect(git(origin, 'cat-file', '-t', `${actionsCommit}:promote-env/action.yml`)).toBe('blob');
    const releasedFiles = git(origin, 'ls-tree', '-r', '--name-only', `v${version}`)
      .split('\n')
      .filter((p) => /^workflows-templates\/.+\.yml$|(^|\/)action\.yml$/.test(p));
    expect(releasedFiles.filter((p) => p.startsWith('workflows-templates/')).length).toBeGreaterThanOrEqual(
      5,
    );
    const relxUses: string[] = [];
    const findings: unknown[] = [];
    for (const path of releasedFiles) {
      const text = git(origin, 'show', `v${version}:${path}`);
      for (const [line] of text.matchAll(/uses:\s*\S*relx\/\S+.*$/gm)) relxUses.push(line);
      findings.push(...auditWorkflowFile(path, text));
    }
    expect(relxUses.length).toBeGreaterThanOrEqual(10);
    expect(relxUses.filter((u) => !u.endsWith(`@${actionsCommit} # v${version}`))).toEqual([]);
    expect(findings).toEqual([]);
  }, 600_000);
});
