import semver from 'semver';
import type { ComponentReleases } from '../release-plan/last-releases.js';
import type { MaintenanceLine } from '../release-plan/maintenance-line.js';
import type { Component } from '../workspace/component.js';
import type { RelxConfig } from '../workspace/relx-config.js';

export type TrainStep = { name: string; step: 'cut' | 'finish' };

/**
 * Which components a branch must not release because of release trains, and why (as
 * `notReleased`, which the plan shows). A train's components ship only by the train: not from the
 * default branch it is cut from (except while `relx train cut` plans them), and on a train branch
 * only after `relx train finish` released X.Y.0; a train branch releases nothing but its train. Pure.
 */
export function holdForTrains(
  components: readonly Component[],
  releases: ReadonlyMap<string, ComponentReleases>,
  branch: string | null,
  config: Pick<RelxConfig, 'trains'>,
  line: MaintenanceLine | null,
  step: TrainStep | null,
): Component[] {
  const hold = (component: Component, why: string): Component =>
    component.notReleased ? component : { ...component, notReleased: why };
  const train = line?.train;
  if (train) {
    const first = `${train.version}.0`;
    const finishing = step?.step === 'finish' && step.name === train.name;
    return components.map((c) => {
      if (!train.components.includes(c.name))
        return hold(
          c,
          `not in release train ${train.name}: ${line.branch} releases only the train's components`,
        );
      const current = releases.get(c.name)?.current ?? c.version;
      const finished = current !== null && semver.valid(current) !== null && semver.gte(current, first);
      if (finished || finishing) return c;
      return hold(
        c,
        `release train ${train.name} v${train.version} is not finished: \`relx train finish --train ${train.name}\` releases ${first}`,
      );
    });
  }
  const held = new Map<string, string>();
  for (const t of config.trains) {
    if (branch !== t.from || (step?.step === 'cut' && step.name === t.name)) continue;
    for (const name of t.components)
      held.set(name, `released by release train ${t.name} (\`relx train cut\`, then \`relx train finish\`)`);
  }
  return components.map((c) => {
    const why = held.get(c.name);
    return why ? hold(c, why) : c;
  });
}
