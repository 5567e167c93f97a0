import { resolve } from 'node:path';
import * as core from '@actions/core';
import {
  engineStatusSources,
  parseCommit,
  parseEngineConnection,
  parseWaitDuration,
} from '../../../../src/engine/engine-status-sources.js';
import { EnvironmentRevisions } from '../../../../src/engine/environment-revisions.js';
import { waitForEngine } from '../../../../src/engine/wait-for-engine.js';
import { formatSeconds } from '../../../../src/http/retry-policy.js';
import type { GitOpsRemote } from '../../../../src/promotion/gitops-repository.js';
import { renderError } from '../../../../src/relx-error.js';
import { escapeSummaryText } from '../../../../src/release-plan/render-plan.js';
import { rememberSecret, scrubSecrets } from '../../../../src/secret-scrubber.js';

/**
 * The wait step of promote-env (`wait-for: argocd|flux`): after the promotion commit, wait until
 * the engine has applied it and reports it healthy. Outputs `engine-status` (applied, failed,
 * timeout, or error when the engine could not be asked) and `engine-reason`; the step fails
 * unless applied, and the finish step marks the deployment from them. When the promotion changed
 * nothing (a re-run after a failed or killed wait), there is no new commit: the wait is on the
 * commit that put the environment in its current state — never skipped.
 */
export async function run(): Promise<void> {
  const tokens = [core.getInput('argocd_token'), core.getInput('kube_token'), core.getInput('token')];
  for (const token of tokens.filter(Boolean)) {
    core.setSecret(token);
    rememberSecret(token);
  }
  const scrub = (text: string) => scrubSecrets(text, tokens);
  let revisions: EnvironmentRevisions | null = null;
  try {
    const environment = core.getInput('environment', { required: true });
    revisions = await EnvironmentRevisions.open(gitopsRemoteOfInputs(), environment);
    const given = core.getInput('commit');
    const commit = given ? parseCommit(given, 'commit') : await revisions.lastCommit();
    if (!given) {
      core.info(
        `The promotion changed nothing: waiting on ${commit.slice(0, 12)}, the commit that put ${environment} in its current state.`,
      );
    }
    const timeoutMs = parseWaitDuration(core.getInput('wait_timeout') || '10m', 'wait-timeout');
    const connection = parseEngineConnection(
      {
        engine: core.getInput('wait_for'),
        argocd: {
          url: core.getInput('argocd_url'),
          application: core.getInput('argocd_application'),
          token: core.getInput('argocd_token'),
        },
        flux: {
          kubeApiUrl: core.getInput('kube_api_url'),
          kustomization: core.getInput('flux_kustomization'),
          token: core.getInput('kube_token'),
        },
      },
      {
        engine: 'wait-for',
        argocd: { url: 'argocd-url', name: 'argocd-application', token: 'argocd-token' },
        flux: { url: 'kube-api-url', name: 'flux-kustomization', token: 'kube-token' },
      },
    );
    // a later commit of another environment moves the engine past ours: the clone tells whether ours still holds
    const source = engineStatusSources[connection.engine](connection, commit, {
      onProgress: (l) => core.info(l),
      ancestry: revisions,
    });
    const result = await waitForEngine(source, { timeoutMs, onProgress: (line) => core.info(line) });
    core.setOutput('engine-status', result.outcome);
    core.setOutput('engine-reason', scrub(result.reason));
    const line = `${source.what}: ${result.outcome} — ${result.reason} (after ${formatSeconds(result.elapsedMs)})`;
    await core.summary
      .addRaw(`**${result.outcome === 'applied' ? '✅' : '❌'} ${escapeSummaryText(scrub(line))}**\n`)
      .write();
    if (result.outcome === 'applied') core.info(scrub(line));
    else core.setFailed(scrub(line));
  } catch (error) {
    const message = scrub(renderError(error));
    core.setOutput('engine-status', 'error');
    core.setOutput('engine-reason', message.split('\n')[0] ?? message);
    core.setFailed(message);
  } finally {
    revisions?.close();
  }
}

/** The GitOps repository as the promote step reads it: a URL, a path in the workspace, or this repository. */
function gitopsRemoteOfInputs(): GitOpsRemote {
  const token = core.getInput('token');
  const given = core.getInput('gitops_repository');
  const url = given
    ? /^[a-z]+:\/\//.test(given)
      ? given
      : resolve(process.env.GITHUB_WORKSPACE ?? process.cwd(), given)
    : `${process.env.GITHUB_SERVER_URL ?? 'https://github.com'}/${process.env.GITHUB_REPOSITORY ?? ''}`;
  return token ? { url, token } : { url };
}
