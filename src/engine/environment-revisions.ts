import { runGit } from '../git/run-git.js';
import { parseReleaseManifest } from '../manifest/release-manifest.js';
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
import type { RevisionRelation, RevisionRelations } from './engine-decision.js';
import type { RevisionAncestry } from './engine-status-sources.js';

/**
 * One environment's commits in a private clone of the GitOps repository, for the wait: which
 * commit put the environment in its current state (what a re-run that changed nothing waits on),
 * and how a revision the engine reports stands to ours (git merge-base --is-ancestor, then the
 * environment's files compared blob by blob) — the facts the pure deciders are given.
 */
export class EnvironmentRevisions implements RevisionAncestry {
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

  /** A revision's relation never changes once known: each is worked out once per wait. */
  private readonly known = new Map<string, RevisionRelation>();

  get environmentFile(): string {
    return this.files.release;
  }

  async relations(revisions: readonly string[], commit: string): Promise<RevisionRelations> {
    const relations = new Map<string, RevisionRelation>();
    for (const revision of revisions) {
      const key = `${commit}:${revision}`;
      const relation = this.known.get(key) ?? (await this.relationOf(revision, commit));
      if (relation) this.known.set(key, relation);
      relations.set(revision.toLowerCase(), relation ?? { kind: 'unrelated' });
    }
    return relations;
  }

  private async hasCommit(revision: string): Promise<boolean> {
    return this.git(['cat-file', '-e', `${revision}^{commit}`]).then(
      () => true,
      () => false,
    );
  }

  /** null: the revision is not in the clone even after a fetch (asked again at the next reading). */
  private async relationOf(revision: string, commit: string): Promise<RevisionRelation | null> {
    if (!/^[0-9a-f]{7,64}$/i.test(revision)) return { kind: 'unrelated' };
    // the engine saw a commit pushed after the clone was made: fetch the branch once more
    if (!(await this.hasCommit(revision))) await this.clone.refresh();
    if (!(await this.hasCommit(revision))) return null;
    const descends = await this.git(['merge-base', '--is-ancestor', commit, revision]).then(
      () => true,
      () => false,
    );
    if (!descends) return { kind: 'unrelated' };
    const ownFiles = [this.files.release, this.files.canary];
    const blob = (at: string, path: string) =>
      this.git(['rev-parse', '--verify', '--quiet', `${at}:${path}`]).then(
        (out) => out.trim(),
        () => '',
      );
    let same = true;
    for (const path of ownFiles) same &&= (await blob(commit, path)) === (await blob(revision, path));
    if (same) return { kind: 'keeps' };
    const by = (
      await this.git(['log', '-1', '--format=%H', `${commit}..${revision}`, '--', ...ownFiles])
    ).trim();
    const ours = await Promise.all(ownFiles.map((path) => this.releaseAt(commit, path)));
    const theirs = await Promise.all(ownFiles.map((path) => this.releaseAt(revision, path)));
    return {
      kind: 'changed',
      by: by || revision,
      release: theirs[0] ?? null,
      sameRelease: ours.every((name, i) => name === theirs[i]),
    };
  }

  /** The release name (metadata.name) of a release file at a commit; null when absent or unreadable. */
  private async releaseAt(at: string, path: string): Promise<string | null> {
    const text = await this.git(['show', `${at}:${path}`]).catch(() => null);
    if (text === null) return null;
    try {
      return parseReleaseManifest(text, `${path}@${at.slice(0, 7)}`).metadata.name;
    } catch {
      return `unreadable ${path}@${at}`; // never the same as another commit's
    }
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
