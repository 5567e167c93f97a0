import { runGit } from '../git/run-git.js';
import type { GitHubRequest } from '../github/github-request.js';
import { configurationError, inputError } from '../relx-error.js';
import { withInferredTagFormats } from '../versioning/tag-convention.js';
import { renderTag } from '../versioning/tag-format.js';
import type { Component } from '../workspace/component.js';
import { checksumsFileName, collectReleaseAssets } from './release-assets.js';
import { uploadReleaseAssets, type UploadedAsset } from './upload-release-assets.js';

export interface ReleaseAssetsTaskOptions {
  root: string;
  /** `owner/repo` of the GitHub Release. */
  repository: string;
  /** The released commit: the component's tag points at it. */
  commit: string;
  github?: GitHubRequest;
}

/** The component's tag at the released commit, in the convention its tags follow. */
async function releaseTag(
  root: string,
  commit: string,
  component: Component,
  version: string,
): Promise<string> {
  const tags = (await runGit(root, ['tag', '--points-at', commit])).split('\n').filter(Boolean);
  const [subject] = withInferredTagFormats([component], tags).components;
  const tag = renderTag(subject?.tagFormat ?? component.tagFormat, component, version);
  if (!tags.includes(tag)) {
    throw inputError(`${component.name} ${version} has no tag ${tag} at ${commit.slice(0, 12)}.`, {
      field: 'tag',
      fix: 'Publish from the release commit, after bump-version tagged it and created its GitHub Release.',
    });
  }
  return tag;
}

/**
 * Publishing a release-assets component: its files, with checksums.txt, on its GitHub Release.
 * Checking asks GitHub what is there (a changed asset is a conflict before anything is uploaded);
 * the pin is every file's sha256 and the checksums file's.
 */
export function releaseAssetsTask(options: ReleaseAssetsTaskOptions, component: Component, version: string) {
  const [owner = '', repo = ''] = options.repository.split('/');
  let tag: Promise<string> | null = null;
  const target = async () => ({
    owner,
    repo,
    tag: await (tag ??= releaseTag(options.root, options.commit, component, version)),
  });
  const github = () => {
    if (!options.github) {
      throw configurationError(`${component.name} (release-assets) needs GitHub to attach its files.`, {
        field: 'github-token',
        fix: 'Give the publish step a GitHub token with contents: write (GITHUB_TOKEN).',
      });
    }
    return options.github;
  };
  const upload = async (dryRun: boolean) =>
    uploadReleaseAssets(
      github(),
      await target(),
      await collectReleaseAssets(options.root, component.assets ?? []),
      { dryRun },
    );
  const item = (files: UploadedAsset[], reference: string) => ({
    reference,
    digest: files.find((f) => f.name === checksumsFileName)?.digest ?? '',
    assets: files.map((f) => ({ name: f.name, digest: f.digest, url: f.url })),
  });
  return {
    component,
    kind: 'release-assets' as const,
    version,
    reference: renderTag(component.tagFormat, component, version),
    async check(): Promise<'absent' | 'same'> {
      // Every file and checksums.txt already there with the same content: nothing to upload.
      const wanted = await collectReleaseAssets(options.root, component.assets ?? []);
      const present = await upload(true);
      return present.length === wanted.length + 1 ? 'same' : 'absent';
    },
    async publish() {
      return item(await upload(false), (await target()).tag);
    },
    async pin() {
      return item(await upload(true), (await target()).tag);
    },
  };
}
