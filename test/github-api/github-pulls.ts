import type { GitDataRepository } from './github-git-data.js';

type Json = Record<string, unknown>;
type Schema = {
  $ref?: string;
  type?: string;
  format?: string;
  nullable?: boolean;
  enum?: unknown[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  oneOf?: Schema[];
  anyOf?: Schema[];
  allOf?: Schema[];
};

/**
 * The smallest value a schema accepts, for the parts of a pull request relx never reads (its
 * repositories carry some 80 required URLs): null where allowed, else a value of the type.
 */
export function minimalValue(schema: Schema, components: Record<string, Schema>, name = 'x'): unknown {
  if (schema.$ref)
    return minimalValue(components[schema.$ref.split('/').pop() ?? ''] ?? {}, components, name);
  if (schema.nullable) return null;
  const first = schema.allOf?.[0] ?? schema.oneOf?.[0] ?? schema.anyOf?.[0];
  if (first) return minimalValue(first, components, name);
  if (schema.enum) return schema.enum[0];
  switch (schema.type) {
    case 'string':
      if (schema.format === 'uri') return `https://api.github.com/${name}`;
      if (schema.format === 'date-time') return '2026-12-01T12:00:00Z';
      return name;
    case 'integer':
    case 'number':
      return 1;
    case 'boolean':
      return false;
    case 'array':
      return [];
    default:
      return Object.fromEntries(
        (schema.required ?? []).map((key) => [
          key,
          minimalValue(schema.properties?.[key] ?? {}, components, key),
        ]),
      );
  }
}

export interface PullRequestState {
  number: number;
  title: string;
  body: string | null;
  head: string;
  base: string;
  state: 'open' | 'closed';
  merged: boolean;
  mergeCommit: string | null;
  labels: string[];
}

/** Who made a comment, as GitHub's simple-user says it. */
export interface CommentAuthor {
  login: string;
  type: 'Bot' | 'User' | 'Organization';
}

export interface IssueComment {
  id: number;
  issue: number;
  body: string;
  user: CommentAuthor;
}

/** Pull requests, their comments and labels, over a repository whose branches live in git. */
export class PullRequests {
  readonly pulls: PullRequestState[] = [];
  readonly comments: IssueComment[] = [];
  /** Whom the token the tests call with is: GITHUB_TOKEN's bot, unless a test sets an App's. */
  tokenIdentity: CommentAuthor = { login: 'github-actions[bot]', type: 'Bot' };
  private nextNumber = 1;

  constructor(
    private readonly apiUrlOf: () => string,
    private readonly components: Record<string, Schema>,
    private readonly nextId: () => number,
    private readonly gitOf: (repo: string) => GitDataRepository | null,
  ) {}

  /** Opens a pull request as a person would (a preview's subject). */
  open(repo: string, head: string, base: string, title: string): PullRequestState {
    const pull: PullRequestState = {
      number: this.nextNumber++,
      title,
      body: null,
      head,
      base,
      state: 'open',
      merged: false,
      mergeCommit: null,
      labels: [],
    };
    this.pulls.push(pull);
    void repo;
    return pull;
  }

  /** A comment someone else (a person, another bot) makes on `issue` in the web UI. */
  commentAs(user: CommentAuthor, issue: number, body: string): IssueComment {
    const comment = { id: this.nextId(), issue, body, user };
    this.comments.push(comment);
    return comment;
  }

  /**
   * Merges as GitHub's "Create a merge commit" or "Squash and merge" does, for a pull request
   * whose head is based on the base branch's tip (the release PR is rebuilt on every push).
   */
  merge(repo: string, number: number, method: 'merge' | 'squash'): string {
    const pull = this.pulls.find((p) => p.number === number);
    const git = this.gitOf(repo);
    if (!pull || !git) throw new Error(`no pull request #${number} in ${repo}`);
    const base = git.git(['rev-parse', `refs/heads/${pull.base}`]);
    const head = git.git(['rev-parse', `refs/heads/${pull.head}`]);
    if (git.git(['rev-parse', `${head}^`]) !== base)
      throw new Error(`the fixture merges only a pull request based on ${pull.base}'s tip`);
    const tree = git.git(['rev-parse', `${head}^{tree}`]);
    const message =
      method === 'merge'
        ? `Merge pull request #${number} from ${repo.split('/')[0]}/${pull.head}\n\n${pull.title}`
        : git.git(['log', '-1', '--format=%B', head]);
    const parents = method === 'merge' ? ['-p', base, '-p', head] : ['-p', base];
    const sha = git.git(['commit-tree', tree, ...parents], {
      input: message,
      env: {
        GIT_AUTHOR_NAME: 'A Maintainer',
        GIT_AUTHOR_EMAIL: 'maintainer@example.com',
        GIT_COMMITTER_NAME: 'GitHub',
        GIT_COMMITTER_EMAIL: 'noreply@github.com',
      },
    });
    git.git(['update-ref', `refs/heads/${pull.base}`, sha, base]);
    Object.assign(pull, { state: 'closed', merged: true, mergeCommit: sha });
    return sha;
  }

  private label(repo: string, name: string): Json {
    return {
      id: name.length,
      node_id: `LA_${name}`,
      url: `${this.apiUrlOf()}/repos/${repo}/labels/${encodeURIComponent(name)}`,
      name,
      description: `relx release state: ${name}`,
      color: 'ededed',
      default: false,
    };
  }

  private render(repo: string, pull: PullRequestState): Json {
    const git = this.gitOf(repo);
    const sha = (branch: string) =>
      (pull.merged && branch === pull.head
        ? null
        : git?.git(['rev-parse', '--verify', '--quiet', `refs/heads/${branch}`])) ?? '0'.repeat(40);
    const side = (branch: string) => ({
      label: `${repo.split('/')[0]}:${branch}`,
      ref: branch,
      sha: sha(branch),
      repo: minimalValue({ $ref: 'repository' }, this.components),
      user: minimalValue({ $ref: 'simple-user' }, this.components),
    });
    const url = `${this.apiUrlOf()}/repos/${repo}/pulls/${pull.number}`;
    const link = (href: string) => ({ href });
    const base = minimalValue({ $ref: 'pull-request' }, this.components) as Json;
    return {
      ...base,
      url,
      id: pull.number,
      number: pull.number,
      state: pull.state,
      title: pull.title,
      body: pull.body,
      html_url: `https://github.com/${repo}/pull/${pull.number}`,
      labels: pull.labels.map((name) => this.label(repo, name)),
      head: side(pull.head),
      base: side(pull.base),
      merged: pull.merged,
      merged_at: pull.merged ? '2026-12-01T12:00:00Z' : null,
      closed_at: pull.state === 'closed' ? '2026-12-01T12:00:00Z' : null,
      merge_commit_sha: pull.mergeCommit,
      mergeable: null,
      _links: {
        comments: link(`${url}/comments`),
        commits: link(`${url}/commits`),
        statuses: link(`${url}/statuses`),
        html: link(`https://github.com/${repo}/pull/${pull.number}`),
        issue: link(`${this.apiUrlOf()}/repos/${repo}/issues/${pull.number}`),
        review_comments: link(`${url}/comments`),
        review_comment: link(`${url}/comments{/number}`),
        self: link(url),
      },
    };
  }

  private comment(repo: string, comment: IssueComment): Json {
    return {
      id: comment.id,
      node_id: `IC_${comment.id}`,
      url: `${this.apiUrlOf()}/repos/${repo}/issues/comments/${comment.id}`,
      html_url: `https://github.com/${repo}/pull/${comment.issue}#issuecomment-${comment.id}`,
      issue_url: `${this.apiUrlOf()}/repos/${repo}/issues/${comment.issue}`,
      body: comment.body,
      user: {
        ...(minimalValue({ $ref: 'simple-user' }, this.components) as Json),
        login: comment.user.login,
        type: comment.user.type,
        html_url: `https://github.com/${encodeURIComponent(comment.user.login)}`,
      },
      created_at: '2026-12-01T12:00:00Z',
      updated_at: '2026-12-01T12:00:00Z',
      author_association: 'NONE',
    };
  }

  /** The answer to a pulls, issue comments or labels operation, or null when it is none of them. */
  answer(
    route: string,
    repo: string,
    params: Record<string, string>,
    query: Record<string, string>,
    input: Json,
  ): [number, unknown] | null {
    const find = (n: string | undefined) => this.pulls.find((p) => p.number === Number(n));
    switch (route) {
      case 'GET /repos/{owner}/{repo}/pulls': {
        const state = query.state ?? 'open';
        const found = this.pulls.filter(
          (p) =>
            (state === 'all' || p.state === state) &&
            (!query.head || `${repo.split('/')[0]}:${p.head}` === query.head) &&
            (!query.base || p.base === query.base),
        );
        return [200, found.map((p) => this.render(repo, p))];
      }
      case 'POST /repos/{owner}/{repo}/pulls': {
        const head = String(input.head);
        if (this.pulls.some((p) => p.state === 'open' && p.head === head && p.base === input.base))
          return [
            422,
            {
              message: 'Validation Failed',
              errors: [{ message: `A pull request already exists for ${head}.` }],
            },
          ];
        if (!this.gitOf(repo)?.git(['rev-parse', '--verify', '--quiet', `refs/heads/${head}`]))
          return [422, { message: 'Validation Failed', errors: [{ field: 'head', code: 'invalid' }] }];
        const pull = this.open(repo, head, String(input.base), String(input.title));
        pull.body = typeof input.body === 'string' ? input.body : null;
        return [201, this.render(repo, pull)];
      }
      case 'GET /repos/{owner}/{repo}/pulls/{pull_number}': {
        const pull = find(params.pull_number);
        return pull ? [200, this.render(repo, pull)] : [404, { message: 'Not Found' }];
      }
      case 'PATCH /repos/{owner}/{repo}/pulls/{pull_number}': {
        const pull = find(params.pull_number);
        if (!pull) return [404, { message: 'Not Found' }];
        if (typeof input.title === 'string') pull.title = input.title;
        if (typeof input.body === 'string') pull.body = input.body;
        if (input.state === 'closed' || input.state === 'open') pull.state = input.state;
        return [200, this.render(repo, pull)];
      }
      case 'GET /repos/{owner}/{repo}/issues/{issue_number}/comments':
        return [
          200,
          this.comments
            .filter((c) => c.issue === Number(params.issue_number))
            .map((c) => this.comment(repo, c)),
        ];
      case 'POST /repos/{owner}/{repo}/issues/{issue_number}/comments': {
        if (!find(params.issue_number)) return [404, { message: 'Not Found' }];
        const comment = this.commentAs(this.tokenIdentity, Number(params.issue_number), String(input.body));
        return [201, this.comment(repo, comment)];
      }
      case 'PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}': {
        const comment = this.comments.find((c) => c.id === Number(params.comment_id));
        if (!comment) return [404, { message: 'Not Found' }];
        comment.body = String(input.body);
        return [200, this.comment(repo, comment)];
      }
      case 'DELETE /repos/{owner}/{repo}/issues/comments/{comment_id}': {
        const at = this.comments.findIndex((c) => c.id === Number(params.comment_id));
        if (at < 0) return [404, { message: 'Not Found' }];
        this.comments.splice(at, 1);
        return [204, undefined];
      }
      case 'POST /repos/{owner}/{repo}/issues/{issue_number}/labels': {
        const pull = find(params.issue_number);
        if (!pull) return [404, { message: 'Not Found' }];
        const names = ((input.labels as unknown[] | undefined) ?? []).map((l) =>
          typeof l === 'string' ? l : String((l as Json).name),
        );
        for (const name of names) if (!pull.labels.includes(name)) pull.labels.push(name);
        return [200, pull.labels.map((name) => this.label(repo, name))];
      }
      case 'DELETE /repos/{owner}/{repo}/issues/{issue_number}/labels/{name}': {
        const pull = find(params.issue_number);
        if (!pull?.labels.includes(params.name ?? '')) return [404, { message: 'Label does not exist' }];
        pull.labels = pull.labels.filter((l) => l !== params.name);
        return [200, pull.labels.map((name) => this.label(repo, name))];
      }
      default:
        return null;
    }
  }
}
