import semver from 'semver';
import { inputError } from '../relx-error.js';
import type { ConventionalChange } from '../commits/conventional-commit.js';
import type { Component } from '../workspace/component.js';
import type { BumpLevel, RelxConfig } from '../workspace/relx-config.js';
import { nextVersion } from '../versioning/next-version.js';
import { bumpForChange, isBumpAtLeast, maxBump } from '../versioning/release-rules.js';
import { compareVersions, prereleaseId } from '../versioning/compare-versions.js';
import type { TagConvention } from '../versioning/tag-convention.js';
import { renderTag } from '../versioning/tag-format.js';
import type { AttributedCommit } from './attribute-commits.js';
import { isNamedBy } from './component-paths.js';
import type { ComponentReleases } from './last-releases.js';
import { isAboveLine, isInLine, type MaintenanceLine } from './maintenance-line.js';
import {
  releasePlanSchemaVersion,
  type IgnoredCommit,
  type PlannedComponent,
  type PlanReason,
  type ReleasePlan,
  type ReleaseStart,
} from './release-plan.js';

export type PlanRules = Pick<RelxConfig, 'rules' | 'preMajorBreaking' | 'propagation' | 'lockstep'>;

export interface PlanReleaseInput {
  head: { sha: string; branch: string | null };
  /** Pre-release identifier of the head's channel, or null for stable releases. */
  channel: string | null;
  components: readonly Component[];
  releases: ReadonlyMap<string, ComponentReleases>;
  commits: ReadonlyMap<string, readonly AttributedCommit[]>;
  rules: PlanRules;
  now: Date;
  /** Where each component's history starts, stated in the plan. */
  starts?: ReadonlyMap<string, ReleaseStart>;
  /** Each component's tag convention and where it came from. */
  tagConventions?: ReadonlyMap<string, TagConvention>;
  warnings?: readonly string[];
  /** The maintenance line or train branch the head's branch releases on; null or absent: open-ended. */
  line?: MaintenanceLine | null;
  /** `relx train finish`: the train's components release `version` (X.Y.0) unless already there. */
  trainFinish?: { train: string; version: string; components: readonly string[] };
  /**
   * `relx train cut`: these components' bumps decide the train version; the versions here are
   * never released (earlier trains' tags on their own branches are above them), so not checked.
   */
  trainCut?: readonly string[];
}

/** The changes a commit carries that can release something: conventional ones and reverts of out-of-range commits. */
function changesOf(commit: AttributedCommit['commit']): ConventionalChange[] {
  if (commit.kind === 'conventional') return commit.changes;
  if (commit.kind === 'revert' && commit.change) return [commit.change];
  return [];
}

/** What every phase of the plan reads: the input, components by name and their current versions. */
interface PlanContext {
  input: PlanReleaseInput;
  byName: ReadonlyMap<string, Component>;
  current: (c: Component) => string | null;
}

/** Each component's own bump from its commits, and what those commits say about it. */
interface DirectBumps {
  level: Map<string, BumpLevel>;
  reasons: Map<string, PlanReason[]>;
  ignored: Map<string, IgnoredCommit>;
  releaseAs: Map<string, { version: string; sha: string }>;
}

/** Which bumps were carried: the components that raised each dependent, the group that raised each member. */
interface Propagation {
  raisedBy: Map<string, Set<string>>;
  lockstepOf: Map<string, string>;
}

/**
 * Decides what to release: each component's bump from its own commits, then bumps carried to
 * dependents and across lockstep groups until nothing changes, then the versions. Pure.
 */
export function planRelease(input: PlanReleaseInput): ReleasePlan {
  const context = planContext(input);
  const direct = directBumps(context);
  const propagation = propagateBumps(context, direct.level);
  const next = assignVersions(context, direct);
  checkVersions(context, next, direct);
  const line = input.line ?? null;
  return {
    schemaVersion: releasePlanSchemaVersion,
    kind: 'ReleasePlan',
    head: input.head.sha,
    branch: input.head.branch,
    channel: input.channel,
    components: explainPlan(context, direct, propagation, next),
    ignoredCommits: [...direct.ignored.values()].map((i) => ({ ...i, components: [...i.components].sort() })),
    warnings: [...(input.warnings ?? [])],
    ...(line ? { line } : {}),
  };
}

