import type { Component, DependencyEdge } from './component.js';
import { assertAcyclic, topologicalOrder } from './component-graph.js';
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

describe('assertAcyclic', () => {
  it('shows a cycle as a path and how to break it', () => {
    const components = [aComponent('a', ['b', 'dependencies']), aComponent('b', ['a', 'dependsOn'])];
    expect(() => assertAcyclic(components, releasing, 'relx.config.yaml')).toThrow(
      expect.objectContaining({
        kind: 'configuration',
        file: 'relx.config.yaml',
        message: 'Dependency cycle: a → b → a.',
        fix: expect.stringMatching(/remove one of these dependencies, or make it a devDependency/),
      }),
    );
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
  ])('allows %s', (_, components) => {
    expect(() => assertAcyclic(components, releasing)).not.toThrow();
  });

  it('counts devDependencies when the config says they carry releases', () => {
    const components = [aComponent('a', ['b', 'devDependencies']), aComponent('b', ['a', 'dependencies'])];
    expect(() => assertAcyclic(components, [...releasing, 'devDependencies'])).toThrow(/a → b → a/);
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
