import { writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import * as core from '@actions/core';
import * as github from '@actions/github';
import type { GitHubRequest } from '../../src/github/github-request.js';
import { sendRepositoryDispatch } from '../../src/github/repository-dispatch.js';
import { inputError, renderError } from '../../src/relx-error.js';
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

export async function run(): Promise<void> {
  try {
    for (const value of secrets()) core.setSecret(value);
    const workspace = process.env.GITHUB_WORKSPACE ?? process.cwd();
    const { text, source } = await readPolicy(workspace);
    const policy = parseSloPolicy(text, source);
    const time = core.getInput('time');
    const at = time ? new Date(time) : undefined;
    if (at && Number.isNaN(at.getTime())) {
      throw inputError(`time "${time}" is not a date.`, {
        field: 'time',
        fix: 'Use ISO 8601, e.g. 2026-11-24T12:00:00Z.',
      });
    }
    const { provider, queries } = connectSloGate(
      policy,
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
    const rollbackRepository = core.getInput('rollback-repository');
    const environment = core.getInput('environment');
    const report = await runSloGate({
      policy,
      provider,
      queries,
      ...(at ? { at } : {}),
      onSample: (sample, i, of) => core.info(`sample ${i + 1}/${of} at ${sample.at}: ${sample.outcome}`),
    });

    const texts = renderSloGateTexts(report, { environment, secrets: secrets() });
    const file = join(process.env.RUNNER_TEMP ?? workspace, 'relx-slo-gate-report.json');
    writeFileSync(file, `${texts.json}\n`);
    core.setOutput('verdict', report.verdict);
    core.setOutput('passed', String(report.passed));
    core.setOutput('report', texts.json);
    core.setOutput('report-file', file);
    await core.summary
      .addRaw(fitStepSummary(texts.summary, { whereFull: `the \`report-file\` output (${file})` }).text)
      .write();

    if (!report.passed && rollbackRepository) {
      const server = process.env.GITHUB_SERVER_URL ?? 'https://github.com';
      const runUrl = `${server}/${process.env.GITHUB_REPOSITORY ?? ''}/actions/runs/${process.env.GITHUB_RUN_ID ?? ''}`;
      await sendRepositoryDispatch(
        github.getOctokit(core.getInput('token'), {
          baseUrl: process.env.GITHUB_API_URL ?? 'https://api.github.com',
        }).request as unknown as GitHubRequest,
        {
          repository: rollbackRepository,
          eventType: core.getInput('rollback-event-type') || 'relx-rollback-requested',
          payload: {
            environment,
            verdict: report.verdict,
            reason: scrubSecrets(report.reason, secrets()),
            run_url: runUrl,
          },
        },
      );
      core.info(`Asked ${rollbackRepository} to roll ${environment || 'the environment'} back.`);
    }
    if (texts.failure) core.setFailed(texts.failure);
  } catch (error) {
    core.setFailed(scrubSecrets(renderError(error), secrets()));
  }
}