function planContext(input: PlanReleaseInput): PlanContext {
  const byName = new Map(input.components.map((c) => [c.name, c]));
  const current = (c: Component) => {
    const r = input.releases.get(c.name);
    return r ? r.current : c.version;
  };
  return { input, byName, current };
}

/** 1. Direct bumps from each component's own commits. */
function directBumps(context: PlanContext): DirectBumps {
  const bumps: DirectBumps = {
    level: new Map(),
    reasons: new Map(),
    ignored: new Map(),
    releaseAs: new Map(),
  };
  for (const component of context.input.components) {
    if (component.notReleased) {
      bumps.level.set(component.name, 'none');
      continue;
    }
    directBumpOf(context, component, bumps);
  }
  return bumps;
}

function directBumpOf(context: PlanContext, component: Component, bumps: DirectBumps): void {
  const { input, current } = context;
  const attributed = input.commits.get(component.name) ?? [];
  const commitReasons: PlanReason[] = [];
  let direct: BumpLevel = 'none';
  let anyNew = false;
  // The newest Release-As footer for this component sets its version (commits are newest first).
  const forced = findReleaseAs(component, attributed, current(component), input.releases);
  if (forced) {
    bumps.releaseAs.set(component.name, { version: forced.reason.version, sha: forced.reason.sha });
    anyNew = forced.isNew;
    commitReasons.push(forced.reason);
  }
  for (const { commit, isNew, via } of attributed) {
    if (commit.kind === 'ignored') {
      recordIgnored(bumps.ignored, commit, component.name);
      continue;
    }
    for (const change of changesOf(commit)) {
      const bump = bumpOf(context, component, change);
      if (bump === 'none') continue;
      direct = maxBump(direct, bump);
      anyNew ||= isNew;
      commitReasons.push(commitReason(commit.sha, change, bump, via));
    }
  }
  // The version Release-As sets is the bump, whatever the commits asked for.
  if (forced) direct = forced.bump;
  // Finishing a train releases its X.Y.0, whatever the commits on the train branch asked for.
  const finish = input.trainFinish;
  if (finish?.components.includes(component.name) && compareLoose(current(component), finish.version) < 0) {
    bumps.releaseAs.set(component.name, { version: finish.version, sha: input.head.sha });
    commitReasons.unshift({ kind: 'train', train: finish.train, version: finish.version });
    direct = bumpBetween(current(component), finish.version);
    anyNew = true;
  }
  // On a channel, commits already shipped in the last pre-release decide the bump but do not
  // by themselves make a new pre-release.
  bumps.level.set(component.name, anyNew ? direct : 'none');
  bumps.reasons.set(component.name, anyNew ? commitReasons : []);
}

/** A change's bump by the rules; a breaking change before 1.0.0 is a minor when preMajorBreaking says so. */
function bumpOf(context: PlanContext, component: Component, change: ConventionalChange): BumpLevel {
  const { rules } = context.input;
  const bump = bumpForChange(change, rules.rules);
  if (bump === 'major' && rules.preMajorBreaking === 'minor' && isPreMajor(context, component))
    return 'minor';
  return bump;
}

function isPreMajor(context: PlanContext, component: Component): boolean {
  const v = context.current(component);
  return (
    component.scheme.kind === 'semver' && (v === null || semver.major(semver.coerce(v) ?? '0.0.0') === 0)
  );
}

function recordIgnored(
  ignored: Map<string, IgnoredCommit>,
  commit: Extract<AttributedCommit['commit'], { kind: 'ignored' }>,
  component: string,
): void {
  const entry = ignored.get(commit.sha) ?? {
    sha: commit.sha,
    header: commit.header,
    reason: commit.reason,
    components: [],
  };
  entry.components.push(component);
  ignored.set(commit.sha, entry);
}

function commitReason(
  sha: string,
  change: ConventionalChange,
  bump: BumpLevel,
  via: AttributedCommit['via'],
): PlanReason {
  return {
    kind: 'commit',
    sha,
    type: change.type,
    scope: change.scope,
    subject: change.subject,
    breaking: change.breaking,
    notes: change.notes,
    bump,
    ...(change.origin ? { origin: change.origin } : {}),
    ...(via ? { via } : {}),
  };
}

