import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getOctokit } from '@actions/github';
import { GitHubApiServer } from './github-api-server.js';
import type { GitDataRepository } from './github-git-data.js';
import { GitRepo } from '../git-repo.js';
import { GitDataApi } from '../../src/github/git-data-api.js';
import type { GitHubRequest } from '../../src/github/github-request.js';
import type { VerifiedTarget } from '../../src/release-pr/verified-commits.js';

export const repository = 'acme/platform';

export const runGit = (cwd: string, ...args: string[]) =>
  execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

/**
 * A bare repository behind the OpenAPI-checked GitHub's git data API, a developer's clone that
 * pushes to it, and workflow checkouts (fresh clones, as actions/checkout makes them).
 */
export class ApiBackedOrigin {
  private readonly dirs: string[] = [];

  private constructor(
    readonly server: GitHubApiServer,
    readonly origin: GitRepo,
    readonly developer: GitRepo,
    readonly data: GitDataRepository,
  ) {}

  static async start(files: Record<string, string>): Promise<ApiBackedOrigin> {
    const server = await GitHubApiServer.start();
    const developer = GitRepo.create();
    developer.commit('chore: start', files);
    const origin = GitRepo.create({ bare: true });
    developer.git('remote', 'add', 'origin', origin.dir);
    developer.git('push', '-q', 'origin', 'main');
    return new ApiBackedOrigin(server, origin, developer, server.serveGitData(repository, origin.dir));
  }

  /** The developer commits `files` and pushes them to main. */
  push(message: string, files: Record<string, string>): string {
    this.developer.git('pull', '-q', '--ff-only', 'origin', 'main');
    const sha = this.developer.commit(message, files);
    this.developer.git('push', '-q', 'origin', 'HEAD:refs/heads/main');
    return sha;
  }

  checkout(): string {
    const dir = mkdtempSync(join(tmpdir(), 'relx-runner-'));
    this.dirs.push(dir);
    runGit(tmpdir(), 'clone', '-q', this.origin.dir, dir);
    runGit(dir, 'config', 'user.name', 'A Developer');
    runGit(dir, 'config', 'user.email', 'dev@relx.invalid');
    runGit(dir, 'config', 'commit.gpgsign', 'false');
    return dir;
  }

  request(): GitHubRequest {
    return getOctokit('ghs_test-token-0123456789', { baseUrl: this.server.url, request: { retries: 0 } })
      .request as unknown as GitHubRequest;
  }

  target(request: GitHubRequest = this.request()): VerifiedTarget {
    return {
      remote: 'origin',
      branch: 'main',
      api: new GitDataApi(request, 'acme', 'platform', async () => {}),
    };
  }

  main(): string {
    return this.data.git(['rev-parse', 'refs/heads/main']);
  }

  async close(): Promise<void> {
    await this.server.close();
    this.developer.remove();
    this.origin.remove();
    for (const dir of this.dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  }
}
