import type { ReleasePublisher } from '../release/apply-release-plan.js';
import { repositoryRequest, statusOf, type GitHubRequest, type RepositoryCall } from './github-request.js';

interface GitHubRelease {
  id: number;
  tag_name: string;
  html_url: string;
  draft: boolean;
}

/** GitHub Releases, one per tag: an existing release (drafts included) is found, never made twice. */
export class GitHubReleasePublisher implements ReleasePublisher {
  private readonly call: RepositoryCall;

  constructor(request: GitHubRequest, owner: string, repo: string, sleep?: (ms: number) => Promise<void>) {
    this.call = repositoryRequest(request, owner, repo, sleep);
  }

  private async find(tag: string): Promise<GitHubRelease | null> {
    try {
      return (await this.call('GET /repos/{owner}/{repo}/releases/tags/{tag}', { tag }))
        .data as GitHubRelease;
    } catch (error) {
      if (statusOf(error) !== 404) throw error;
    }
    // A draft has no tag yet, so the lookup by tag misses it: look through the recent releases.
    const { data } = await this.call('GET /repos/{owner}/{repo}/releases', { per_page: 100 });
    return (data as GitHubRelease[]).find((r) => r.tag_name === tag) ?? null;
  }

  async ensureRelease(release: {
    tag: string;
    name: string;
    body: string;
    draft: boolean;
    prerelease: boolean;
  }) {
    const existing = await this.find(release.tag);
    if (existing) return { url: existing.html_url, created: false };
    const { data } = await this.call(
      'POST /repos/{owner}/{repo}/releases',
      {
        tag_name: release.tag,
        name: release.name,
        body: release.body,
        draft: release.draft,
        prerelease: release.prerelease,
      },
      // an answer lost after GitHub made the release: find it rather than make a second
      {
        alreadyDone: async () => {
          const found = await this.find(release.tag);
          return found ? { status: 200, data: found } : undefined;
        },
      },
    );
    return { url: (data as GitHubRelease).html_url, created: true };
  }
}
