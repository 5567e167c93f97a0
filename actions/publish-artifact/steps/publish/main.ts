import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as core from '@actions/core';
import * as github from '@actions/github';
import type { GitHubRequest } from '../../../../src/github/github-request.js';
import { runGit } from '../../../../src/git/run-git.js';
import { publishRelease } from '../../../../src/publish/publish-release.js';
import { lineDistTags, publishBranch } from '../../../../src/publish/line-dist-tags.js';
import { builtFrom, releasedAtCommit } from '../../../../src/publish/released-components.js';
import {
  attestationSubjects,
  renderPublishFailure,
  renderPublishSummary,
} from '../../../../src/publish/render-publish-summary.js';
import { inputError, renderError } from '../../../../src/relx-error.js';
import { loadWorkspace } from '../../../../src/workspace/load-workspace.js';

/** Composite steps get inputs through env; a name may come as INPUT_NPM_TOKEN or INPUT_NPM-TOKEN. */
const input = (name: string) => core.getInput(name.replaceAll('-', '_')) || core.getInput(name);

function releasedInput(text: string): Map<string, string> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw inputError('`released` is not JSON.', {
      field: 'released',
      fix: "Pass bump-version's `released` output unmodified.",
    });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw inputError('`released` must be an object of component → {version}.', {
      field: 'released',
      fix: "Pass bump-version's `released` output.",
    });
  }
  return new Map(
    Object.entries(value as Record<string, { version?: unknown }>).map(([component, entry]) => {
      if (typeof entry?.version !== 'string') {
        throw inputError(`released.${component} has no version.`, {
          field: `released.${component}`,
          fix: "Pass bump-version's `released` output.",
        });
      }
      return [component, entry.version];
    }),
  );
}

export async function run(): Promise<void> {
  try {
    for (const secret of ['npm-token', 'oci-password', 'github-token'])
      if (input(secret)) core.setSecret(input(secret));
    const cwd = resolve(process.env.GITHUB_WORKSPACE ?? '.', input('working-directory') || '.');
    const config = input('config');
    const workspace = await loadWorkspace(cwd, config ? { configFile: config } : {});
    const { components } = workspace;
    const commit = (await runGit(cwd, ['rev-parse', 'HEAD'])).trim();
    const released = input('released')
      ? releasedInput(input('released'))
      : await releasedAtCommit(cwd, components, commit);
    for (const name of released.keys()) {
      if (!components.some((c) => c.name === name)) {
        throw inputError(`released names ${name}, which the repository does not have.`, {
          field: 'released',
          fix: 'Publish from the repository bump-version released.',
        });
      }
    }
    const server = process.env.GITHUB_SERVER_URL ?? 'https://github.com';
    const repository = process.env.GITHUB_REPOSITORY ?? '';
    const dryRun = input('dry-run') === 'true';
    const npmToken = input('npm-token');
    const ociUser = input('oci-username');
    const ociPassword = input('oci-password');
    // A release on a maintenance line or train branch goes to its own npm dist-tag, never
    // moving `latest` below the component's highest version.
    const distTags = await lineDistTags(
      cwd,
      components,
      released,
      await publishBranch(cwd, undefined, process.env),
      workspace.config,
    );
    const result = await publishRelease({
      root: cwd,
      components,
      released,
      distTags,
      commit,
      builtFrom: await builtFrom(cwd, commit),
      repository,
      runUrl: process.env.GITHUB_RUN_ID
        ? `${server}/${repository}/actions/runs/${process.env.GITHUB_RUN_ID}`
        : null,
      npm: {
        registry: input('npm-registry') || 'https://registry.npmjs.org/',
        ...(npmToken ? { token: npmToken } : {}),
        ...(input('dist-tag') ? { distTag: input('dist-tag') } : {}),
        provenance: Boolean(process.env.ACTIONS_ID_TOKEN_REQUEST_URL) && input('provenance') !== 'false',
      },
      oci: {
        credentials: {
          ...(ociUser ? { username: ociUser } : {}),
          ...(ociPassword ? { password: ociPassword } : {}),
        },
      },
      ...(input('github-token')
        ? {
            github: github.getOctokit(input('github-token'), {
              baseUrl: process.env.GITHUB_API_URL ?? 'https://api.github.com',
            }).request as unknown as GitHubRequest,
          }
        : {}),
      dryRun,
      onProgress: (message) => core.info(message),
    });
    const temp = process.env.RUNNER_TEMP ?? cwd;
    const file = join(temp, 'relx-published.json');
    const json = JSON.stringify(result.list, null, 2);
    writeFileSync(file, `${json}\n`);
    const checksums = attestationSubjects(result.list);
    const checksumsFile = join(temp, 'relx-published.sha256');
    writeFileSync(checksumsFile, checksums.length > 0 ? `${checksums.join('\n')}\n` : '');
    core.setOutput('published', JSON.stringify(result.list));
    core.setOutput('published-file', file);
    core.setOutput('checksums-file', checksums.length > 0 && !dryRun ? checksumsFile : '');
    await core.summary.addRaw(renderPublishSummary(result, dryRun)).write();
    if (result.failure) core.setFailed(renderPublishFailure(result));
  } catch (error) {
    core.setFailed(renderError(error));
  }
}
