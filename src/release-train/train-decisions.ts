import semver from 'semver';
import { inputError } from '../relx-error.js';
import { trainBranchName, trainBranchPattern } from '../release-plan/maintenance-line.js';
import type { ReleasePlan } from '../release-plan/release-plan.js';
import type { RelxConfig, ReleaseTrainConfig } from '../workspace/relx-config.js';

/** A train branch that exists: `release/v1.4` → 1.4. */
export interface TrainBranch {
  branch: string;
  major: number;
  minor: number;
}

export type CutDecision = { kind: 'cut'; branch: string; version: string } | { kind: 'nothing'; why: string };

/** The configured train `name`, or an error listing the trains there are. */
export function findTrain(config: Pick<RelxConfig, 'trains'>, name: string): ReleaseTrainConfig {
  const train = config.trains.find((t) => t.name === name);
  if (train) return train;
  const known = config.trains.map((t) => t.name);
  throw inputError(`No release train "${name}" in relx.config.yaml.`, {
    field: '--train',
    fix:
      known.length > 0
        ? `Use one of: ${known.join(', ')}.`
        : 'Add one: trains: [{ name: sdk, components: ["@acme/sdk", "@acme/cli"] }].',
  });
}

/** The train's branches among `branches`, newest version first. */
export function trainBranches(train: ReleaseTrainConfig, branches: readonly string[]): TrainBranch[] {
  const pattern = trainBranchPattern(train.branch);
  const found = new Map<string, TrainBranch>();
  for (const branch of branches) {
    const groups = pattern.exec(branch)?.groups;
    if (groups) found.set(branch, { branch, major: Number(groups.major), minor: Number(groups.minor) });
  }
  return [...found.values()].sort((a, b) => b.major - a.major || b.minor - a.minor);
}

/**
 * What `relx train cut` does with the plan of the default branch (the train's components not held):
 * nothing when none of them has a releasable change; else the train version — the next minor of
 * the highest current version among them, the next major when a breaking change is among the
 * changes — and its branch, unless that branch is already cut. `tagged` holds every tagged
 * version of each component, the earlier trains' included. Pure.
 */
export function decideCut(
  train: ReleaseTrainConfig,
  plan: ReleasePlan,
  existing: readonly TrainBranch[],
  tagged: ReadonlyMap<string, readonly string[]> = new Map(),
): CutDecision {
  const members = train.components.map((name) => {
    const planned = plan.components.find((c) => c.name === name);
    if (!planned) {
      throw inputError(`Release train ${train.name} names ${name}, which the repository does not have.`, {
        field: `trains[${train.name}].components`,
        fix: `Name components relx finds (relx plan lists them), or remove ${name}.`,
      });
    }
    return planned;
  });
  const releasing = members.filter((c) => c.release);
  if (releasing.length === 0)
    return {
      kind: 'nothing',
      why: `no releasable change to ${train.components.join(', ')} since their last release`,
    };
  // Earlier trains were tagged on their own branches, not on the default branch: count every tag.
  const base = members
    .flatMap((c) => [c.currentVersion ?? '', ...(tagged.get(c.name) ?? [])])
    .filter((v) => semver.valid(v) !== null && semver.prerelease(v) === null)
    .reduce((a, b) => (semver.gt(b, a) ? b : a), '0.0.0');
  const next = semver.parse(
    semver.inc(base, releasing.some((c) => c.bump === 'major') && semver.major(base) > 0 ? 'major' : 'minor'),
  );
  if (!next) throw new Error(`no next version after ${base}`);
  const branch = trainBranchName(train.branch, next.major, next.minor);
  const version = `${next.major}.${next.minor}`;
  if (existing.some((b) => b.branch === branch))
    return {
      kind: 'nothing',
      why: `${branch} is already cut: \`relx train finish --train ${train.name}\` releases ${version}.0`,
    };
  return { kind: 'cut', branch, version };
}

/** A train is finished once every one of its components has a release at X.Y.0 or above on the line. */
export function isTrainFinished(
  train: ReleaseTrainConfig,
  branch: TrainBranch,
  versions: ReadonlyMap<string, readonly string[]>,
): boolean {
  const first = `${branch.major}.${branch.minor}.0`;
  const below = `${branch.major}.${branch.minor + 1}.0`;
  return train.components.every((name) =>
    (versions.get(name) ?? []).some((v) => semver.valid(v) && semver.gte(v, first) && semver.lt(v, below)),
  );
}
