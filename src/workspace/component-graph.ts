import type { Component } from './component.js';
import type { DependencyKind } from './relx-config.js';

function edgesOf(components: readonly Component[], kinds: readonly DependencyKind[]): Map<string, string[]> {
  const known = new Set(components.map((c) => c.name));
  const carry = new Set(kinds);
  return new Map(
    components.map((c) => [
      c.name,
      [
        ...new Set(c.dependsOn.filter((e) => carry.has(e.kind) && known.has(e.name)).map((e) => e.name)),
      ].sort(),
    ]),
  );
}

/**
 * The dependency cycles through the edges that carry releases, each as a path (`a → b → a`), one
 * per set of components that depend on each other. npm and every peer tool take them (vitest's
 * packages peer-depend on each other in a ring): propagation still ends, since a bump only rises,
 * and publishing breaks the ring at a fixed point (`topologicalOrder`). relx warns, never refuses.
 */
export function dependencyCycles(
  components: readonly Component[],
  kinds: readonly DependencyKind[],
): string[][] {
  const edges = edgesOf(components, kinds);
  return stronglyConnected(edges)
    .filter((group) => group.length > 1 || (edges.get(group[0] ?? '') ?? []).includes(group[0] ?? ''))
    .map((group) => cycleWithin(new Set(group), edges))
    .sort((a, b) => (a[0] ?? '').localeCompare(b[0] ?? '', 'en'));
}

/** The warning a plan shows for each cycle. */
export const dependencyCycleWarning = (cycle: readonly string[]): string =>
  `Dependency cycle: ${cycle.join(' → ')}. A release of any of them raises the others, and they publish in the order ${[...new Set(cycle)].sort().join(', ')}. To break it, drop the kind of edge from propagation.through (e.g. peerDependencies) or make one a devDependency.`;

/** Tarjan's strongly connected components, each sorted by name. */
function stronglyConnected(edges: ReadonlyMap<string, readonly string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const groups: string[][] = [];
  const visit = (name: string) => {
    index.set(name, index.size);
    low.set(name, index.get(name) as number);
    stack.push(name);
    onStack.add(name);
    for (const next of edges.get(name) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(name, Math.min(low.get(name) as number, low.get(next) as number));
      } else if (onStack.has(next))
        low.set(name, Math.min(low.get(name) as number, index.get(next) as number));
    }
    if (low.get(name) !== index.get(name)) return;
    const group: string[] = [];
    for (let member = stack.pop(); member !== undefined; member = stack.pop()) {
      onStack.delete(member);
      group.push(member);
      if (member === name) break;
    }
    groups.push(group.sort());
  };
  for (const name of [...edges.keys()].sort()) if (!index.has(name)) visit(name);
  return groups;
}

/** One cycle through a group, from its first name: the path the warning shows. */
function cycleWithin(group: ReadonlySet<string>, edges: ReadonlyMap<string, readonly string[]>): string[] {
  const start = [...group].sort()[0] as string;
  const seen = new Set<string>();
  const walk = (name: string, path: string[]): string[] | null => {
    for (const next of edges.get(name) ?? []) {
      if (next === start) return [...path, start];
      if (!group.has(next) || seen.has(next)) continue;
      seen.add(next);
      const found = walk(next, [...path, next]);
      if (found) return found;
    }
    return null;
  };
  return walk(start, [start]) ?? [start, start];
}

/** Dependencies before their dependents, ties by name: the order to publish in. */
export function topologicalOrder(
  components: readonly Component[],
  kinds: readonly DependencyKind[],
): string[] {
  const edges = edgesOf(components, kinds);
  const order: string[] = [];
  const placed = new Set<string>();
  const place = (name: string, path: Set<string>) => {
    if (placed.has(name) || path.has(name)) return;
    path.add(name);
    for (const dependency of edges.get(name) ?? []) place(dependency, path);
    placed.add(name);
    order.push(name);
  };
  for (const name of [...edges.keys()].sort()) place(name, new Set());
  return order;
}
