import { runGit } from '../git/run-git.js';
import { withInferredTagFormats } from '../versioning/tag-convention.js';
import { tagMatcher } from '../versioning/tag-format.js';
import type { Component } from '../workspace/component.js';

/** What was released at a commit: its release tags, read back through each component's tag format. */
export async function releasedAtCommit(
  root: string,
  components: readonly Component[],
  commit: string,
): Promise<Map<string, string>> {
  const lines = async (args: string[]) => (await runGit(root, args)).split('\n').filter(Boolean);
  const [tags, allTags] = await Promise.all([lines(['tag', '--points-at', commit]), lines(['tag'])]);
  const released = new Map<string, string>();
  // The plan tagged each component in the convention inferred from the repository's tags.
  for (const component of withInferredTagFormats(components, allTags).components) {
    const versionOf = tagMatcher(component.tagFormat, component);
    for (const tag of tags) {
      const version = versionOf(tag);
      if (version) released.set(component.name, version);
    }
  }
  return released;
}

/**
 * The commit CI built the artifacts from: for a release commit (bump-version's), the commit its
 * plan was made at (the `Relx-Release-Of` trailer); otherwise the commit itself. Image sources
 * such as `…:sha-{shortSha}` name this one.
 */
export async function builtFrom(root: string, commit: string): Promise<string> {
  const trailer = (
    await runGit(root, ['log', '-1', '--format=%(trailers:key=Relx-Release-Of,valueonly)', commit])
  ).trim();
  return /^[0-9a-f]{40}$/.test(trailer) ? trailer : commit;
}