/** Who depends on each component through the edge kinds propagation follows. */
function dependentsOf(context: PlanContext): Map<string, string[]> {
  const through = new Set(context.input.rules.propagation.through);
  const dependents = new Map<string, string[]>();
  for (const component of context.input.components) {
    if (component.notReleased) continue; // nothing raises a component that is never released
    for (const edge of component.dependsOn) {
      if (!through.has(edge.kind) || !context.byName.has(edge.name)) continue;
      const list = dependents.get(edge.name) ?? [];
      if (!list.includes(component.name)) list.push(component.name);
      dependents.set(edge.name, list);
    }
  }
  return dependents;
}

/** 2. Carry bumps to dependents and across lockstep groups until a fixpoint (bumps only grow). Raises `level` in place. */
function propagateBumps(context: PlanContext, level: Map<string, BumpLevel>): Propagation {
  const dependents = dependentsOf(context);
  const propagation: Propagation = { raisedBy: new Map(), lockstepOf: new Map() };
  for (let changed = true; changed;) {
    const carried = carryToDependents(context, level, dependents, propagation.raisedBy);
    const grouped = carryAcrossLockstep(context, level, propagation.lockstepOf);
    changed = carried || grouped;
  }
  return propagation;
}

/** One round of carrying each bump to the dependents; true when a dependent's bump grew. */
function carryToDependents(
  context: PlanContext,
  level: Map<string, BumpLevel>,
  dependents: ReadonlyMap<string, string[]>,
  raisedBy: Map<string, Set<string>>,
): boolean {
  const { propagation } = context.input.rules;
  if (propagation.bump === 'none') return false;
  let changed = false;
  for (const component of context.input.components) {
    const bump = level.get(component.name) ?? 'none';
    if (bump === 'none') continue;
    const carried: BumpLevel = propagation.bump === 'same' ? bump : 'patch';
    for (const dependent of dependents.get(component.name) ?? []) {
      const before = level.get(dependent) ?? 'none';
      const sources = raisedBy.get(dependent) ?? new Set<string>();
      sources.add(component.name);
      raisedBy.set(dependent, sources);
      if (!isBumpAtLeast(before, carried)) {
        level.set(dependent, carried);
        changed = true;
      }
    }
  }
  return changed;
}

/** One round of raising each lockstep group's members to the group's highest bump; true when one grew. */
function carryAcrossLockstep(
  context: PlanContext,
  level: Map<string, BumpLevel>,
  lockstepOf: Map<string, string>,
): boolean {
  let changed = false;
  for (const group of context.input.rules.lockstep) {
    const groupLevel = group.components.reduce<BumpLevel>(
      (acc, m) => maxBump(acc, level.get(m) ?? 'none'),
      'none',
    );
    if (groupLevel === 'none') continue;
    for (const member of group.components) {
      if (level.get(member) !== groupLevel) {
        level.set(member, groupLevel);
        lockstepOf.set(member, group.name);
        changed = true;
      }
    }
  }
  return changed;
}

/** 3. Versions: by bump (lockstep members share one), then Release-As, then build metadata. */
function assignVersions(context: PlanContext, direct: DirectBumps): Map<string, string> {
  const next = new Map<string, string>();
  assignLockstepVersions(context, direct.level, next);
  const { input, current } = context;
  for (const component of input.components) {
    const bump = direct.level.get(component.name) ?? 'none';
    if (bump === 'none' || next.has(component.name)) continue;
    next.set(
      component.name,
      nextVersion({
        scheme: component.scheme,
        current: current(component),
        bump,
        prerelease: input.channel,
        released: input.releases.get(component.name)?.released ?? [],
        now: input.now,
      }),
    );
  }
  assignReleaseAsVersions(context, direct.releaseAs, next);
  // Build metadata identifies the build, not the release: it never takes part in precedence.
  for (const component of input.components) {
    const version = next.get(component.name);
    if (version && component.buildMetadata)
      next.set(component.name, withBuildMetadata(version, component.buildMetadata, input.head.sha));
  }
  return next;
}

