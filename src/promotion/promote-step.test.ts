import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { aGitOpsRepository, aRelease } from '../../test/gitops/gitops-fixture.js';
import type { GitHubRequest } from '../github/github-request.js';
import { renderReleaseManifest } from '../manifest/release-manifest.js';
import { finishDeploymentStep, startDeploymentStep } from './deployment-record-step.js';
import { alreadyRunsStep, promoteStep, type PromoteStepInput } from './promote-step.js';

const r1 = aRelease('2026.11.0', '1.4.0', 'b');

function inputFor(url: string, over: Partial<PromoteStepInput> = {}): PromoteStepInput {
  const workspace = mkdtempSync(join(tmpdir(), 'relx-promote-step-'));
  writeFileSync(join(workspace, 'r1.yaml'), renderReleaseManifest(r1));
  return {
    workspace,
    remote: { url },
    environment: 'dev',
    approvedBy: null,
    run: null,
    dryRun: false,
    manifest: 'r1.yaml',
    manifestSha256: null,
    hotfix: false,
    canary: {},
    rollback: { whole: false, component: null, version: null },
    fields: {
      manifest: 'manifest',
      canary: {
        canary: 'canary',
        complete: 'canary-complete',
        abort: 'canary-abort',
        reason: 'abort-reason',
        gateReport: 'gate-report',
      },
      noManifestFix: 'Pass a manifest.',
    },
    ...over,
  };
}

describe('promoteStep: one promotion, as relx promote and promote-env do it', () => {
  it('promotes a manifest file, and then tells that the environment already runs it', async () => {
    const { url } = aGitOpsRepository();
    const input = inputFor(url);
    expect(await alreadyRunsStep(input)).toEqual({ alreadyRuns: false, error: null });
    expect(await promoteStep(input)).toMatchObject({ status: 'promoted', manifest: '2026.11.0' });
    expect(await alreadyRunsStep(input)).toEqual({ alreadyRuns: true, error: null });
  });

  it('names the field of a missing manifest, and refuses a canary step with a rollback', async () => {
    const { url } = aGitOpsRepository();
    await expect(promoteStep(inputFor(url, { manifest: null }))).rejects.toMatchObject({
      field: 'manifest',
      fix: 'Pass a manifest.',
    });
    await expect(
      promoteStep(
        inputFor(url, {
          canary: { abort: true, reason: 'x' },
          rollback: { whole: true, component: null, version: null },
        }),
      ),
    ).rejects.toMatchObject({ field: 'canary-abort' });
    const check = await alreadyRunsStep(inputFor(url, { manifest: 'missing.yaml' }));
    expect(check.alreadyRuns).toBe(false);
    expect(check.error).toMatchObject({ field: 'manifest' });
  });
});

describe('deployment-record-step: a GitHub deployment around the promotion', () => {
  it('starts one per run, environment and release, and finishes it from the outcome', async () => {
    const calls: Array<{ route: string; parameters: Record<string, unknown> | undefined }> = [];
    const github: GitHubRequest = async (route, parameters) => {
      calls.push({ route, parameters });
      if (route.includes('/approvals')) return { status: 200, data: [] };
      if (route.startsWith('GET')) return { status: 200, data: [] };
      return { status: 201, data: { id: 9 } };
    };
    const input = inputFor('unused');
    const target = { github, repository: 'acme/deploy', environment: 'prod', runId: '7' };
    const started = await startDeploymentStep({
      ...target,
      workspace: input.workspace,
      manifest: 'r1.yaml',
      ref: 'abc',
    });
    expect(started).toMatchObject({ id: 9, release: '2026.11.0' });
    const finish = await finishDeploymentStep({
      ...target,
      id: 9,
      runUrl: 'https://github.com/acme/deploy/actions/runs/7',
      outcome: {
        release: '2026.11.0',
        promotion: 'failure',
        wait: '',
        engineStatus: '',
        engineReason: '',
        final: true,
      },
    });
    expect(finish.state).toBe('failure');
    expect(calls.at(-1)).toMatchObject({ parameters: { deployment_id: 9, state: 'failure' } });
  });
});
