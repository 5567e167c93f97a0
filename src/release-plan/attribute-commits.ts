import type { HistoryCommit } from '../commits/conventional-commit.js';
import type { Component } from '../workspace/component.js';
import { ComponentPaths } from './component-paths.js';

/** The commits that bound a component's range: its last stable release and, on a channel, its last pre-release. */
export interface ComponentAnchors {
  stable: string | null;
  channel: string | null;
}

export interface AttributedCommit {
  commit: HistoryCommit;
  /** After the component's last pre-release on the channel too (always true off-channel). */
  isNew: boolean;
  /**
   * Why the commit counts when not by its files: it changed no files and the component is at the
   * repository root (`root`) or its scope names the component (`scope`), or its `Release-As:`
   * footer names the component (`release-as`). Absent: it changed a file in the component's folder.
   */
  via?: CommitAttributionReason;
}

export type CommitAttributionReason = 'root' | 'scope' | 'release-as';

export interface Attribution {
  /** Per component, its commits since its last stable release, newest first (commit time, then sha). */
  byComponent: Map<string, AttributedCommit[]>;
}

/**
 * Attributes the commits of one `git log --topo-order` pass to components, each component seeing
 * only the commits after its own last release. Which commits are "after" a release is a graph
 * question, not a date one: a commit belongs to a component's range unless it is an ancestor of
 * (or is) the release commit. Because topological order shows children before parents, each
 * commit's set of "release commits I am an ancestor of" is final when it is reached, so one
 * streaming pass with a bitset per frontier commit answers it for every release at once.
 *
 * The same bitsets say when to stop: once every commit still to come (the frontier) is behind
 * every component's last stable release, nothing further can count, so the caller can stop
 * reading history there instead of computing merge bases up front.
 */
export class CommitAttributor {
  private readonly paths: ComponentPaths;
  private readonly bitOf = new Map<string, number>();
  private readonly words: number;
  /** The frontier: parents of visited commits not visited yet, with the anchors they are behind. */
  private readonly pending = new Map<string, Uint32Array>();
  private readonly stableBit = new Map<string, number>();
  private readonly channelBit = new Map<string, number>();
  private readonly byComponent = new Map<string, AttributedCommit[]>();
  /** Every stable anchor's bit, or null when some component was never released (then history is read to the root). */
  private readonly allStable: Uint32Array | null;
  private readonly empty: Uint32Array;
  private readonly coveredMemo = new WeakMap<Uint32Array, boolean>();
  private frontierNotBehind = 0;
  private readonly visitedAnchors = new Set<string>();

  constructor(components: readonly Component[], anchors: ReadonlyMap<string, ComponentAnchors>) {
    this.paths = new ComponentPaths(components);
    const bit = (sha: string) => {
      let index = this.bitOf.get(sha);
      if (index === undefined) {
        index = this.bitOf.size;
        this.bitOf.set(sha, index);
      }
      return index;
    };
    let everyComponentReleased = components.length > 0;
    for (const component of components) {
      const a = anchors.get(component.name);
      if (a?.stable) this.stableBit.set(component.name, bit(a.stable));
      else everyComponentReleased = false;
      if (a?.channel) this.channelBit.set(component.name, bit(a.channel));
      this.byComponent.set(component.name, []);
    }
    this.words = Math.max(1, Math.ceil(this.bitOf.size / 32));
    this.empty = new Uint32Array(this.words);
    if (everyComponentReleased) {
      this.allStable = new Uint32Array(this.words);
      for (const index of this.stableBit.values()) this.allStable[index >>> 5]! |= 1 << (index & 31);
    } else this.allStable = null;
  }

  private has(bits: Uint32Array | undefined, index: number | undefined): boolean {
    if (bits === undefined || index === undefined) return false;
    return ((bits[index >>> 5] ?? 0) & (1 << (index & 31))) !== 0;
  }

  /** Behind every last stable release: an ancestor of each. */
  private isBehindAll(bits: Uint32Array): boolean {
    const all = this.allStable;
    if (all === null) return false;
    let covered = this.coveredMemo.get(bits);
    if (covered === undefined) {
      covered = true;
      for (let w = 0; w < this.words && covered; w++) covered = ((bits[w] ?? 0) & (all[w] ?? 0)) === all[w];
      this.coveredMemo.set(bits, covered);
    }
    return covered;
  }

  private setPending(sha: string, bits: Uint32Array | undefined): void {
    const before = this.pending.get(sha);
    if (before !== undefined && !this.isBehindAll(before)) this.frontierNotBehind--;
    if (bits === undefined) {
      this.pending.delete(sha);
      return;
    }
    this.pending.set(sha, bits);
    if (!this.isBehindAll(bits)) this.frontierNotBehind++;
  }

