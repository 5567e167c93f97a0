import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import * as core from '@actions/core';
import { inputError, renderError } from '../../../../src/relx-error.js';
import {
  promoteEnvironment,
  readManifestForPromotion,
  rollbackComponent,
  rollbackEnvironment,
  type PromotionResult,
} from '../../../../src/promotion/promote-environment.js';
import { escapeSummaryText } from '../../../../src/release-plan/render-plan.js';

/** The promotion step of promote-env: inputs arrive through env (INPUT_*), never through the shell. */
export async function run(): Promise<void> {
  try {
    const token = core.getInput('token');
    if (token) core.setSecret(token);
    const workspace = process.env.GITHUB_WORKSPACE ?? process.cwd();
    const environment = core.getInput('environment', { required: true });
    const server = process.env.GITHUB_SERVER_URL ?? 'https://github.com';
    const repository = process.env.GITHUB_REPOSITORY ?? '';
    const given = core.getInput('gitops_repository');
    const url = given
      ? /^[a-z]+:\/\//.test(given)
        ? given
        : resolve(workspace, given)
      : `${server}/${repository}`;
    const context = {
      remote: token ? { url, token } : { url },
      environment,
      approvedBy: core.getInput('approved_by') || null,
      run: `${server}/${repository}/actions/runs/${process.env.GITHUB_RUN_ID ?? ''}`,
      dryRun: core.getBooleanInput('dry_run'),
      onProgress: (message: string) => core.info(message),
    };
    const component = core.getInput('rollback_component');
    const version = core.getInput('rollback_version') || undefined;
    let result: PromotionResult;
    if (component) result = await rollbackComponent(context, component, version);
    else if (core.getBooleanInput('rollback')) result = await rollbackEnvironment(context, version);
    else {
      const file = core.getInput('manifest');
      if (!file)
        throw inputError('No manifest to promote.', {
          field: 'manifest',
          fix: "Pass write-manifest's `path` output (or set rollback).",
        });
      const text = await readFile(resolve(workspace, file), 'utf8').catch(() => {
        throw inputError(`Cannot read the manifest ${file}.`, {
          field: 'manifest',
          fix: 'Check the path (relative to the workspace).',
        });
      });
      result = await promoteEnvironment(context, readManifestForPromotion(text, file), {
        hotfix: core.getBooleanInput('hotfix'),
      });
    }
    core.setOutput('status', result.status);
    core.setOutput('commit', result.commit ?? '');
    core.setOutput('release', result.manifest);
    core.setOutput('previous', result.previous ?? '');
    const e = escapeSummaryText;
    const record = result.record;
    await core.summary
      .addRaw(
        [
          `## ${e(environment)}: ${result.status === 'unchanged' ? `already runs ${e(result.manifest)}` : result.status === 'planned' ? `would run ${e(result.manifest)} (dry run)` : `now runs ${e(result.manifest)}`}`,
          '',
          `| | |`,
          `|---|---|`,
          `| release | ${e(result.manifest)} |`,
          `| previous | ${e(result.previous ?? '—')} |`,
          `| GitOps commit | ${e(result.commit ?? '—')} |`,
          `| approved by | ${e(record?.approvedBy ?? '—')} |`,
          `| hotfix | ${record?.hotfix ? 'yes (environment order skipped)' : 'no'} |`,
          record?.rollbackOf
            ? `| rollback of | ${e(record.rollbackOf)}${record.component ? ` (${e(record.component)} only)` : ''} |`
            : '',
          `| files | ${result.files.map((f) => `\`${e(f)}\``).join(', ') || '—'} |`,
          '',
        ]
          .filter((l) => l !== '')
          .join('\n') + '\n',
      )
      .write();
  } catch (error) {
    core.setFailed(renderError(error));
  }
}
