/**
 * Whether a GitOps engine has applied a commit and reports it healthy, from one reading of its
 * status (pure). Argo CD: the Application's `status.sync` (revision, status), `status.health`
 * and the last sync operation. Flux: the Kustomization's `lastAppliedRevision`,
 * `lastAttemptedRevision` and its `Ready`/`Reconciling`/`Stalled` conditions. A failure the
 * engine reports for the commit ends the wait at once; everything else (not there yet, still
 * progressing) is waiting, and the polling loop turns waiting past the deadline into a timeout.
 */

export type EngineName = 'argocd' | 'flux';

export type EngineDecision =
  | { state: 'waiting'; reason: string }
  | { state: 'applied'; reason: string }
  | { state: 'failed'; reason: string }
  | { state: 'superseded'; reason: string };

/**
 * How a revision the engine reports stands to our commit, as the GitOps clone says (the shell
 * finds it out; the deciders stay pure). The engines track the branch tip, and one GitOps
 * repository holds every environment: a later commit for another environment moves the tip past
 * ours without touching this one.
 * - `keeps`: it descends from our commit and the environment's release and canary files there are
 *   still what our commit wrote — ours counts as reached.
 * - `changed`: it descends from our commit, but a later commit (`by`) changed the environment's
 *   files. With the same release (and canary) there, ours still counts as reached (an overlay
 *   edit, the same release written again); with another release ours was superseded.
 * - `unrelated`: not a descendant (older, another branch, not in the repository): not there yet.
 */
export type RevisionRelation =
  | { kind: 'keeps' }
  | { kind: 'changed'; by: string; release: string | null; sameRelease: boolean }
  | { kind: 'unrelated' };

/** What the shell found out for the revisions the engine reported (keyed by the revision's commit). */
export type RevisionRelations = ReadonlyMap<string, RevisionRelation>;

const noRelations: RevisionRelations = new Map();

/** Whether the engine's revision is our commit, or a later one that still holds our release. */
function reaches(revision: string | null | undefined, commit: string, relations: RevisionRelations): boolean {
  if (sameCommit(revision, commit)) return true;
  const relation = revision ? relations.get(revision.toLowerCase()) : undefined;
  return relation?.kind === 'keeps' || (relation?.kind === 'changed' && relation.sameRelease);
}

/** The first revision that descends from ours with another release of the environment in it. */
function supersededBy(
  revisions: ReadonlyArray<string | null | undefined>,
  relations: RevisionRelations,
): { revision: string; by: string; release: string | null } | null {
  for (const revision of revisions) {
    const relation = revision ? relations.get(revision.toLowerCase()) : undefined;
    if (revision && relation?.kind === 'changed' && !relation.sameRelease)
      return { revision, by: relation.by, release: relation.release };
  }
  return null;
}

/** Said when the engine is at a later commit that still holds ours. */
const laterRevision = (revisions: ReadonlyArray<string | null | undefined>, commit: string, file: string) => {
  if (revisions.some((r) => sameCommit(r, commit))) return '';
  const later = revisions.find(Boolean);
  return later ? ` (at ${short(later)}, a later commit that leaves ${file} as ours wrote it)` : '';
};

const supersededReason = (
  environmentFile: string,
  commit: string,
  found: { revision: string; by: string; release: string | null },
  summary: string,
) =>
  `superseded: ${short(found.by)} changed ${environmentFile} after ${short(commit)}${found.release ? ` (now ${found.release})` : ''}; the engine applies that, not ours (${summary})`;

/** A commit as given (full or abbreviated, at least 7 hex digits) matches the engine's full revision. */
export function sameCommit(revision: string | null | undefined, commit: string): boolean {
  if (!revision) return false;
  const a = revision.toLowerCase();
  const b = commit.toLowerCase();
  return Math.min(a.length, b.length) >= 7 && (a.startsWith(b) || b.startsWith(a));
}

const short = (revision: string | null | undefined) => (revision ? revision.slice(0, 12) : 'none');
const oneLine = (text: string | undefined) => (text ?? '').replace(/\s+/g, ' ').trim();