  /** Feeds the next commit in topological order. */
  add(commit: HistoryCommit): void {
    let bits = this.pending.get(commit.sha) ?? this.empty;
    this.setPending(commit.sha, undefined);
    const own = this.bitOf.get(commit.sha);
    if (own !== undefined) {
      this.visitedAnchors.add(commit.sha);
      bits = bits.slice();
      bits[own >>> 5] = (bits[own >>> 5] ?? 0) | (1 << (own & 31));
    }
    for (const parent of commit.parents) {
      const existing = this.pending.get(parent);
      if (existing === undefined || existing === bits) this.setPending(parent, bits);
      else {
        const merged = new Uint32Array(this.words);
        for (let w = 0; w < this.words; w++) merged[w] = (existing[w] ?? 0) | (bits[w] ?? 0);
        this.setPending(parent, merged);
      }
    }
    if (commit.kind === 'merge') return;
    const byFilesOnly = commit.files.length > 0 && !(commit.kind === 'conventional' && commit.releaseAs);
    if (byFilesOnly) {
      for (const name of this.paths.ownersOfAny(commit.files)) {
        if (this.has(bits, this.stableBit.get(name))) continue;
        this.byComponent.get(name)?.push({ commit, isNew: !this.has(bits, this.channelBit.get(name)) });
      }
      return;
    }
    for (const [name, via] of this.ownersOf(commit)) {
      if (this.has(bits, this.stableBit.get(name))) continue;
      const isNew = !this.has(bits, this.channelBit.get(name));
      this.byComponent.get(name)?.push(via ? { commit, isNew, via } : { commit, isNew });
    }
  }

  /**
   * The components a commit counts for: those owning one of its files. A commit that changes no
   * files (`git commit --allow-empty`, how maintainers force a release) counts for a component at
   * the repository root and for the components its scope names. A `Release-As:` footer naming a
   * component counts for that component too.
   */
  private ownersOf(commit: HistoryCommit): Map<string, CommitAttributionReason | undefined> {
    const owners = new Map<string, CommitAttributionReason | undefined>();
    if (commit.files.length > 0) {
      for (const name of this.paths.ownersOfAny(commit.files)) owners.set(name, undefined);
    } else {
      for (const name of this.paths.rootComponents()) owners.set(name, 'root');
      const changes = commit.kind === 'conventional' ? commit.changes : [];
      for (const change of changes) {
        for (const scope of (change.scope ?? '').split(',')) {
          for (const name of scope.trim() ? this.paths.namedBy(scope) : []) {
            if (!owners.has(name)) owners.set(name, 'scope');
          }
        }
      }
    }
    if (commit.kind === 'conventional') {
      for (const { component } of commit.releaseAs ?? []) {
        for (const name of component ? this.paths.namedBy(component) : []) {
          if (!owners.has(name)) owners.set(name, 'release-as');
        }
      }
    }
    return owners;
  }

  /** True once no commit still to come can count for any component: stop reading history. */
  done(): boolean {
    return this.allStable !== null && this.frontierNotBehind === 0 && this.pending.size > 0;
  }

  /** Anchor commits the walk has not reached (unreachable from the head, or older than where it stopped). */
  unvisitedAnchors(): string[] {
    return [...this.bitOf.keys()].filter((sha) => !this.visitedAnchors.has(sha));
  }

  /** The commits the walk would continue from. */
  frontier(): string[] {
    return [...this.pending.keys()];
  }

  result(): Attribution {
    for (const [name, commits] of this.byComponent) {
      // Newest first by commit time, then sha: the same order whether history came from one walk
      // or from new commits plus a cache (walk orders of parallel branches can differ).
      commits.sort((a, b) => b.commit.time - a.commit.time || (a.commit.sha < b.commit.sha ? -1 : 1));
      this.byComponent.set(name, cancelReverts(commits));
    }
    return { byComponent: this.byComponent };
  }
}

/** A revert cancels the commit it reverts when both are in the component's range: neither counts. */
function cancelReverts(commits: AttributedCommit[]): AttributedCommit[] {
  const reverts = commits.filter((c) => c.commit.kind === 'revert');
  if (reverts.length === 0) return commits;
  const cancelled = new Set<string>();
  for (const { commit } of reverts) {
    if (commit.kind !== 'revert' || cancelled.has(commit.sha)) continue;
    for (const target of commit.revertedShas) {
      const reverted = commits.find(
        (c) => c.commit.sha.startsWith(target.toLowerCase()) && !cancelled.has(c.commit.sha),
      );
      if (reverted && reverted.commit.sha !== commit.sha) {
        cancelled.add(reverted.commit.sha);
        cancelled.add(commit.sha);
        break;
      }
    }
  }
  return commits.filter((c) => !cancelled.has(c.commit.sha));
}
