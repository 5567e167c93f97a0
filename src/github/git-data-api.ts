import { execFile } from 'node:child_process';
import { runGit } from '../git/run-git.js';
import { conflictError } from '../relx-error.js';
import { repositoryRequest, statusOf, type GitHubRequest, type RepositoryCall } from './github-request.js';

/** One file of a commit as the git data API takes it: new content, or null to delete it. */
export interface TreeChange {
  path: string;
  mode: string;
  content: Buffer | null;
}

/** A commit as GitHub made it. */
export interface ApiCommit {
  sha: string;
  tree: string;
  verified: boolean;
}

/**
 * Commits, tags and refs made through GitHub's git data API (blobs, trees, commits, refs, tags)
 * instead of `git push`: GitHub signs a commit it creates for an app's token (GITHUB_TOKEN, a
 * GitHub App's installation token), so the release passes rulesets that require signed commits.
 * Nothing is pushed from the runner.
 *
 * GitHub signs only a request with no custom author, committer or signature ("Signature
 * verification for bots", docs.github.com, About commit signature verification): so relx names
 * none, and the commit's author and committer are the token's identity (github-actions[bot], or
 * the App's bot). A custom author — the local commit's — would leave the commit unsigned.
 */
export class GitDataApi {
  private readonly call: RepositoryCall;

  constructor(request: GitHubRequest, owner: string, repo: string, sleep?: (ms: number) => Promise<void>) {
    this.call = repositoryRequest(request, owner, repo, sleep);
  }

  /**
   * A commit with `parent` and `parentTree` plus `changes`, made and signed by GitHub as the
   * token's identity (not yet on any branch). No author or committer: see the class comment.
   */
  async createCommit(input: {
    parent: string;
    parentTree: string;
    changes: readonly TreeChange[];
    message: string;
  }): Promise<ApiCommit> {
    const tree = [];
    for (const change of input.changes) {
      if (change.content === null) {
        tree.push({ path: change.path, mode: change.mode, type: 'blob', sha: null });
        continue;
      }
      // a blob, not `content`: the tree API takes text only, a version file may be anything
      const { data } = await this.call('POST /repos/{owner}/{repo}/git/blobs', {
        content: change.content.toString('base64'),
        encoding: 'base64',
      });
      tree.push({ path: change.path, mode: change.mode, type: 'blob', sha: (data as { sha: string }).sha });
    }
    const { data: made } = await this.call('POST /repos/{owner}/{repo}/git/trees', {
      base_tree: input.parentTree,
      tree,
    });
    // a POST that may have landed makes one more unreferenced commit at worst: harmless
    const { data } = await this.call('POST /repos/{owner}/{repo}/git/commits', {
      message: input.message,
      tree: (made as { sha: string }).sha,
      parents: [input.parent],
    });
    const commit = data as { sha: string; tree: { sha: string }; verification?: { verified: boolean } };
    return { sha: commit.sha, tree: commit.tree.sha, verified: commit.verification?.verified ?? false };
  }

  /** Where `refs/<ref>` points (`heads/main`, `tags/v1.0.0`), or null when there is no such ref. */
  async readRef(ref: string): Promise<{ sha: string; type: string } | null> {
    try {
      const { data } = await this.call('GET /repos/{owner}/{repo}/git/ref/{ref}', { ref });
      return (data as { object: { sha: string; type: string } }).object;
    } catch (error) {
      if (statusOf(error) === 404) return null;
      throw error;
    }
  }

  /**
   * Moves branch `branch` to `sha`: a fast-forward unless `force` (the release PR's branch is
   * rebuilt on every push), created when missing. A branch that moved meanwhile is a conflict.
   */
  async updateBranch(branch: string, sha: string, options: { force: boolean }): Promise<void> {
    const current = await this.readRef(`heads/${branch}`);
    if (current?.sha === sha) return;
    await this.moveBranch(branch, sha, current !== null, options.force);
  }

