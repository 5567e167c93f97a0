import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import {
  decideDeploymentFinish,
  type DeploymentFinish,
  type DeploymentFinishInput,
} from '../engine/deployment-after-wait.js';
import { GitHubDeployments } from '../github/github-deployments.js';
import type { GitHubRequest } from '../github/github-request.js';
import { parseReleaseManifest } from '../manifest/release-manifest.js';

/** The GitHub repository whose deployments record the promotion, and the run that promotes. */
export interface DeploymentRecordTarget {
  github: GitHubRequest;
  /** owner/name */
  repository: string;
  environment: string;
  /** The workflow run (its id names the deployment, its approvals give Relx-Approved-By); null outside one. */
  runId: string | null;
}

export interface DeploymentStartInput extends DeploymentRecordTarget {
  /** The directory a relative manifest path is read from. */
  workspace: string;
  /** The manifest to promote; null for a rollback. */
  manifest: string | null;
  /** The commit the deployment is of (GITHUB_SHA); null for main. */
  ref: string | null;
}

export interface DeploymentStarted {
  id: number;
  release: string;
  /** Who approved the run for the environment; null when the approvals cannot be read (actions: read). */
  approvedBy: string[] | null;
}

const deploymentsOf = (target: DeploymentRecordTarget) => {
  const [owner = '', repo = ''] = target.repository.split('/');
  return new GitHubDeployments(target.github, owner, repo);
};

/**
 * Before the promotion: who approved this run for the environment (for the Relx-Approved-By
 * trailer), and a GitHub deployment in progress — one per run, environment and release, so a
 * re-run of the job finds it instead of making another.
 */
export async function startDeploymentStep(input: DeploymentStartInput): Promise<DeploymentStarted> {
  const deployments = deploymentsOf(input);
  const approvedBy = await deployments.approvers(Number(input.runId ?? 0), input.environment);
  const release = input.manifest
    ? parseReleaseManifest(await readFile(resolve(input.workspace, input.manifest), 'utf8'), input.manifest)
        .metadata.name
    : 'rollback';
  const id = await deployments.start({
    key: `${input.repository}/runs/${input.runId ?? Date.now()}/${input.environment}/${release}`,
    ref: input.ref ?? 'main',
    environment: input.environment,
    description: `relx: ${release} to ${input.environment}`,
    production: /^prod/.test(input.environment),
    payload: { release },
  });
  return { id, release, approvedBy };
}

/**
 * After the promotion: the deployment's success or failure from the promotion's outcome and,
 * after a wait, the engine's (engine/deployment-after-wait.ts).
 */
export async function finishDeploymentStep(
  input: DeploymentRecordTarget & {
    id: number;
    runUrl: string;
    outcome: Omit<DeploymentFinishInput, 'environment'>;
  },
): Promise<DeploymentFinish> {
  const finish = decideDeploymentFinish({ ...input.outcome, environment: input.environment });
  await deploymentsOf(input).status(input.id, finish.state, finish.description, input.runUrl);
  return finish;
}
