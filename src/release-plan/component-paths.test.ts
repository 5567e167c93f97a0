import type { Component } from '../workspace/component.js';
import { ComponentPaths, isNamedBy, namesOf } from './component-paths.js';

const aComponent = (name: string, ...paths: string[]): Component => ({
  name,
  type: 'npm-package',
  paths,
  version: '1.0.0',
  versionFile: null,
  scheme: { kind: 'semver' },
  tagFormat: '{name}@{version}',
  dependsOn: [],
  private: false,
});

describe('which components own a commit', () => {
  const paths = new ComponentPaths([
    aComponent('@acme/a', 'packages/a'),
    aComponent('ab', 'packages/ab'),
    aComponent('nested', 'packages/a/plugins'),
  ]);

  it.each([
    [['packages/a/x.js'], ['@acme/a']],
    [
      ['packages/a/x.js', 'packages/a/y.js', 'packages/ab/z.js'],
      ['@acme/a', 'ab'],
    ],
    // runs of files in one folder, then a sibling folder whose name extends it
    [
      ['packages/a/1.js', 'packages/a/2.js', 'packages/a/3.js', 'packages/ab/1.js', 'packages/ab/2.js'],
      ['@acme/a', 'ab'],
    ],
    [
      ['packages/a/plugins/p.js', 'packages/a/plugins/q.js'],
      ['@acme/a', 'nested'],
    ],
    [['README.md', 'packages/ab/x.js', 'packages/abc/x.js', 'packages/ab'], ['ab']],
    [['README.md', 'docs/x.md'], []],
  ])('%j → %j', (files, owners) => {
    expect(paths.ownersOfAny(files).sort()).toEqual(owners.sort());
  });

  it('names a component by its name, its unscoped name or its folder, in any case', () => {
    expect(namesOf(aComponent('@babel/core', 'packages/babel-core'))).toEqual([
      '@babel/core',
      'core',
      'babel-core',
    ]);
    expect(isNamedBy('Babel-Core', aComponent('@babel/core', 'packages/babel-core'))).toBe(true);
    expect(paths.namedBy('a')).toEqual(['@acme/a']);
    expect(paths.namedBy('website')).toEqual([]);
    expect(new ComponentPaths([aComponent('app', '.')]).rootComponents()).toEqual(['app']);
  });
});
