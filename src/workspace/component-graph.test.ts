import type { Component, DependencyEdge } from './component.js';
import { dependencyCycles, dependencyCycleWarning, topologicalOrder } from './component-graph.js';
import type { DependencyKind } from './relx-config.js';

const releasing: DependencyKind[] = ['dependencies', 'peerDependencies', 'optionalDependencies', 'dependsOn'];

function aComponent(name: string, ...dependsOn: Array<[string, DependencyKind]>): Component {
  return {
    name,
    type: 'npm-package',
    paths: [name],
    version: '1.0.0',
    versionFile: `${name}/package.json`,
    scheme: { kind: 'semver' },
    tagFormat: '{name}@{version}',
    dependsOn: dependsOn.map(([target, kind]): DependencyEdge => ({ name: target, kind })),
    private: false,
  };
}

describe('dependencyCycles', () => {
  it('shows each cycle as a path, and the warning says how it publishes and how to break it', () => {
    const components = [aComponent('a', ['b', 'dependencies']), aComponent('b', ['a', 'dependsOn'])];
    const cycles = dependencyCycles(components, releasing);
    expect(cycles).toEqual([['a', 'b', 'a']]);
    expect(dependencyCycleWarning(cycles[0] ?? [])).toBe(
      'Dependency cycle: a → b → a. A release of any of them raises the others, and they publish in the order a, b. To break it, drop the kind of edge from propagation.through (e.g. peerDependencies) or make one a devDependency.',
    );
  });

  it('finds vitest’s ring through dependencies and peerDependencies, and two rings apart', () => {
    const components = [
      aComponent('@vitest/browser', ['@vitest/ui', 'dependencies']),
      aComponent('@vitest/ui', ['vitest', 'peerDependencies']),
      aComponent('vitest', ['@vitest/browser-playwright', 'peerDependencies']),
      aComponent('@vitest/browser-playwright', ['@vitest/browser', 'dependencies']),
      aComponent('x', ['y', 'dependencies']),
      aComponent('y', ['x', 'dependencies']),
      aComponent('z', ['z', 'dependencies']),
    ];
    expect(dependencyCycles(components, releasing)).toEqual([
      ['@vitest/browser', '@vitest/ui', 'vitest', '@vitest/browser-playwright', '@vitest/browser'],
      ['x', 'y', 'x'],
      ['z', 'z'],
    ]);
  });

  it.each([
    [
      'a devDependency cycle',
      [aComponent('a', ['b', 'devDependencies']), aComponent('b', ['a', 'dependencies'])],
    ],
    [
      'a diamond',
      [
        aComponent('a', ['b', 'dependencies'], ['c', 'dependencies']),
        aComponent('b', ['d', 'dependencies']),
        aComponent('c', ['d', 'dependencies']),
        aComponent('d'),
      ],
    ],
    ['an edge to a component not in the list', [aComponent('a', ['gone', 'dependencies'])]],
  ])('finds none in %s', (_, components) => {
    expect(dependencyCycles(components, releasing)).toEqual([]);
  });

  it('counts devDependencies when the config says they carry releases', () => {
    const components = [aComponent('a', ['b', 'devDependencies']), aComponent('b', ['a', 'dependencies'])];
    expect(dependencyCycles(components, [...releasing, 'devDependencies'])).toEqual([['a', 'b', 'a']]);
  });
});

describe('topologicalOrder', () => {
  it('puts dependencies before dependents, ties by name', () => {
    const components = [
      aComponent('web', ['ui', 'dependencies'], ['api-client', 'peerDependencies']),
      aComponent('ui', ['tokens', 'dependencies']),
      aComponent('api-client'),
      aComponent('tokens'),
      aComponent('image', ['web', 'dependsOn']),
      aComponent('docs', ['web', 'devDependencies']),
    ];
    expect(topologicalOrder(components, releasing)).toEqual([
      'api-client',
      'docs',
      'tokens',
      'ui',
      'web',
      'image',
    ]);
  });
});
