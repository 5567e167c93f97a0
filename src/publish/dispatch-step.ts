import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { commitHoldingFile } from '../git/commit-holding-file.js';
import type { GitHubRequest } from '../github/github-request.js';
import {
  sendRepositoryDispatch,
  validateDispatch,
  type RepositoryDispatch,
} from '../github/repository-dispatch.js';
import { parsePublishedList, type PublishedList } from '../manifest/published-list.js';
import { parseReleaseManifest } from '../manifest/release-manifest.js';
import { inputError } from '../relx-error.js';
import { releaseDispatch } from './release-dispatch.js';

/** What `relx dispatch` and publish-artifact/dispatch are asked to hand to CD. */
export interface DispatchStepInput {
  /** The checkout a relative manifest path is read from. */
  workspace: string;
  /** The CD repository the dispatch goes to (owner/name). */
  repository: string;
  /** The event type; '' for relx-release-published. */
  eventType: string;
  /** The release manifest file (write-manifest's `path`), relative to `workspace`; null for none. */
  manifestPath: string | null;
  /** Without a manifest, the published list's text and where it came from (for errors). */
  published: { text: string; from: string } | null;
  /** The release's source: its repository, the commit built (unless the published list names one), the run. */
  source: { repository: string; commit: string | null; runUrl: string | null };
  github: GitHubRequest;
  /** Check the dispatch against GitHub's limits and stop; send nothing. */
  dryRun?: boolean;
}

export interface DispatchStepResult {
  dispatch: RepositoryDispatch;
  /** The release manifest handed over, or null when the published list went instead. */
  manifest: { path: string; name: string } | null;
  sent: boolean;
}

async function readManifest(workspace: string, path: string) {
  const text = await readFile(resolve(workspace, path), 'utf8').catch(() => {
    throw inputError(`Cannot read the manifest ${path}.`, {
      field: 'manifest',
      fix: "Pass write-manifest's `path` output.",
    });
  });
  return {
    path,
    text,
    name: parseReleaseManifest(text, path).metadata.name,
    // where CD fetches it when it is too large for the payload
    commit: await commitHoldingFile(workspace, path, text),
  };
}

/** Hands the release to CD: a repository_dispatch, its limits checked before it is sent. */
export async function dispatchStep(input: DispatchStepInput): Promise<DispatchStepResult> {
  const manifest = input.manifestPath ? await readManifest(input.workspace, input.manifestPath) : null;
  const published: PublishedList | null = input.published
    ? parsePublishedList(input.published.text, input.published.from)
    : null;
  if (!manifest && !published) {
    throw inputError('Nothing to hand over.', {
      field: 'manifest',
      fix: "Pass write-manifest's `path`, or publish-artifact's `published`.",
    });
  }
  const dispatch = releaseDispatch({
    repository: input.repository,
    eventType: input.eventType,
    source: {
      repository: input.source.repository,
      commit: published?.source.commit ?? input.source.commit ?? '',
      runUrl: input.source.runUrl,
    },
    manifest,
    published: manifest ? null : published,
  });
  if (input.dryRun) validateDispatch(dispatch);
  else await sendRepositoryDispatch(input.github, dispatch);
  return {
    dispatch,
    manifest: manifest ? { path: manifest.path, name: manifest.name } : null,
    sent: !input.dryRun,
  };
}