  /**
   * Fast-forwards the existing branch `branch` from `from` (the tip the commits were made on) to
   * `sha`. False when GitHub refused because the branch no longer is at `from`: someone pushed
   * meanwhile, so the commits have to be made again on the new tip.
   */
  async fastForwardBranch(branch: string, from: string, sha: string): Promise<boolean> {
    if (from === sha) return true;
    try {
      await this.moveBranch(branch, sha, true, false);
      return true;
    } catch (error) {
      const now = (await this.readRef(`heads/${branch}`))?.sha;
      if (now === sha) return true; // it landed, the answer was lost
      if (now !== from) return false;
      throw error;
    }
  }

  private async moveBranch(branch: string, sha: string, exists: boolean, force: boolean): Promise<void> {
    try {
      if (exists)
        await this.call('PATCH /repos/{owner}/{repo}/git/refs/{ref}', {
          ref: `heads/${branch}`,
          sha,
          force,
        });
      else await this.call('POST /repos/{owner}/{repo}/git/refs', { ref: `refs/heads/${branch}`, sha });
    } catch (error) {
      if (statusOf(error) !== 422) throw error;
      throw conflictError(
        `GitHub refused to move ${branch} to ${sha.slice(0, 7)}: someone pushed to it meanwhile.`,
        {
          field: 'branch',
          fix: 'Re-run the workflow: it plans again on the new tip.',
        },
      );
    }
  }

  /**
   * An annotated tag object `name` on `commit` and its ref `refs/tags/<name>`. A ref that exists
   * on the same commit is this release's (a re-run); on another commit it is never moved.
   */
  async createTag(name: string, commit: string, message: string): Promise<{ created: boolean }> {
    const existing = await this.readRef(`tags/${name}`);
    if (existing) {
      const target = existing.type === 'tag' ? await this.tagTarget(existing.sha) : existing.sha;
      if (target === commit) return { created: false };
      throw conflictError(
        `Tag ${name} already exists on ${target.slice(0, 7)}. A release tag is never moved.`,
        {
          field: 'tags',
          fix: 'If that release is real the plan is stale: make a new plan. Otherwise delete the tag deliberately and re-run.',
        },
      );
    }
    const { data } = await this.call('POST /repos/{owner}/{repo}/git/tags', {
      tag: name,
      message,
      object: commit,
      type: 'commit',
    });
    await this.call('POST /repos/{owner}/{repo}/git/refs', {
      ref: `refs/tags/${name}`,
      sha: (data as { sha: string }).sha,
    });
    return { created: true };
  }

  private async tagTarget(tagSha: string): Promise<string> {
    const { data } = await this.call('GET /repos/{owner}/{repo}/git/tags/{tag_sha}', { tag_sha: tagSha });
    return (data as { object: { sha: string } }).object.sha;
  }
}

/** What `commit` changes against its first parent, with the new contents read from local git. */
export async function readCommitChanges(cwd: string, commit: string): Promise<TreeChange[]> {
  return readTreeChanges(cwd, `${commit}^`, commit);
}

/** What turns tree (or commit) `from` into `to`, with the new contents read from local git. */
export async function readTreeChanges(cwd: string, from: string, to: string): Promise<TreeChange[]> {
  const listing = await runGit(cwd, ['diff-tree', '-r', '-z', '--no-renames', '--no-commit-id', from, to]);
  const fields = listing.split('\0').filter((f) => f !== '');
  const changes: TreeChange[] = [];
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const [, mode = '100644', , sha = '', status = ''] = (fields[i] ?? '').replace(/^:/, '').split(' ');
    const path = fields[i + 1] ?? '';
    changes.push({
      path,
      mode: status === 'D' ? '100644' : mode,
      content: status === 'D' ? null : await readBlob(cwd, sha),
    });
  }
  return changes;
}

async function readBlob(cwd: string, sha: string): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    execFile(
      'git',
      ['cat-file', 'blob', sha],
      { cwd, encoding: 'buffer', maxBuffer: 512 * 1024 * 1024 },
      (error, stdout) => (error ? reject(error) : resolve(stdout)),
    ),
  );
}
