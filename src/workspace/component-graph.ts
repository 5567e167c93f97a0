import { configurationError } from '../relx-error.js';
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
 * A cycle through the edges that carry releases has no order to publish in and no end to
 * propagation: refuse it, showing the cycle. devDependency cycles are common and harmless.
 */
export function assertAcyclic(
  components: readonly Component[],
  kinds: readonly DependencyKind[],
  file: string | null = null,
): void {
  const edges = edgesOf(components, kinds);
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (name: string): string[] | null => {
    if (state.get(name) === 'done') return null;
    if (state.get(name) === 'visiting') return [...stack.slice(stack.indexOf(name)), name];
    state.set(name, 'visiting');
    stack.push(name);
    for (const next of edges.get(name) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(name, 'done');
    return null;
  };
  for (const name of [...edges.keys()].sort()) {
    const cycle = visit(name);
    if (cycle) {
      throw configurationError(`Dependency cycle: ${cycle.join(' → ')}.`, {
        ...(file ? { file } : {}),
        field: 'dependencies',
        fix: 'Break the cycle: remove one of these dependencies, or make it a devDependency (which does not carry releases).',
      });
    }
  }
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
