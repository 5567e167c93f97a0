import { runGit } from '../git/run-git.js';
import { trafficFiles } from '../promotion/canary-traffic.js';
import {
  canaryConfig,
  canaryReleaseFile,
  checkEnvironment,
  environmentFolder,
  releaseFile,
} from '../promotion/gitops-config.js';
import { GitOpsClone, type GitOpsRemote } from '../promotion/gitops-repository.js';
import { inputError } from '../relx-error.js';

/**
 * One environment's commits in a private clone of the GitOps repository, for the wait: which
 * commit put the environment in its current state (what a re-run that changed nothing waits on).
 */
export class EnvironmentRevisions {
  private constructor(
    private readonly clone: GitOpsClone,
    readonly environment: string,
    /** The release file, the canary file and the canary's traffic files: what a promotion or canary step writes. */
    readonly files: { release: string; canary: string; traffic: string[] },
  ) {}

  static async open(remote: GitOpsRemote, environment: string, field = 'environment') {
    const { clone, config } = await GitOpsClone.openConfigured(remote);
    try {
      checkEnvironment(config, environment, field);
      const folder = environmentFolder(config, environment);
      return new EnvironmentRevisions(clone, environment, {
        release: releaseFile(config, environment),
        canary: canaryReleaseFile(config, environment),
        traffic: trafficFiles(canaryConfig(config, environment)?.traffic ?? [], folder),
      });
    } catch (error) {
      clone.close();
      throw error;
    }
  }

  get branch(): string {
    return this.clone.branch;
  }

  private git(args: string[]): Promise<string> {
    return runGit(this.clone.dir, args);
  }

  /**
   * The newest commit on the branch that wrote the environment's release, canary or traffic
   * files — its last promotion or canary step. A promotion that changed nothing (a re-run after a
   * failed or killed wait) waits on it; an environment nothing was ever promoted to is refused.
   */
  async lastCommit(): Promise<string> {
    const { release, canary, traffic } = this.files;
    const head = await this.git(['rev-parse', '--verify', '--quiet', 'HEAD']).catch(() => '');
    const last = head
      ? (await this.git(['log', '-1', '--format=%H', 'HEAD', '--', release, canary, ...traffic])).trim()
      : '';
    if (!last) {
      throw inputError(`Nothing was ever promoted to ${this.environment}: there is no commit to wait for.`, {
        field: 'environment',
        fix: `Promote a release to ${this.environment} first (with manifest).`,
      });
    }
    return last;
  }

  close(): void {
    this.clone.close();
  }
}
