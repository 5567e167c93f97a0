import { runGit } from '../git/run-git.js';
import { tagMatcher } from '../versioning/tag-format.js';
import type { Component } from '../workspace/component.js';

/** What was released at a commit: its release tags, read back through each component's tag format. */
export async function releasedAtCommit(
  root: string,
  components: readonly Component[],
  commit: string,
): Promise<Map<string, string>> {
  const tags = (await runGit(root, ['tag', '--points-at', commit])).split('\n').filter(Boolean);
  const released = new Map<string, string>();
  for (const component of components) {
    const versionOf = tagMatcher(component.tagFormat, component.name);
    for (const tag of tags) {
      const version = versionOf(tag);
      if (version) released.set(component.name, version);
    }
  }
  return released;
}
