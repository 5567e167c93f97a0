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
}

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
 */
export class CommitAttributor {
  private readonly paths: ComponentPaths;
  private readonly bitOf = new Map<string, number>();
  private readonly words: number;
  private readonly pending = new Map<string, Uint32Array>();
  private readonly stableBit = new Map<string, number>();
  private readonly channelBit = new Map<string, number>();
  private readonly boundaryBits: number[] = [];
  private readonly byComponent = new Map<string, AttributedCommit[]>();

  /**
   * `boundary` commits are ancestors of every anchor (the merge bases the range was cut at, or
   * older); commits reachable from them are dropped, which also prunes a reused history cache.
   */
  constructor(
    components: readonly Component[],
    anchors: ReadonlyMap<string, ComponentAnchors>,
    boundary: readonly string[] = [],
  ) {
    this.paths = new ComponentPaths(components);
    const bit = (sha: string) => {
      let index = this.bitOf.get(sha);
      if (index === undefined) {
        index = this.bitOf.size;
        this.bitOf.set(sha, index);
      }
      return index;
    };
    for (const component of components) {
      const a = anchors.get(component.name);
      if (a?.stable) this.stableBit.set(component.name, bit(a.stable));
      if (a?.channel) this.channelBit.set(component.name, bit(a.channel));
      this.byComponent.set(component.name, []);
    }
    for (const sha of boundary) this.boundaryBits.push(bit(sha));
    this.words = Math.max(1, Math.ceil(this.bitOf.size / 32));
  }

  private has(bits: Uint32Array | undefined, index: number | undefined): boolean {
    if (bits === undefined || index === undefined) return false;
    return ((bits[index >>> 5] ?? 0) & (1 << (index & 31))) !== 0;
  }

  /**
   * Feeds the next commit in topological order. Returns false when the commit is at or behind
   * the boundary (no component can count it), so a caller building a cache can drop it.
   */
  add(commit: HistoryCommit): boolean {
    let bits = this.pending.get(commit.sha);
    this.pending.delete(commit.sha);
    const own = this.bitOf.get(commit.sha);
    if (own !== undefined) {
      bits = bits ? bits.slice() : new Uint32Array(this.words);
      bits[own >>> 5] = (bits[own >>> 5] ?? 0) | (1 << (own & 31));
    }
    if (bits) {
      for (const parent of commit.parents) {
        const existing = this.pending.get(parent);
        if (!existing) this.pending.set(parent, bits);
        else if (existing !== bits) {
          const merged = new Uint32Array(this.words);
          for (let w = 0; w < this.words; w++) merged[w] = (existing[w] ?? 0) | (bits[w] ?? 0);
          this.pending.set(parent, merged);
        }
      }
    }
    if (this.boundaryBits.some((b) => this.has(bits, b))) return false;
    if (commit.kind === 'merge' || commit.files.length === 0) return true;
    for (const name of this.paths.ownersOfAny(commit.files)) {
      if (this.has(bits, this.stableBit.get(name))) continue;
      const isNew = !this.has(bits, this.channelBit.get(name));
      this.byComponent.get(name)?.push({ commit, isNew });
    }
    return true;
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
