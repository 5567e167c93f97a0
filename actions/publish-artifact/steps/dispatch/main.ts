import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import * as core from '@actions/core';
import * as github from '@actions/github';
import type { GitHubRequest } from '../../../../src/github/github-request.js';
import { sendRepositoryDispatch } from '../../../../src/github/repository-dispatch.js';
import { commitHoldingFile } from '../../../../src/git/commit-holding-file.js';
import { parsePublishedList, type PublishedList } from '../../../../src/manifest/published-list.js';
import { parseReleaseManifest } from '../../../../src/manifest/release-manifest.js';
import { releaseDispatch } from '../../../../src/publish/release-dispatch.js';
import { inputError, renderError } from '../../../../src/relx-error.js';

const input = (name: string) => core.getInput(name.replaceAll('-', '_')) || core.getInput(name);

/** Hands the release to CD: a repository_dispatch, its limits checked before it is sent. */
export async function run(): Promise<void> {
  try {
    const token = input('token');
    if (token) core.setSecret(token);
    const target = input('repository') || process.env.GITHUB_REPOSITORY || '';
    const workspace = process.env.GITHUB_WORKSPACE ?? '.';
    const manifestPath = input('manifest');
    const manifest = manifestPath
      ? await readFile(resolve(workspace, manifestPath), 'utf8').then(
          async (text) => ({
            path: manifestPath,
            text,
            name: parseReleaseManifest(text, manifestPath).metadata.name,
            // where CD fetches it when it is too large for the payload
            commit: await commitHoldingFile(workspace, manifestPath, text),
          }),
          () => {
            throw inputError(`Cannot read the manifest ${manifestPath}.`, {
              field: 'manifest',
              fix: "Pass write-manifest's `path` output.",
            });
          },
        )
      : null;
    const published: PublishedList | null = input('published')
      ? parsePublishedList(input('published'), 'input `published`')
      : null;
    if (!manifest && !published) {
      throw inputError('Nothing to hand over.', {
        field: 'manifest',
        fix: "Pass write-manifest's `path`, or publish-artifact's `published`.",
      });
    }
    const server = process.env.GITHUB_SERVER_URL ?? 'https://github.com';
    const repository = process.env.GITHUB_REPOSITORY ?? '';
    const dispatch = releaseDispatch({
      repository: target,
      eventType: input('event-type'),
      source: {
        repository,
        commit: published?.source.commit ?? process.env.GITHUB_SHA ?? '',
        runUrl: process.env.GITHUB_RUN_ID
          ? `${server}/${repository}/actions/runs/${process.env.GITHUB_RUN_ID}`
          : null,
      },
      manifest,
      published: manifest ? null : published,
    });
    const octokit = github.getOctokit(token, {
      baseUrl: process.env.GITHUB_API_URL ?? 'https://api.github.com',
    });
    await sendRepositoryDispatch(octokit.request as unknown as GitHubRequest, dispatch);
    core.info(`Sent ${dispatch.eventType} to ${target}${manifest ? ` for ${manifest.name}` : ''}.`);
    await core.summary
      .addRaw(
        `## Handed to CD\n\n\`${dispatch.eventType}\` sent to \`${target}\`${manifest ? ` with release ${manifest.name} (\`${manifest.path}\`)` : ' with the published list'}.\n`,
      )
      .write();
  } catch (error) {
    core.setFailed(renderError(error));
  }
}