// The parts of an Argo CD Application relx reads (v1alpha1Application in Argo CD's API).
export interface ArgoCdApplication {
  metadata?: { name?: string };
  status?: {
    sync?: { status?: string; revision?: string; revisions?: string[] };
    health?: { status?: string; message?: string };
    operationState?: {
      phase?: string;
      message?: string;
      operation?: { sync?: { revision?: string; revisions?: string[] } };
      syncResult?: { revision?: string; revisions?: string[] };
    };
    conditions?: Array<{ type?: string; message?: string }>;
  };
}

/** The revisions an Application reports (its sync and its last sync operation), for the ancestry facts. */
export function argoCdRevisions(application: ArgoCdApplication): string[] {
  const status = application.status ?? {};
  const operation = status.operationState;
  return [
    status.sync?.revision,
    ...(status.sync?.revisions ?? []),
    operation?.syncResult?.revision,
    ...(operation?.syncResult?.revisions ?? []),
    operation?.operation?.sync?.revision,
    ...(operation?.operation?.sync?.revisions ?? []),
  ].filter((r): r is string => Boolean(r));
}

/**
 * Argo CD: applied when sync.revision is the commit (or a later one that still holds our release,
 * see RevisionRelation), sync Synced and health Healthy; superseded when it is a later one with
 * another release of the environment.
 */
export function decideArgoCd(
  application: ArgoCdApplication,
  commit: string,
  relations: RevisionRelations = noRelations,
  environmentFile = 'the environment',
): EngineDecision {
  const status = application.status ?? {};
  const revisions = [status.sync?.revision, ...(status.sync?.revisions ?? [])];
  const atCommit = revisions.some((r) => reaches(r, commit, relations));
  const sync = status.sync?.status ?? 'Unknown';
  const health = status.health?.status ?? 'Unknown';
  const operation = status.operationState;
  const operationRevisions = [
    operation?.syncResult?.revision,
    ...(operation?.syncResult?.revisions ?? []),
    operation?.operation?.sync?.revision,
    ...(operation?.operation?.sync?.revisions ?? []),
  ];
  const conditions = (status.conditions ?? [])
    .filter((c) => /Error$/.test(c.type ?? ''))
    .map((c) => `${c.type}: ${oneLine(c.message)}`);
  const summary = [
    `revision ${short(status.sync?.revision ?? status.sync?.revisions?.[0])}`,
    `sync ${sync}`,
    `health ${health}`,
    ...(operation?.phase ? [`last sync ${operation.phase}`] : []),
    ...conditions,
  ].join(', ');

  // the sync of this very commit failed: Argo CD will not apply it by itself
  if (
    (operation?.phase === 'Failed' || operation?.phase === 'Error') &&
    operationRevisions.some((r) => reaches(r, commit, relations))
  ) {
    return {
      state: 'failed',
      reason: `the sync of ${short(commit)} ${operation.phase === 'Error' ? 'errored' : 'failed'}: ${oneLine(operation.message) || summary}`,
    };
  }
  const superseded = atCommit ? null : supersededBy([...revisions, ...operationRevisions], relations);
  if (superseded) {
    return { state: 'superseded', reason: supersededReason(environmentFile, commit, superseded, summary) };
  }
  if (!atCommit) return { state: 'waiting', reason: `not at ${short(commit)} yet (${summary})` };
  if (sync === 'Synced' && health === 'Healthy') {
    const later = laterRevision(revisions, commit, environmentFile);
    return { state: 'applied', reason: `${short(commit)} synced and healthy${later}` };
  }
  // Degraded counts once the live state is this commit's (Synced) and its sync is over: while
  // OutOfSync the health is still the previous release's; while the sync runs it is progress
  if (health === 'Degraded' && sync === 'Synced' && operation?.phase !== 'Running') {
    const message = oneLine(status.health?.message);
    return {
      state: 'failed',
      reason: `degraded at ${short(commit)}${message ? `: ${message}` : ''} (${summary})`,
    };
  }
  return { state: 'waiting', reason: `at ${short(commit)}, not healthy yet (${summary})` };
}

// The parts of a Flux Kustomization relx reads (kustomize.toolkit.fluxcd.io/v1).
export interface FluxCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  observedGeneration?: number;
}

export interface FluxKustomization {
  metadata?: { name?: string; namespace?: string; generation?: number };
  spec?: { wait?: boolean; healthChecks?: unknown[]; suspend?: boolean };
  status?: {
    observedGeneration?: number;
    lastAppliedRevision?: string;
    lastAttemptedRevision?: string;
    conditions?: FluxCondition[];
  };
}

