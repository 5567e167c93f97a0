import { resolve } from 'node:path';
import * as core from '@actions/core';
import * as github from '@actions/github';
import { readHead } from '../../../../src/git/git-refs.js';
import { GitDataApi } from '../../../../src/github/git-data-api.js';
import type { GitHubRequest } from '../../../../src/github/github-request.js';
import { commitThroughApi } from '../../../../src/release-pr/verified-commits.js';
import { inputError, renderError } from '../../../../src/relx-error.js';

interface Inputs {
  workingDirectory: string;
  branch: string | null;
  token: string;
}

function readInputs(): Inputs {
  const token = core.getInput('token');
  if (token) core.setSecret(token);
  return {
    workingDirectory: resolve(process.env.GITHUB_WORKSPACE ?? '.', core.getInput('working-directory') || '.'),
    branch: core.getInput('branch') || null,
    token,
  };
}

/** The checkout's new commits (write-manifest's, with `push: false`) made through the API instead of pushed. */
export async function run(): Promise<void> {
  try {
    const inputs = readInputs();
    const cwd = inputs.workingDirectory;
    const branch = inputs.branch ?? (await readHead(cwd)).branch;
    const [owner = '', repo = ''] = (process.env.GITHUB_REPOSITORY ?? '').split('/');
    if (!branch || !owner || !inputs.token)
      throw inputError('push-verified needs the branch, GITHUB_REPOSITORY and a token.', {
        field: 'branch',
        fix: 'Check out the branch (or set `branch`), and pass `token` (contents: write).',
      });
    const request = github.getOctokit(inputs.token, {
      baseUrl: process.env.GITHUB_API_URL ?? 'https://api.github.com',
    }).request as unknown as GitHubRequest;
    const made = await commitThroughApi(cwd, {
      remote: 'origin',
      branch,
      token: inputs.token,
      api: new GitDataApi(request, owner, repo),
    });
    for (const [local, signed] of made)
      core.info(`${local.slice(0, 7)} made by GitHub as ${signed.slice(0, 7)}`);
    core.setOutput('commit', [...made.values()].at(-1) ?? '');
  } catch (error) {
    core.setFailed(renderError(error));
  }
}
