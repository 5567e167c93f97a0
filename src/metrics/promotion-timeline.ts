import { conflictError } from '../relx-error.js';

/** What metrics need of a release manifest, read at the promotion commit. */
export interface ReleaseFacts {
  name: string;
  /** metadata.createdAt, seconds since the epoch. */
  createdAt: number;
  sourceCommit: string;
  /** component → `version@pin`: what a promotion changed is where these differ. */
  pins: Readonly<Record<string, string>>;
  /** validateManifest accepted it (every reference pinned, a compatibility row satisfied). */
  valid: boolean;
}

/** One commit relx made to an environment (its trailers), oldest first in the input. */
export interface PromotionCommit {
  commit: string;
  /** Committer time, seconds since the epoch. */
  time: number;
  environment: string;
  manifest: string;
  previous: string | null;
  approvedBy: string | null;
  run: string | null;
  hotfix: boolean;
  rollbackOf: string | null;
  component: string | null;
  /** `Relx-Canary`: a weight (`5`, `25%`), `complete` or `abort`; null when absent. */
  canary: string | null;
  /** The manifest's facts; null when its content could not be read or parsed. */
  release: ReleaseFacts | null;
}

export type PromotionKind = 'promote' | 'hotfix' | 'rollback';

/**
 * One promotion as metrics count it: a plain promotion commit, or a canary from its first step to
 * its `complete` or `abort` (one promotion, however many steps).
 */
export interface PromotionUnit {
  kind: PromotionKind;
  manifest: string;
  release: ReleaseFacts | null;
  canary: boolean;
  /** When the release first took traffic: the commit, or the canary's first step. */
  start: number;
  /** When it took all traffic; null for a canary aborted, superseded or still running. */
  completedAt: number | null;
  abortedAt: number | null;
  /** The release the environment ran at full traffic before this one (null: nothing). */
  before: ReleaseFacts | null;
  rollbackComponent: string | null;
  commits: PromotionCommit[];
}

/**
 * Clock skew between the machines that write promotions: a commit up to this much older than
 * the one before it (or than its manifest) is skew; more cannot happen in a history relx wrote.
 */
export const clockSkewSeconds = 300;

const historyFix =
  'The GitOps history was rewritten (rebased, squashed or force-pushed) or edited by hand; metrics read only a history relx wrote. Restore the branch from the remote or a backup, or measure --since a date after the rewrite.';

const iso = (seconds: number) => new Date(seconds * 1000).toISOString();
const short = (sha: string) => sha.slice(0, 7);

function canaryAction(value: string, commit: PromotionCommit): 'step' | 'complete' | 'abort' {
  const v = value.trim().toLowerCase();
  if (/^\d+(\.\d+)?%?$/.test(v)) return 'step';
  if (v === 'complete' || v === 'completed') return 'complete';
  if (v === 'abort' || v === 'aborted') return 'abort';
  throw conflictError(
    `Promotion ${short(commit.commit)} has Relx-Canary: ${value}, which is not a weight, complete or abort.`,
    { field: 'Relx-Canary', fix: 'Upgrade relx: this history was written by a newer one.' },
  );
}

/**
 * The promotions of one environment, in order, with the checks that a history relx wrote always
 * passes: every Relx-Previous names a release the environment ran before, and time does not go
 * backwards (beyond clock skew) from one promotion to the next or from a manifest to its promotion.
 */
export function planPromotionTimeline(
  commits: readonly PromotionCommit[],
  environment: string,
): PromotionUnit[] {
  const units: PromotionUnit[] = [];
  const ran = new Set<string>();
  let current: ReleaseFacts | null = null;
  let currentName: string | null = null;
  let canary: PromotionUnit | null = null;
  let last: PromotionCommit | null = null;
  for (const c of commits) {
    if (c.environment !== environment) continue;
    checkTime(c, last);
    last = c;
    const kind: PromotionKind = c.rollbackOf ? 'rollback' : c.hotfix ? 'hotfix' : 'promote';
    if (c.canary !== null) {
      const action = canaryAction(c.canary, c);
      if (action === 'abort') {
        if (!canary) {
          throw conflictError(`Promotion ${short(c.commit)} aborts a canary that never started.`, {
            field: 'Relx-Canary',
            fix: historyFix,
          });
        }
        canary.abortedAt = c.time;
        canary.commits.push(c);
        canary = null;
        continue;
      }
      if (canary && canary.manifest !== c.manifest) canary = null; // superseded by another canary
      if (!canary) {
        checkPrevious(c, ran, currentName);
        canary = aUnit(kind, c, current, true);
        units.push(canary);
      } else {
        canary.commits.push(c);
      }
      if (action === 'complete') {
        canary.completedAt = c.time;
        ({ current, currentName } = { current: c.release, currentName: c.manifest });
        ran.add(c.manifest);
        canary = null;
      }
      continue;
    }
    checkPrevious(c, ran, currentName);
    if (canary && canary.manifest === c.manifest && kind !== 'rollback') {
      canary.commits.push(c);
      canary.completedAt = c.time; // a plain promotion of the canary's release completes it
    } else {
      const unit = aUnit(kind, c, current, false);
      unit.completedAt = c.time;
      units.push(unit);
    }
    canary = null;
    current = c.release;
    currentName = c.manifest;
    ran.add(c.manifest);
  }
  return units;
}

function aUnit(
  kind: PromotionKind,
  c: PromotionCommit,
  before: ReleaseFacts | null,
  canary: boolean,
): PromotionUnit {
  return {
    kind,
    manifest: c.manifest,
    release: c.release,
    canary,
    start: c.time,
    completedAt: null,
    abortedAt: null,
    before,
    rollbackComponent: c.component,
    commits: [c],
  };
}

function checkPrevious(c: PromotionCommit, ran: ReadonlySet<string>, currentName: string | null): void {
  if (c.previous === null || ran.has(c.previous)) return;
  throw conflictError(
    `Promotion ${short(c.commit)} (${iso(c.time)}) says ${c.environment} ran ${c.previous} before it, but no earlier promotion of ${c.environment} in this history brought ${c.previous}${currentName ? ` (it ran ${currentName})` : ' (it ran nothing)'}.`,
    { field: 'Relx-Previous', fix: historyFix },
  );
}

function checkTime(c: PromotionCommit, last: PromotionCommit | null): void {
  if (last && c.time < last.time - clockSkewSeconds) {
    throw conflictError(
      `Promotion ${short(c.commit)} of ${c.environment} is dated ${iso(c.time)}, before the promotion it follows (${short(last.commit)}, ${iso(last.time)}).`,
      { field: 'committer date', fix: historyFix },
    );
  }
  if (c.release && c.time < c.release.createdAt - clockSkewSeconds) {
    throw conflictError(
      `Promotion ${short(c.commit)} of ${c.environment} is dated ${iso(c.time)}, before its manifest ${c.manifest} was created (${iso(c.release.createdAt)}).`,
      { field: 'committer date', fix: historyFix },
    );
  }
}