/** Lockstep members share one version: the group's bump applied to its highest current version. */
function assignLockstepVersions(
  context: PlanContext,
  level: ReadonlyMap<string, BumpLevel>,
  next: Map<string, string>,
): void {
  const { input, byName, current } = context;
  for (const group of input.rules.lockstep) {
    const members = group.components.map((m) => byName.get(m)).filter((c): c is Component => c !== undefined);
    const groupLevel = level.get(group.components[0] ?? '') ?? 'none';
    if (groupLevel === 'none' || members.length === 0) continue;
    const lead = members.reduce((a, b) => (compareLoose(current(a), current(b)) >= 0 ? a : b));
    const version = nextVersion({
      scheme: lead.scheme,
      current: current(lead),
      bump: groupLevel,
      prerelease: input.channel,
      released: members.flatMap((m) => input.releases.get(m.name)?.released ?? []),
      now: input.now,
    });
    for (const m of members) next.set(m.name, version);
  }
}

/** Release-As sets the version outright; a lockstep group takes the highest its members set. */
function assignReleaseAsVersions(
  context: PlanContext,
  releaseAs: ReadonlyMap<string, { version: string; sha: string }>,
  next: Map<string, string>,
): void {
  const { input, byName, current } = context;
  for (const [name, { version, sha }] of releaseAs) {
    const members = input.rules.lockstep.find((g) => g.components.includes(name))?.components ?? [name];
    const highest = members
      .map((m) => releaseAs.get(m)?.version)
      .reduce((a, b) => (b !== undefined && compareLoose(b, a ?? null) > 0 ? b : a), version);
    if (highest !== version) continue; // another member's higher Release-As sets the group's
    for (const member of members) {
      const component = byName.get(member);
      if (!component) continue;
      const released = input.releases.get(member)?.released ?? [];
      assertReleaseAsForward(component, version, current(component), released, sha);
      next.set(member, withPrerelease(version, input.channel, released));
    }
  }
}

/** Every version stays in the line and goes forward, or no plan at all. */
function checkVersions(context: PlanContext, next: ReadonlyMap<string, string>, direct: DirectBumps): void {
  const { input } = context;
  const line = input.line ?? null;
  for (const component of input.components) {
    // Leaving the line is the clearer refusal: say it before "backwards".
    const finishing = input.trainFinish?.components.includes(component.name) ?? false;
    if (line)
      assertInLine(
        component,
        next.get(component.name),
        direct.level.get(component.name),
        direct.reasons,
        line,
        finishing,
      );
    if (!input.trainCut?.includes(component.name))
      assertForward(component, next.get(component.name), input.releases, input.channel, line);
  }
}

/** 4. The plan, with every reason spelled out. */
function explainPlan(
  context: PlanContext,
  direct: DirectBumps,
  propagation: Propagation,
  next: ReadonlyMap<string, string>,
): PlannedComponent[] {
  return [...context.input.components]
    .sort((a, b) => a.name.localeCompare(b.name, 'en'))
    .map((component) => plannedComponent(context, component, direct, propagation, next));
}

function plannedComponent(
  context: PlanContext,
  component: Component,
  direct: DirectBumps,
  propagation: Propagation,
  next: ReadonlyMap<string, string>,
): PlannedComponent {
  const { input, current } = context;
  const line = input.line ?? null;
  const releases = input.releases.get(component.name);
  const nextV = next.get(component.name) ?? null;
  const lastTag = releases?.lastOnChannel?.tag ?? releases?.lastStable?.tag ?? null;
  return {
    name: component.name,
    type: component.type,
    paths: component.paths,
    versionFile: component.versionFile,
    scheme: component.scheme.kind,
    tagFormat: component.tagFormat,
    tagFormatSource: input.tagConventions?.get(component.name)?.source ?? 'configured',
    since: input.starts?.get(component.name) ?? startOf(releases),
    currentVersion: current(component),
    lastTag,
    release: nextV !== null,
    bump: direct.level.get(component.name) ?? 'none',
    nextVersion: nextV,
    nextTag: nextV === null ? null : renderTag(component.tagFormat, component, nextV),
    commitCount: input.commits.get(component.name)?.length ?? 0,
    reasons: reasonsOf(context, component, direct, propagation, next),
    ...(component.notReleased ? { notReleased: component.notReleased } : {}),
    ...(line?.train && nextV !== null && line.train.components.includes(component.name)
      ? { train: `${line.train.name} v${line.train.version}` }
      : {}),
  };
}

