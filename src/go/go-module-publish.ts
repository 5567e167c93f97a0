import { runGit } from '../git/run-git.js';
import { inputError } from '../relx-error.js';
import { goVersion } from '../version-files/go-mod.js';
import { goTagFormat } from '../versioning/go-tag-format.js';
import { renderTag } from '../versioning/tag-format.js';
import type { Component } from '../workspace/component.js';
import { goModuleChecksum } from './module-checksum.js';

/** What the publish step does for a Go module: nothing to upload (the release is its tag), only the pin. */
export interface GoModuleTask {
  component: Component;
  kind: 'go-module';
  version: string;
  reference: string;
  check(): Promise<'absent' | 'same'>;
  publish(): Promise<{ reference: string; digest: string; commit: string }>;
  pin(): Promise<{ digest: string; commit: string }>;
}

/**
 * A released Go module, pinned as the go command will see it: its module path at `v<version>`,
 * the commit its tag points at, and the h1: checksum of that tree. The tag must exist (the
 * version step made it); the go command serves the module from it.
 */
export function goModuleTask(root: string, component: Component, version: string): GoModuleTask {
  const folder = component.paths[0] ?? '';
  const modulePath = component.goModule?.modulePath ?? '';
  const tag = renderTag(goTagFormat(folder), component, version);
  const reference = `${modulePath}@${goVersion(version)}`;
  let pinned: Promise<{ digest: string; commit: string }> | null = null;
  const pin = () =>
    (pinned ??= (async () => {
      const commit = await runGit(root, ['rev-parse', '--verify', '-q', `refs/tags/${tag}^{commit}`]).then(
        (out) => out.trim(),
        () => {
          throw inputError(`${component.name} ${version} has no tag ${tag}.`, {
            field: 'tag',
            fix: 'Version and tag the release first (bump-version, `relx version`), and fetch its tags (fetch-depth: 0).',
          });
        },
      );
      const { sum } = await goModuleChecksum(root, {
        commit,
        folder,
        modulePath,
        version: goVersion(version),
      });
      return { digest: sum, commit };
    })());
  return {
    component,
    kind: 'go-module',
    version,
    reference,
    check: async () => {
      await pin();
      return 'absent';
    },
    publish: async () => ({ reference, ...(await pin()) }),
    pin,
  };
}
