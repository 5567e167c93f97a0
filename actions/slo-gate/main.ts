import { writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import * as core from '@actions/core';
import * as github from '@actions/github';
import type { GitHubRequest } from '../../src/github/github-request.js';
import { sendRepositoryDispatch } from '../../src/github/repository-dispatch.js';
import { GitHubDeployments } from '../../src/github/github-deployments.js';
import type { GitOpsRemote } from '../../src/promotion/gitops-repository.js';
import { inputError, renderError } from '../../src/relx-error.js';
import { gateEnvironment } from '../../src/slo/gate-environment.js';
import { readCanary } from '../../src/promotion/canary-state.js';
import { planRollbackRequest } from '../../src/slo/rollback-request.js';
import { renderSloGateTexts } from '../../src/slo/render-slo-report.js';
import { basicAuthSecrets, scrubSecrets } from '../../src/secret-scrubber.js';
import { fitStepSummary } from '../../src/summary/fit-step-summary.js';
import { runSloGate } from '../../src/slo/run-slo-gate.js';
import { connectSloGate } from '../../src/slo/slo-connection.js';
import { parseSloPolicy } from '../../src/slo/slo-policy.js';

async function readPolicy(workspace: string): Promise<{ text: string; source: string }> {
  const inline = core.getInput('policy');
  if (inline) return { text: inline, source: 'input `policy`' };
  const file = core.getInput('policy-file');
  if (!file) {
    throw inputError('No SLO policy.', { field: 'policy', fix: 'Give `policy` (YAML) or `policy-file`.' });
  }
  const text = await readFile(resolve(workspace, file), 'utf8').catch(() => {
    throw inputError(`Cannot read the policy file ${file}.`, {
      field: 'policy-file',
      fix: 'Check the path (relative to the workspace).',
    });
  });
  return { text, source: file };
}

/** Every credential the gate was given, in the forms a backend might echo back. */
function secrets(): string[] {
  const values = [
    'prometheus-token',
    'prometheus-password',
    'datadog-api-key',
    'datadog-application-key',
    'token',
  ]
    .map((name) => core.getInput(name))
    .filter((v) => v !== '');
  return [
    ...values,
    ...basicAuthSecrets(core.getInput('prometheus-username'), core.getInput('prometheus-password')),
  ];
}

/** The GitOps repository: a URL as given, a path relative to the workspace; token in a header. */
function gitopsRemote(workspace: string): GitOpsRemote | null {
  const given = core.getInput('gitops-repository');
  if (!given) return null;
  const url = /^[a-z][a-z0-9+.-]*:\/\//i.test(given) ? given : resolve(workspace, given);
  const token = core.getInput('token');
  return token ? { url, token } : { url };
}

function readTime(): Date | undefined {
  const time = core.getInput('time');
  const at = time ? new Date(time) : undefined;
  if (at && Number.isNaN(at.getTime())) {
    throw inputError(`time "${time}" is not a date.`, {
      field: 'time',
      fix: 'Use ISO 8601, e.g. 2026-11-24T12:00:00Z.',
    });
  }
  return at;
}

function readDeploymentId(): number | null {
  const text = core.getInput('deployment-id');
  if (!text) return null;
  if (!/^[1-9]\d{0,15}$/.test(text)) {
    throw inputError(`deployment-id "${text}" is not a deployment id.`, {
      field: 'deployment-id',
      fix: "Pass promote-env's deployment-id output (a number), or leave it empty.",
    });
  }
  return Number(text);
}

export async function run(): Promise<void> {
  try {
    for (const value of secrets()) core.setSecret(value);
    const workspace = process.env.GITHUB_WORKSPACE ?? process.cwd();
    const { text, source } = await readPolicy(workspace);
    const at = readTime();
    const deploymentId = readDeploymentId();
    const environment = core.getInput('environment');
    const remote = gitopsRemote(workspace);
    if (remote && !environment) {
      throw inputError('gitops-repository is given but not the environment to read from it.', {
        field: 'environment',
        fix: 'Set environment (e.g. prod) to the environment whose canary the gate measures.',
      });
    }
    const gated = await gateEnvironment(
      parseSloPolicy(text, source),
      source,
      remote ? { environment, remote, readCanary } : null,
      { environment: 'environment', gitops: 'gitops-repository' },
    );
    const { provider, queries } = connectSloGate(
      gated.policy,
      {
        prometheusUrl: core.getInput('prometheus-url'),
        prometheusToken: core.getInput('prometheus-token'),
        prometheusUsername: core.getInput('prometheus-username'),
        prometheusPassword: core.getInput('prometheus-password'),
        datadogSite: core.getInput('datadog-site'),
        datadogApiKey: core.getInput('datadog-api-key'),
        datadogApplicationKey: core.getInput('datadog-application-key'),
      },
      source,
    );
    const report = await runSloGate({
      policy: gated.policy,
      provider,
      queries,
      step: gated.step,
      target: gated.target,
      ...(at ? { at } : {}),
      onSample: (sample, i, of) => core.info(`sample ${i + 1}/${of} at ${sample.at}: ${sample.outcome}`),
    });

    const server = process.env.GITHUB_SERVER_URL ?? 'https://github.com';
    const repository = process.env.GITHUB_REPOSITORY ?? '';
    const runUrl = `${server}/${repository}/actions/runs/${process.env.GITHUB_RUN_ID ?? ''}`;
    const texts = renderSloGateTexts(report, { environment, secrets: secrets() });
    const file = join(process.env.RUNNER_TEMP ?? workspace, 'relx-slo-gate-report.json');
    writeFileSync(file, `${texts.json}\n`);
    core.setOutput('verdict', report.verdict);
    core.setOutput('passed', String(report.passed));
    core.setOutput('report', texts.json);
    core.setOutput('report-file', file);
    core.setOutput('report-url', runUrl);
    core.setOutput('baked-seconds', report.bakeProgress ? String(report.bakeProgress.bakedSeconds) : '');
    core.setOutput('bake-seconds', report.bakeProgress ? String(report.bakeProgress.bakeSeconds) : '');
    core.setOutput('canary-version', report.target?.canaryVersion ?? '');
    core.setOutput('stable-version', report.target?.stableVersion ?? '');
    await core.summary
      .addRaw(fitStepSummary(texts.summary, { whereFull: `the \`report-file\` output (${file})` }).text)
      .write();

    const octokit = () =>
      github.getOctokit(core.getInput('token'), {
        baseUrl: process.env.GITHUB_API_URL ?? 'https://api.github.com',
      }).request as unknown as GitHubRequest;
    if (deploymentId !== null && report.verdict !== 'baking') {
      const [owner = '', repo = ''] = repository.split('/');
      const state = report.passed ? 'success' : 'failure';
      await new GitHubDeployments(octokit(), owner, repo).status(
        deploymentId,
        state,
        scrubSecrets(`SLO gate ${report.verdict}: ${report.reason}`, secrets()),
        runUrl,
      );
      core.info(`Deployment ${deploymentId}: ${state}.`);
    }
    const rollbackRepository = core.getInput('rollback-repository');
    const request = planRollbackRequest(report, gated, {
      environment,
      reportUrl: runUrl,
      runUrl,
    });
    if (request && rollbackRepository) {
      await sendRepositoryDispatch(octokit(), {
        repository: rollbackRepository,
        eventType: core.getInput('rollback-event-type') || 'relx-rollback-requested',
        payload: JSON.parse(scrubSecrets(JSON.stringify(request), secrets())) as Record<string, unknown>,
      });
      core.info(
        `Asked ${rollbackRepository} to ${request.canary ? 'abort the canary' : 'roll back'} ${request.release ?? ''} in ${environment || 'the environment'}.`,
      );
    }
    if (report.verdict === 'baking') core.notice(texts.failure ?? report.reason);
    else if (texts.failure) core.setFailed(texts.failure);
  } catch (error) {
    core.setFailed(scrubSecrets(renderError(error), secrets()));
  }
}