/** A component's own commits' reasons, then the dependencies that raised it, then its lockstep group. */
function reasonsOf(
  context: PlanContext,
  component: Component,
  direct: DirectBumps,
  propagation: Propagation,
  next: ReadonlyMap<string, string>,
): PlanReason[] {
  const why = [...(direct.reasons.get(component.name) ?? [])];
  for (const source of [...(propagation.raisedBy.get(component.name) ?? [])].sort()) {
    const dependency = context.byName.get(source);
    const to = next.get(source);
    if (dependency && to)
      why.push({ kind: 'dependency', dependency: source, from: context.current(dependency), to });
  }
  const group = propagation.lockstepOf.get(component.name);
  if (group) why.push({ kind: 'lockstep', group });
  return why;
}

const startOf = (releases: ComponentReleases | undefined): ReleaseStart =>
  releases?.lastStable
    ? { kind: 'tag', tag: releases.lastStable.tag, commit: releases.lastStable.commit }
    : { kind: 'history' };

/**
 * Versions never go backwards: a new version above the current one, above every stable version
 * of the component tagged anywhere (another branch's tag included) and above its pre-releases on
 * the same channel, or no plan at all. Other channels' pre-releases (a 2.0.0-next line) do not count.
 */
function assertForward(
  component: Component,
  version: string | undefined,
  releases: ReadonlyMap<string, ComponentReleases>,
  channel: string | null,
  line: MaintenanceLine | null,
): void {
  if (version === undefined) return;
  const r = releases.get(component.name);
  const bare = version.split('+')[0] ?? version;
  // A maintenance line is behind the default branch by design: only its own range counts.
  const counts = (v: string) => {
    const pre = prereleaseId(v);
    if (line && component.scheme.kind === 'semver' && isAboveLine(v.split('+')[0] ?? v, line)) return false;
    return pre === null || pre === channel;
  };
  const newest = [...(r?.released ?? []).filter(counts), ...(r?.current ? [r.current] : [])]
    .map((v) => v.split('+')[0] ?? v)
    .reduce<string | null>(
      (a, b) => (a === null || compareVersions(component.scheme, b, a) > 0 ? b : a),
      null,
    );
  if (newest === null || compareVersions(component.scheme, bare, newest) > 0) return;
  const tagged = r?.released.some((v) => (v.split('+')[0] ?? v) === newest);
  throw inputError(
    `${component.name}: the next version ${version} is not greater than ${newest}, ${tagged ? `already released (tag ${renderTag(component.tagFormat, component, newest)})` : `its current version`}; relx never plans a version backwards.`,
    {
      field: component.versionFile ?? component.name,
      fix: `Release it above ${newest}: fix the version in ${component.versionFile ?? 'its config'} or the Release-As footer, or delete a mistaken tag (git push --delete origin <tag>); if the tags are another component's, set its tagFormat.`,
    },
  );
}

const short = (sha: string) => sha.slice(0, 7);

/**
 * On a maintenance line a version stays inside the line's range, and a breaking change never
 * releases (it belongs on the default branch): refused before anything is written, naming the
 * commits that ask for more than the line takes and what to do instead.
 */
function assertInLine(
  component: Component,
  version: string | undefined,
  bump: BumpLevel | undefined,
  reasons: ReadonlyMap<string, PlanReason[]>,
  line: MaintenanceLine,
  finishingTrain: boolean,
): void {
  if (version === undefined || component.scheme.kind !== 'semver') return;
  const bare = version.split('+')[0] ?? version;
  // A train cut for a major (v2.0) finishes at 2.0.0: that is the line's own first version.
  if ((bump !== 'major' || finishingTrain) && isInLine(bare, line)) return;
  const wants = bump === 'major' ? 'major' : 'minor';
  const culprits = (reasons.get(component.name) ?? [])
    .filter((r) => r.kind === 'commit' && isBumpAtLeast(r.bump, wants))
    .map((r) =>
      r.kind === 'commit' ? `${short(r.sha)} ${r.type}${r.breaking ? '!' : ''}: ${r.subject}` : '',
    );
  const because = culprits.length > 0 ? ` because of ${culprits.join('; ')}` : '';
  const fix =
    bump === 'major'
      ? `A breaking change releases only from the default branch: revert it on ${line.branch} and land it there.`
      : line.patchOnly
        ? `${line.branch} takes fixes only: revert the feature here and land it on the default branch (it ships in the next minor); if it is a fix, revert it and commit it again as fix:. For a line that takes features, use a major line (release/1.x) or set maintenance[].range.`
        : `Revert it on ${line.branch} and land it on the default branch, or widen maintenance[].range.`;
  throw inputError(
    `${component.name}: ${version} (a ${bump} bump${because}) is outside ${line.branch}'s range ${line.range}; nothing was written.`,
    { field: 'maintenance[].range', fix },
  );
}

