import { repositoryRequest, type GitHubRequest } from '../github/github-request.js';
import { inputError } from '../relx-error.js';
import { planAssetUploads, withChecksums, type ReleaseAsset } from './release-assets.js';

interface GitHubReleaseAsset {
  name: string;
  digest?: string | null;
  browser_download_url: string;
}

interface GitHubRelease {
  id: number;
  upload_url: string;
  assets: GitHubReleaseAsset[];
}

export interface UploadedAsset {
  name: string;
  digest: string;
  url: string;
  /** false when the release had it already, with the same content. */
  uploaded: boolean;
}

/**
 * Attaches the assets and their `checksums.txt` to the GitHub Release of `tag`: only what the
 * release lacks is uploaded, so a re-run uploads nothing new; an asset of the same name with
 * other content is refused before anything is uploaded. Dry run: the plan, nothing uploaded.
 */
export async function uploadReleaseAssets(
  request: GitHubRequest,
  target: { owner: string; repo: string; tag: string },
  assets: readonly ReleaseAsset[],
  options: { dryRun?: boolean; sleep?: (ms: number) => Promise<void> } = {},
): Promise<UploadedAsset[]> {
  const call = repositoryRequest(request, target.owner, target.repo, options.sleep);
  const release = (await call('GET /repos/{owner}/{repo}/releases/tags/{tag}', { tag: target.tag }).catch(
    (error: unknown) => {
      if ((error as { status?: number }).status === 404) {
        throw inputError(`There is no GitHub Release for ${target.tag}.`, {
          field: 'tag',
          fix: 'Create the release first (bump-version with github-release: true), then attach its assets.',
        });
      }
      throw error;
    },
  )) as { data: GitHubRelease };
  const all = withChecksums(assets);
  const existing = release.data.assets.map((a) => ({ name: a.name, digest: a.digest ?? null }));
  const plan = planAssetUploads(all, existing, target.tag);
  const urls = new Map(release.data.assets.map((a) => [a.name, a.browser_download_url]));
  const result: UploadedAsset[] = plan.present.map((a) => ({
    name: a.name,
    digest: a.digest,
    url: urls.get(a.name) ?? '',
    uploaded: false,
  }));
  const byName = (list: UploadedAsset[]) =>
    list.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  if (options.dryRun) return byName(result);
  // GitHub takes uploads on another host (uploads.github.com), named by the release's upload_url.
  const baseUrl = new URL(release.data.upload_url.replace(/\{.*\}$/, '')).origin;
  for (const asset of plan.upload) {
    const { data } = (await call('POST /repos/{owner}/{repo}/releases/{release_id}/assets{?name,label}', {
      baseUrl,
      release_id: release.data.id,
      name: asset.name,
      data: asset.content,
      headers: { 'content-type': 'application/octet-stream', 'content-length': asset.content.length },
    })) as { data: GitHubReleaseAsset };
    result.push({ name: asset.name, digest: asset.digest, url: data.browser_download_url, uploaded: true });
  }
  return byName(result);
}
