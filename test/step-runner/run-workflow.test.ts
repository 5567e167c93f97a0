import { join } from 'node:path';
import { runWorkflow, type WorkflowRunOptions } from './run-workflow.js';

const fixtures = join(import.meta.dirname, 'fixtures');
const options = (
  payload: Record<string, string>,
  extra: Partial<WorkflowRunOptions> = {},
): WorkflowRunOptions => ({
  workspace: fixtures,
  eventName: 'repository_dispatch',
  event: { action: 'go', client_payload: payload },
  ...extra,
});
const stdoutOf = (run: Awaited<ReturnType<typeof runWorkflow>>, job: string) =>
  run.steps
    .filter((s) => s.job === job)
    .map((s) => s.stdout)
    .join('');

describe('the step runner', () => {
  it('runs jobs in needs order with outputs, composite actions, summaries, approvals and always()', async () => {
    const approvals: string[] = [];
    const run = await runWorkflow(
      join(fixtures, 'pipeline.yml'),
      options(
        { version: '1.4.0', who: 'release engineers' },
        { approve: (job, environment) => (approvals.push(`${job}→${environment}`), 'alice') },
      ),
    );
    expect(run.conclusion).toBe('success');
    expect(run.jobs.build).toEqual({ result: 'success', outputs: { version: '1.4.0' } });
    expect(run.summaries).toEqual(['## hello release engineers!\n']);
    expect(run.jobs.deploy).toMatchObject({ result: 'success', approvedBy: 'alice' });
    expect(approvals).toEqual(['deploy→production']);
    expect(stdoutOf(run, 'deploy')).toBe('deploying 1.4.0\nnever\n');
    expect(stdoutOf(run, 'notify')).toBe('deploy was success\n');
  });

  it('treats the payload as data: shell text in it is never executed', async () => {
    const run = await runWorkflow(
      join(fixtures, 'pipeline.yml'),
      options({ version: '$(echo pwned)', who: '`id`' }),
    );
    expect(run.jobs.build?.outputs.version).toBe('$(echo pwned)');
    expect(run.summaries).toEqual(['## hello `id`!\n']);
  });

  it('fails a job whose step fails, runs failure() steps, skips the rest, and still runs always() jobs', async () => {
    const run = await runWorkflow(join(fixtures, 'pipeline.yml'), options({ version: 'broken', who: 'x' }));
    expect(run.conclusion).toBe('failure');
    expect(run.jobs.deploy?.result).toBe('failure');
    expect(stdoutOf(run, 'deploy')).toBe('deploying broken\nrolled back\n');
    expect(stdoutOf(run, 'notify')).toBe('deploy was failure\n');
  });

  it('fails a job whose deployment is rejected, without running its steps', async () => {
    const run = await runWorkflow(
      join(fixtures, 'pipeline.yml'),
      options({ version: '1', who: 'x' }, { approve: () => null }),
    );
    expect(run.jobs.deploy?.result).toBe('failure');
    expect(stdoutOf(run, 'deploy')).toBe('');
  });

  it('refuses a third-party action it has no stand-in for', async () => {
    const { writeFileSync, mkdtempSync } = await import('node:fs');
    const dir = mkdtempSync(join((await import('node:os')).tmpdir(), 'relx-wf-'));
    const file = join(dir, 'w.yml');
    writeFileSync(file, 'on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - uses: someone/else@v1\n');
    const run = await runWorkflow(file, { workspace: dir, eventName: 'push', event: {} });
    expect(run.jobs.a?.result).toBe('failure');
    expect(run.steps[0]?.stderr).toContain('no stand-in for the third-party action someone/else@v1');
  });

  it('puts what a step adds to GITHUB_PATH first on PATH for the steps after it, as GitHub does', async () => {
    const { writeFileSync, mkdtempSync, mkdirSync, chmodSync } = await import('node:fs');
    const dir = mkdtempSync(join((await import('node:os')).tmpdir(), 'relx-wf-'));
    for (const [folder, says] of [
      ['old', 'old'],
      ['new', 'new'],
    ] as const) {
      mkdirSync(join(dir, folder));
      writeFileSync(join(dir, folder, 'tool'), `#!/bin/sh\necho ${says}\n`);
      chmodSync(join(dir, folder, 'tool'), 0o755);
    }
    const file = join(dir, 'w.yml');
    writeFileSync(
      file,
      [
        'on: push',
        'jobs:',
        '  a:',
        '    runs-on: x',
        '    steps:',
        '      - run: command -v tool || echo none',
        `      - run: echo "${dir}/old" >> "$GITHUB_PATH"`,
        '      - run: tool',
        `      - run: echo "${dir}/new" >> "$GITHUB_PATH"`,
        '      - run: tool',
        '',
      ].join('\n'),
    );
    const run = await runWorkflow(file, { workspace: dir, eventName: 'push', event: {} });
    expect(run.steps.map((s) => s.stdout)).toEqual(['none\n', '', 'old\n', '', 'new\n']);
  });
});