/** The newest `Release-As:` footer among a component's commits that applies to it, checked. */
function findReleaseAs(
  component: Component,
  attributed: readonly AttributedCommit[],
  currentVersion: string | null,
  releases: ReadonlyMap<string, ComponentReleases>,
): { reason: Extract<PlanReason, { kind: 'release-as' }>; bump: BumpLevel; isNew: boolean } | null {
  for (const { commit, isNew } of attributed) {
    if (commit.kind !== 'conventional' || !commit.releaseAs) continue;
    const footer = commit.releaseAs.find((r) => r.component === null || isNamedBy(r.component, component));
    if (!footer) continue;
    const valid =
      component.scheme.kind === 'semver'
        ? semver.valid(footer.version) !== null
        : /^\d+(\.\d+)+$/.test(footer.version);
    if (!valid) {
      throw inputError(
        `${component.name}: "Release-As: ${footer.version}" in commit ${short(commit.sha)} is not a ${component.scheme.kind === 'semver' ? 'SemVer ' : ''}version`,
        {
          field: 'Release-As',
          fix: `add a commit whose footer is "Release-As: X.Y.Z" (the newest wins), or revert ${short(commit.sha)}`,
        },
      );
    }
    assertReleaseAsForward(
      component,
      footer.version,
      currentVersion,
      releases.get(component.name)?.released ?? [],
      commit.sha,
    );
    const reason = {
      kind: 'release-as' as const,
      sha: commit.sha,
      version: footer.version,
      component: footer.component,
    };
    return { reason, bump: bumpBetween(currentVersion, footer.version), isNew };
  }
  return null;
}

/** A Release-As version is above the current one and not released yet: versions never go backwards. */
function assertReleaseAsForward(
  component: Component,
  version: string,
  currentVersion: string | null,
  released: readonly string[],
  sha: string,
): void {
  const behind = currentVersion !== null && compareLoose(version, currentVersion) <= 0;
  if (!behind && !released.includes(version)) return;
  throw inputError(
    `${component.name}: "Release-As: ${version}" in commit ${short(sha)} is not above ${component.name}'s current version ${currentVersion ?? version}; versions never go backwards`,
    {
      field: 'Release-As',
      fix: `add a commit with a "Release-As:" footer above ${currentVersion ?? version} (the newest wins), or revert ${short(sha)}`,
    },
  );
}

function bumpBetween(from: string | null, to: string): BumpLevel {
  const a = semver.coerce(from ?? '0.0.0') ?? semver.parse('0.0.0');
  const b = semver.coerce(to);
  if (!a || !b || a.major !== b.major) return 'major';
  return a.minor !== b.minor ? 'minor' : 'patch';
}

/** On a channel, a forced version is a pre-release of it, numbered after the existing ones. */
function withPrerelease(version: string, channel: string | null, released: readonly string[]): string {
  if (channel === null) return version;
  const prefix = `${version}-${channel}.`;
  const taken = released
    .filter((v) => v.startsWith(prefix))
    .map((v) => Number(v.slice(prefix.length)))
    .filter((n) => Number.isInteger(n) && n >= 0);
  return `${prefix}${taken.length === 0 ? 0 : Math.max(...taken) + 1}`;
}

function compareLoose(a: string | null, b: string | null): number {
  const pa = semver.coerce(a ?? '0.0.0', { includePrerelease: true }) ?? semver.parse('0.0.0');
  const pb = semver.coerce(b ?? '0.0.0', { includePrerelease: true }) ?? semver.parse('0.0.0');
  return semver.compare(pa ?? '0.0.0', pb ?? '0.0.0');
}

export function withBuildMetadata(version: string, template: string, sha: string): string {
  const metadata = template.replaceAll('{shortSha}', sha.slice(0, 7)).replaceAll('{sha}', sha);
  return `${version.split('+')[0] ?? version}+${metadata}`;
}
