import semver from 'semver';
import { inputError } from '../relx-error.js';
import { diffManifests, pinnedComponents } from './diff-manifests.js';
import type { ReleaseManifest } from './release-manifest.js';

/**
 * How risky a release is against what an environment runs: the largest bump of a component it
 * changes. The deploy template picks the production job's GitHub Environment from it (one with
 * required reviewers for the bumps that need a person), so the decision is GitHub's to enforce;
 * this only says which bump it is. Whatever cannot be read as a bump counts as `major`: an
 * unknown change is never waved through.
 */
export const releaseRisks = ['none', 'patch', 'minor', 'major'] as const;
export type ReleaseRisk = (typeof releaseRisks)[number];

export interface ComponentRisk {
  name: string;
  /** The version running now; null for a component the release adds. */
  from: string | null;
  /** The incoming version; null for a component the release removes. */
  to: string | null;
  risk: ReleaseRisk;
  why: string;
}

export interface ReleaseRiskAssessment {
  /** The release running now; null when the environment runs nothing yet. */
  running: string | null;
  incoming: string;
  risk: ReleaseRisk;
  /** The components the risk comes from, largest first. */
  components: ComponentRisk[];
}

const rank = (risk: ReleaseRisk) => releaseRisks.indexOf(risk);

/** A version as SemVer: as written, else its numeric part (CalVer `2026.01.3`, `v2.1.0`). */
function asSemver(version: string): semver.SemVer | null {
  const parsed = semver.parse(version, { loose: true });
  if (parsed) return parsed;
  const numbers = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(version);
  if (!numbers) return null;
  return semver.parse(`${Number(numbers[1])}.${Number(numbers[2] ?? 0)}.${Number(numbers[3] ?? 0)}`);
}

/** The bump from one version of a component to another. */
export function versionBump(from: string, to: string): { risk: ReleaseRisk; why: string } {
  if (from === to) return { risk: 'none', why: 'same version' };
  const a = asSemver(from);
  const b = asSemver(to);
  if (!a || !b) return { risk: 'major', why: `${from} → ${to} cannot be compared as versions` };
  const order = semver.compare(a, b);
  if (order > 0) return { risk: 'major', why: `${from} → ${to} goes back` };
  const diff = semver.diff(a, b);
  if (diff === null) return { risk: 'patch', why: `${from} → ${to}: build metadata only` };
  if (diff === 'major' || diff === 'premajor') return { risk: 'major', why: `${from} → ${to}` };
  if (diff === 'minor' || diff === 'preminor') return { risk: 'minor', why: `${from} → ${to}` };
  return { risk: 'patch', why: `${from} → ${to}` };
}

/** The risk of making an environment that runs `running` (null: nothing) run `incoming`. */
export function assessReleaseRisk(
  running: ReleaseManifest | null,
  incoming: ReleaseManifest,
): ReleaseRiskAssessment {
  const name = incoming.metadata.name;
  if (running === null) {
    return {
      running: null,
      incoming: name,
      risk: 'major',
      components: [...pinnedComponents(incoming).values()].map((c) => ({
        name: c.name,
        from: null,
        to: c.version,
        risk: 'major' as const,
        why: 'the environment runs nothing yet: a first release',
      })),
    };
  }
  const diff = diffManifests(running, incoming);
  const components: ComponentRisk[] = [
    ...diff.changed.map((c) => ({
      name: c.name,
      from: c.from,
      to: c.to,
      ...(c.change === 'pin'
        ? { risk: 'major' as const, why: `${c.to} with another digest: the same version re-published` }
        : versionBump(c.from, c.to)),
    })),
    ...diff.added.map((c) => ({
      name: c.name,
      from: null,
      to: c.version,
      risk: 'minor' as const,
      why: 'a component the environment does not run yet',
    })),
    ...diff.removed.map((c) => ({
      name: c.name,
      from: c.version,
      to: null,
      risk: 'major' as const,
      why: 'a component the release removes',
    })),
  ].sort((x, y) => rank(y.risk) - rank(x.risk) || x.name.localeCompare(y.name));
  const risk = components.reduce<ReleaseRisk>((max, c) => (rank(c.risk) > rank(max) ? c.risk : max), 'none');
  return { running: running.metadata.name, incoming: name, risk, components };
}

/** `minor,major` (the bumps that need a reviewer) as a set; an unknown word is an error naming it. */
export function parseReviewedRisks(text: string, field = '--review'): Set<ReleaseRisk> {
  const words = text
    .split(/[\s,]+/)
    .map((w) => w.trim())
    .filter(Boolean);
  for (const word of words) {
    if (!(releaseRisks as readonly string[]).includes(word))
      throw inputError(`"${word}" is not a bump.`, {
        field,
        fix: `List some of ${releaseRisks.join(', ')}, comma-separated, e.g. minor,major.`,
      });
  }
  return new Set(words as ReleaseRisk[]);
}

/** One line per component, largest first, for a terminal or a job summary. */
export function renderReleaseRisk(assessment: ReleaseRiskAssessment, review: boolean): string {
  const lines = [
    `${assessment.running ?? '(nothing)'} → ${assessment.incoming}: ${assessment.risk}${review ? ' — needs a reviewer' : ''}`,
  ];
  for (const c of assessment.components) lines.push(`  ${c.name}  ${c.risk}  ${c.why}`);
  if (assessment.components.length === 0) lines.push('  no component changes');
  return `${lines.join('\n')}\n`;
}
