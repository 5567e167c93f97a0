import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GitHubRequest } from '../github/github-request.js';
import { runGit } from '../git/run-git.js';
import { resolveSourceRepository } from '../git/source-repository.js';
import type { RegistryCredentials } from '../oci/registry-client.js';
import { inputError } from '../relx-error.js';
import type { WriteBoundary } from '../release/write-boundary.js';
import type { Component } from '../workspace/component.js';
import { loadWorkspace } from '../workspace/load-workspace.js';
import { lineDistTags, publishBranch } from './line-dist-tags.js';
import { publishRelease, type PublishReleaseResult } from './publish-release.js';
import { builtFrom, releasedAtCommit } from './released-components.js';
import { attestationSubjects } from './render-publish-summary.js';

/** What `relx publish` and publish-artifact's publish step are asked to do. */
export interface PublishStepInput {
  /** The repository, checked out at the release commit. */
  root: string;
  /** The config file, relative to `root`; null for relx.config.yaml when it exists. */
  configFile: string | null;
  /** component → version (bump-version's `released`); null for the release tags at HEAD. */
  released: ReadonlyMap<string, string> | null;
  /** The branch released from, for its maintenance line; null for the checked-out branch. */
  branch: string | null;
  /** The branch the CI run is for, used when the checkout is detached. */
  runnerBranch: string | null;
  /** The source repository recorded in the published list (owner/name); null for the GitHub origin's. */
  repository: string | null;
  runUrl: string | null;
  npm: { registry: string; token?: string; distTag?: string; provenance: boolean };
  oci: { credentials: RegistryCredentials };
  /** GitHub, for release-assets components (their files go on the component's GitHub Release). */
  github?: GitHubRequest;
  dryRun: boolean;
  /** The directory the published list and its attestation checksums are written to; null writes none. */
  filesDir: string | null;
  onProgress?: (message: string) => void;
  /** Test hook around every registry write (see release/write-boundary.ts). */
  boundary?: WriteBoundary;
}

export interface PublishStepResult extends PublishReleaseResult {
  /** The files written under `filesDir`: the list, and the checksums to attest (null when none or a dry run). */
  files: { published: string; checksums: string | null } | null;
}

/** bump-version's `released` output (component → {version}) as component → version. */
export function parseReleased(text: string): Map<string, string> {
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

function checkReleasedComponents(released: ReadonlyMap<string, string>, components: readonly Component[]) {
  for (const name of released.keys()) {
    if (!components.some((c) => c.name === name)) {
      throw inputError(`released names ${name}, which the repository does not have.`, {
        field: 'released',
        fix: 'Publish from the repository bump-version released.',
      });
    }
  }
}

function writePublishedFiles(dir: string, result: PublishReleaseResult, dryRun: boolean) {
  const published = join(dir, 'relx-published.json');
  writeFileSync(published, `${JSON.stringify(result.list, null, 2)}\n`);
  const subjects = attestationSubjects(result.list);
  const checksums = join(dir, 'relx-published.sha256');
  writeFileSync(checksums, subjects.length > 0 ? `${subjects.join('\n')}\n` : '');
  return { published, checksums: subjects.length > 0 && !dryRun ? checksums : null };
}

/**
 * Publishes each component released at the commit checked out, once: what is already there is
 * skipped, so a re-run finishes what a failed run left. A release on a maintenance line or train
 * branch goes to its own npm dist-tag, never moving `latest` below the component's highest version.
 */
export async function publishStep(input: PublishStepInput): Promise<PublishStepResult> {
  const { root } = input;
  const workspace = await loadWorkspace(root, input.configFile ? { configFile: input.configFile } : {});
  const { components } = workspace;
  const commit = (await runGit(root, ['rev-parse', 'HEAD'])).trim();
  const released = input.released ?? (await releasedAtCommit(root, components, commit));
  checkReleasedComponents(released, components);
  const branch = (await publishBranch(root, input.branch ?? undefined, {})) ?? input.runnerBranch;
  const result = await publishRelease({
    root,
    components,
    released,
    distTags: await lineDistTags(root, components, released, branch, workspace.config),
    commit,
    builtFrom: await builtFrom(root, commit),
    repository: await resolveSourceRepository(root, input.repository ?? undefined, {}),
    runUrl: input.runUrl,
    npm: input.npm,
    oci: input.oci,
    ...(input.github ? { github: input.github } : {}),
    dryRun: input.dryRun,
    ...(input.onProgress ? { onProgress: input.onProgress } : {}),
    ...(input.boundary ? { boundary: input.boundary } : {}),
  });
  const files = input.filesDir ? writePublishedFiles(input.filesDir, result, input.dryRun) : null;
  return { ...result, files };
}
