import * as core from '@actions/core';
import { parseReleaseManifest, manifestVersions } from '../../src/manifest/release-manifest.js';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { ApplyReleaseResult } from '../../src/release/apply-release-plan.js';
import { inputError } from '../../src/relx-error.js';
import type { RelxConfig } from '../../src/workspace/relx-config.js';
import { releasePullRequestSettings } from '../../src/release-pr/run-release-pull-request.js';

export type Mode = 'direct' | 'release-pr';

/** The `mode` input, else the config's `releasePullRequest.enabled`; direct is the default. */
export function readMode(config: RelxConfig): Mode {
  const input = core.getInput('mode');
  if (input === '') return releasePullRequestSettings(config).enabled ? 'release-pr' : 'direct';
  if (input === 'direct' || input === 'release-pr') return input;
  throw inputError(`mode is "${input}".`, { field: 'mode', fix: 'Use `direct` or `release-pr`.' });
}

/** `verified-commits`: true/false, or empty for the mode's default (on in release-PR mode, per config). */
export function readVerified(): boolean | null {
  const input = core.getInput('verified-commits');
  if (input === '') return null;
  return core.getBooleanInput('verified-commits');
}

/** The manifest now in production (a file of the GitOps repository), as component → version. */
export async function readProduction(cwd: string): Promise<Map<string, string> | null> {
  const path = core.getInput('production-manifest');
  if (!path) return null;
  const text = await readFile(resolve(cwd, path), 'utf8').catch(() => {
    throw inputError(`Cannot read the production manifest ${path}.`, {
      field: 'production-manifest',
      fix: 'Check out the GitOps repository and name its environments/<production>/ manifest file, or leave the input empty.',
    });
  });
  return manifestVersions(parseReleaseManifest(text, path));
}

/** The outputs bump-version gives after a release, the same in both modes. */
export function setReleaseOutputs(results: readonly ApplyReleaseResult[]): void {
  const components = results.flatMap((r) => r.components.map((c) => ({ ...c, sha: r.commit })));
  core.setOutput(
    'released',
    JSON.stringify(
      Object.fromEntries(
        components.map((c) => [c.component, { version: c.version, tag: c.tag, sha: c.sha }]),
      ),
    ),
  );
  core.setOutput('tags', JSON.stringify(components.map((c) => c.tag)));
  core.setOutput('commit', results.at(-1)?.commit ?? '');
}
