import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import * as core from '@actions/core';
import * as github from '@actions/github';
import { decideDeploymentFinish } from '../../../../src/engine/deployment-after-wait.js';
import { GitHubDeployments } from '../../../../src/github/github-deployments.js';
import type { GitHubRequest } from '../../../../src/github/github-request.js';
import { parseReleaseManifest } from '../../../../src/manifest/release-manifest.js';
import { renderError } from '../../../../src/relx-error.js';

/**
 * The deployment step of promote-env. `start`: who approved this run for the environment (for the
 * Relx-Approved-By trailer), a GitHub deployment, status in_progress. `finish`: success or failure
 * from the promotion step's outcome and, with wait-for, the engine's.
 */
export async function run(): Promise<void> {
  try {
    const token = core.getInput('token');
    if (token) core.setSecret(token);
    const [owner = '', repo = ''] = (process.env.GITHUB_REPOSITORY ?? '').split('/');
    const octokit = github.getOctokit(token, {
      baseUrl: process.env.GITHUB_API_URL ?? 'https://api.github.com',
    });
    const deployments = new GitHubDeployments(octokit.request as unknown as GitHubRequest, owner, repo);
    const environment = core.getInput('environment', { required: true });
    const runUrl = `${process.env.GITHUB_SERVER_URL ?? 'https://github.com'}/${owner}/${repo}/actions/runs/${process.env.GITHUB_RUN_ID ?? ''}`;

    if (core.getInput('mode') === 'finish') {
      // with wait-for, the engine's verdict decides too (src/engine/deployment-after-wait.ts)
      const finish = decideDeploymentFinish({
        environment,
        release: core.getInput('release'),
        promotion: core.getInput('outcome'),
        wait:
          core.getInput('wait_for') && core.getInput('wait_for') !== 'none'
            ? core.getInput('wait_outcome')
            : '',
        engineStatus: core.getInput('engine_status'),
        engineReason: core.getInput('engine_reason'),
        final: core.getInput('deployment_final') !== 'false',
      });
      await deployments.status(
        Number(core.getInput('deployment_id')),
        finish.state,
        finish.description,
        runUrl,
      );
      core.info(`Deployment to ${environment}: ${finish.state} (${finish.description}).`);
      return;
    }

    const approvers = await deployments.approvers(Number(process.env.GITHUB_RUN_ID ?? 0), environment);
    if (approvers === null)
      core.warning(
        'Cannot read the run approvals (the token needs actions: read); Relx-Approved-By will be empty.',
      );
    core.setOutput('approved-by', (approvers ?? []).join(', '));
    const file = core.getInput('manifest');
    const release = file
      ? parseReleaseManifest(await readFile(resolve(process.env.GITHUB_WORKSPACE ?? '.', file), 'utf8'), file)
          .metadata.name
      : 'rollback';
    const id = await deployments.start({
      // one deployment per run and environment: a re-run of the job finds it instead of making another
      key: `${process.env.GITHUB_REPOSITORY ?? ''}/runs/${process.env.GITHUB_RUN_ID ?? Date.now()}/${environment}/${release}`,
      ref: process.env.GITHUB_SHA ?? 'main',
      environment,
      description: `relx: ${release} to ${environment}`,
      production: /^prod/.test(environment),
      payload: { release },
    });
    core.setOutput('deployment-id', String(id));
    core.info(`Deployment ${id} to ${environment}: in progress.`);
  } catch (error) {
    core.setFailed(renderError(error));
  }
}