describe('GitHub Environments with required reviewers, as GitHub evaluates them', () => {
  const environments = { prod: { reviewers: [] }, 'prod-approval': { reviewers: ['alice', 'bob'] } };
  const deploy = (risk: string, extra: Partial<WorkflowRunOptions> = {}) =>
    runWorkflow(join(fixtures, 'environments.yml'), {
      workspace: fixtures,
      eventName: 'repository_dispatch',
      event: { action: 'deploy', client_payload: { risk } },
      environments,
      ...extra,
    });
  const results = (run: Awaited<ReturnType<typeof runWorkflow>>) =>
    Object.fromEntries(Object.entries(run.jobs).map(([id, job]) => [id, job.result]));

  it('runs a job at once in an environment without reviewers, chosen by an expression', async () => {
    const asked: string[] = [];
    const run = await deploy('patch', { approve: (job) => (asked.push(job), 'alice') });
    expect(asked).toEqual([]);
    expect(run.reviews).toEqual([]);
    expect(results(run)).toEqual({
      risk: 'success',
      scan: 'skipped',
      prod: 'success',
      'after-prod': 'success',
      'after-scan': 'skipped',
    });
    expect(run.conclusion).toBe('success');
  });

  it('holds a job in an environment with reviewers until one approves, and refuses anyone else', async () => {
    const approved = await deploy('minor', { approve: () => 'bob' });
    expect(approved.reviews).toEqual([{ job: 'prod', environment: 'prod-approval', reviewer: 'bob' }]);
    expect(approved.jobs.prod).toMatchObject({ result: 'success', approvedBy: 'bob' });

    const withheld = await deploy('minor', { approve: () => undefined });
    expect(results(withheld)).toEqual({
      risk: 'success',
      scan: 'skipped',
      prod: 'waiting',
      'after-scan': 'skipped',
    });
    expect(withheld.conclusion).toBe('waiting');
    expect(withheld.steps.filter((s) => s.job === 'prod')).toEqual([]);

    const rejected = await deploy('minor', { approve: () => null });
    expect(results(rejected)).toMatchObject({ prod: 'failure', 'after-prod': 'skipped' });

    const stranger = await deploy('minor', { approve: () => 'mallory' }).catch((e: Error) => e.message);
    expect(stranger).toBe('job prod: mallory is not a required reviewer of prod-approval');
  });

  it('is not started by a repository_dispatch of another type', async () => {
    const run = await runWorkflow(join(fixtures, 'environments.yml'), {
      workspace: fixtures,
      eventName: 'repository_dispatch',
      event: { action: 'relx-rollback-requested', client_payload: {} },
    });
    expect(run).toMatchObject({ conclusion: 'skipped', jobs: {} });
  });

  it("refuses a workflow GitHub's parser rejects", async () => {
    const { writeFileSync, mkdtempSync } = await import('node:fs');
    const dir = mkdtempSync(join((await import('node:os')).tmpdir(), 'relx-wf-'));
    writeFileSync(
      join(dir, 'w.yml'),
      'on: push\njobs:\n  a:\n    run-on: x\n    steps:\n      - run: echo\n',
    );
    await expect(
      runWorkflow(join(dir, 'w.yml'), { workspace: dir, eventName: 'push', event: {} }),
    ).rejects.toThrow(/GitHub would not run[\s\S]*Unexpected value 'run-on'/);
  });
});
