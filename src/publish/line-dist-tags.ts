import { readHead } from '../git/git-refs.js';
import { runGit } from '../git/run-git.js';
import {
  branchFromGitHubRef,
  lineDistTag,
  resolveMaintenanceLine,
} from '../release-plan/maintenance-line.js';
import { withInferredTagFormats } from '../versioning/tag-convention.js';
import { prereleaseId } from '../versioning/compare-versions.js';
import { tagMatcher } from '../versioning/tag-format.js';
import type { Component } from '../workspace/component.js';
import type { RelxConfig } from '../workspace/relx-config.js';

/**
 * The branch a publish runs for: `--branch`/the `branch` input, else the checked-out branch, else
 * the branch GitHub ran the workflow for (a detached checkout).
 */
export async function publishBranch(
  root: string,
  override: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
): Promise<string | null> {
  if (override) return override;
  return (await readHead(root)).branch ?? branchFromGitHubRef(env);
}

/**
 * The npm dist-tag of each stable npm release made on a maintenance line or train branch (see
 * lineDistTag): never `latest` for a version below the component's highest tag. Empty off a line,
 * where a stable version goes to `latest` and a pre-release to its identifier, as before.
 */
export async function lineDistTags(
  root: string,
  components: readonly Component[],
  released: ReadonlyMap<string, string>,
  branch: string | null,
  config: Pick<RelxConfig, 'maintenance' | 'trains'>,
): Promise<Map<string, string>> {
  const tags = new Map<string, string>();
  const line = resolveMaintenanceLine(branch, config);
  if (!line) return tags;
  const allTags = (await runGit(root, ['tag'])).split('\n').filter(Boolean);
  for (const component of withInferredTagFormats(components, allTags).components) {
    const version = released.get(component.name);
    if (component.type !== 'npm-package' || !version || prereleaseId(version) !== null) continue;
    const versionOf = tagMatcher(component.tagFormat, component);
    const versions = allTags.map(versionOf).filter((v): v is string => v !== null);
    tags.set(component.name, lineDistTag(line, version.split('+')[0] ?? version, versions));
  }
  return tags;
}
