import { repositoryRequest, statusOf, type GitHubRequest, type RepositoryCall } from './github-request.js';

/** The part of a pull request relx reads. */
export interface PullRequest {
  number: number;
  title: string;
  body: string | null;
  state: 'open' | 'closed';
  merged: boolean;
  mergeCommit: string | null;
  labels: string[];
  url: string;
}

interface PullRequestData {
  number: number;
  title: string;
  body: string | null;
  state: 'open' | 'closed';
  merged_at: string | null;
  merge_commit_sha: string | null;
  labels: Array<{ name: string }>;
  html_url: string;
}

const fromData = (data: PullRequestData): PullRequest => ({
  number: data.number,
  title: data.title,
  body: data.body,
  state: data.state,
  merged: data.merged_at !== null,
  mergeCommit: data.merge_commit_sha,
  labels: data.labels.map((l) => l.name),
  url: data.html_url,
});

/** The login GitHub gives the workflow's GITHUB_TOKEN: the author of the comments relx makes with it. */
export const defaultCommentAuthor = 'github-actions[bot]';

interface CommentData {
  id: number;
  body?: string;
  user?: { login: string; type: string } | null;
}

/** Pull requests, their labels and their comments on one repository. */
export class GitHubPullRequests {
  private readonly call: RepositoryCall;

  /**
   * `commentAuthor`: the login of the token's identity, whose comments relx may take as its own
   * — `github-actions[bot]` for GITHUB_TOKEN, `<app-slug>[bot]` for a GitHub App's token, the
   * user's login for a personal token (GET /user is not open to GITHUB_TOKEN, so it is named).
   */
  constructor(
    request: GitHubRequest,
    private readonly owner: string,
    repo: string,
    sleep?: (ms: number) => Promise<void>,
    private readonly commentAuthor: string = defaultCommentAuthor,
  ) {
    this.call = repositoryRequest(request, owner, repo, sleep);
  }

  /** Pull requests from `head` (a branch of this repository) into `base`, newest first. */
  async list(head: string, base: string, state: 'open' | 'closed' | 'all'): Promise<PullRequest[]> {
    const { data } = await this.call('GET /repos/{owner}/{repo}/pulls', {
      head: `${this.owner}:${head}`,
      base,
      state,
      sort: 'updated',
      direction: 'desc',
      per_page: 100,
    });
    return (data as PullRequestData[]).map(fromData);
  }

  async create(input: { head: string; base: string; title: string; body: string }): Promise<PullRequest> {
    const { data } = await this.call('POST /repos/{owner}/{repo}/pulls', input, {
      // an answer lost after GitHub opened it: the open pull request from that branch is it
      alreadyDone: async () => {
        const [open] = await this.list(input.head, input.base, 'open');
        return open ? { status: 201, data: { ...open, found: true } } : undefined;
      },
    });
    return 'found' in (data as object) ? (data as PullRequest) : fromData(data as PullRequestData);
  }

  async update(number: number, fields: { title?: string; body?: string; state?: 'closed' }): Promise<void> {
    await this.call('PATCH /repos/{owner}/{repo}/pulls/{pull_number}', { pull_number: number, ...fields });
  }

  async addLabels(number: number, labels: readonly string[]): Promise<void> {
    await this.call('POST /repos/{owner}/{repo}/issues/{issue_number}/labels', {
      issue_number: number,
      labels,
    });
  }

  /** Removes a label; one that is not there is already removed. */
  async removeLabel(number: number, label: string): Promise<void> {
    try {
      await this.call('DELETE /repos/{owner}/{repo}/issues/{issue_number}/labels/{name}', {
        issue_number: number,
        name: label,
      });
    } catch (error) {
      if (statusOf(error) !== 404) throw error;
    }
  }

  /**
   * relx's comment on `number`: the first whose body starts with `marker` and whose author is
   * the token's identity (a bot login only as a Bot), or null. Anyone can write the marker into
   * a comment; taking theirs would put relx's text under their name or overwrite what they said.
   */
  async findComment(number: number, marker: string): Promise<{ id: number; body: string } | null> {
    for (let page = 1; page <= 30; page++) {
      const { data } = await this.call('GET /repos/{owner}/{repo}/issues/{issue_number}/comments', {
        issue_number: number,
        per_page: 100,
        page,
      });
      const comments = data as CommentData[];
      const found = comments.find((c) => c.body?.startsWith(marker) && this.isOwn(c.user));
      if (found) return { id: found.id, body: found.body ?? '' };
      if (comments.length < 100) return null;
    }
    return null;
  }

  private isOwn(user: CommentData['user']): boolean {
    if (user?.login !== this.commentAuthor) return false;
    // `[bot]` cannot be in a person's login, and GitHub says the type: both must agree
    return !this.commentAuthor.endsWith('[bot]') || user.type === 'Bot';
  }

  /** A comment starting with `marker`: an answer lost after GitHub made it finds it, never a second. */
  async createComment(number: number, body: string, marker: string): Promise<number> {
    const { data } = await this.call(
      'POST /repos/{owner}/{repo}/issues/{issue_number}/comments',
      { issue_number: number, body },
      {
        alreadyDone: async () => {
          const found = await this.findComment(number, marker);
          return found ? { status: 201, data: found } : undefined;
        },
      },
    );
    return (data as { id: number }).id;
  }

  async updateComment(id: number, body: string): Promise<void> {
    await this.call('PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}', { comment_id: id, body });
  }
}