/** `main@sha1:<sha>` (Flux v2), `main/<sha>` (older), a bare SHA: the commit part. */
export function fluxRevisionCommit(revision: string | undefined): string | null {
  if (!revision) return null;
  const digest = /@sha1:([0-9a-f]+)$/i.exec(revision);
  if (digest) return digest[1] ?? null;
  return revision.split('/').pop() ?? null;
}

/** Reasons with Ready=False that are a reconciliation under way, not a failure. */
const fluxProgressingReasons = new Set(['Progressing', 'ProgressingWithRetry', 'DependencyNotReady']);

/** The commits a Kustomization reports (applied, attempted), for the ancestry facts. */
export function fluxRevisions(kustomization: FluxKustomization): string[] {
  const status = kustomization.status ?? {};
  return [
    fluxRevisionCommit(status.lastAppliedRevision),
    fluxRevisionCommit(status.lastAttemptedRevision),
  ].filter((r): r is string => Boolean(r));
}

/**
 * Flux: applied when lastAppliedRevision is the commit (or a later one that still holds our
 * release) and Ready=True, reconciliation over; superseded when Flux applies or attempts a later
 * one with another release of the environment.
 */
export function decideFlux(
  kustomization: FluxKustomization,
  commit: string,
  relations: RevisionRelations = noRelations,
  environmentFile = 'the environment',
): EngineDecision {
  const status = kustomization.status ?? {};
  const conditions = status.conditions ?? [];
  const condition = (type: string) => conditions.find((c) => c.type === type);
  const ready = condition('Ready');
  const reconciling = condition('Reconciling')?.status === 'True';
  const stalled = condition('Stalled');
  const applied = fluxRevisionCommit(status.lastAppliedRevision);
  const attempted = fluxRevisionCommit(status.lastAttemptedRevision);
  const readyText = ready
    ? `Ready=${ready.status}${ready.reason ? ` ${ready.reason}` : ''}${ready.message ? `: ${oneLine(ready.message)}` : ''}`
    : 'no Ready condition';
  const summary = `applied ${short(applied)}, attempted ${short(attempted)}, ${readyText}`;

  const atApplied = reaches(applied, commit, relations);
  const failedOnCommit = reaches(attempted, commit, relations) || atApplied;
  if (failedOnCommit && stalled?.status === 'True') {
    return {
      state: 'failed',
      reason: `stalled at ${short(commit)}: ${stalled.reason ?? ''} ${oneLine(stalled.message)}`.trim(),
    };
  }
  if (failedOnCommit && ready?.status === 'False' && !fluxProgressingReasons.has(ready.reason ?? '')) {
    return {
      state: 'failed',
      reason: `${ready.reason ?? 'not ready'} at ${short(commit)}: ${oneLine(ready.message)}`,
    };
  }
  const superseded = atApplied ? null : supersededBy([applied, attempted], relations);
  if (superseded) {
    return { state: 'superseded', reason: supersededReason(environmentFile, commit, superseded, summary) };
  }
  // a suspended Kustomization applies nothing until someone resumes it: no use waiting out the timeout
  if (!atApplied && kustomization.spec?.suspend === true) {
    return { state: 'failed', reason: `suspended: Flux applies nothing until it is resumed (${summary})` };
  }
  if (!atApplied) return { state: 'waiting', reason: `not at ${short(commit)} yet (${summary})` };
  const generation = kustomization.metadata?.generation;
  const observed = status.observedGeneration;
  const current = generation === undefined || (observed !== undefined && observed >= generation);
  if (ready?.status === 'True' && !reconciling && current) {
    const checked = kustomization.spec?.wait === true || (kustomization.spec?.healthChecks?.length ?? 0) > 0;
    return {
      state: 'applied',
      reason:
        (checked
          ? `${short(commit)} applied and healthy`
          : `${short(commit)} applied (the Kustomization has no wait or healthChecks, so Ready does not include the workloads' health)`) +
        laterRevision([applied], commit, environmentFile),
    };
  }
  return { state: 'waiting', reason: `at ${short(commit)}, not ready yet (${summary})` };
}
