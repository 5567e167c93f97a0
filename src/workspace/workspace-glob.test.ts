import { globToRegExp, isExcludedFolder } from './workspace-glob.js';

describe('workspace globs', () => {
  it.each([
    ['packages/*', 'packages/a', true],
    ['packages/*', 'packages/a/b', false],
    ['packages/**', 'packages', true],
    ['packages/**', 'packages/a/b', true],
    ['packages/**', 'packagesx', false],
    ['**/__tests__/**', '__tests__', true],
    ['**/__tests__/**', 'packages/vite/src/__tests__/fixtures', true],
    ['**/__tests__/**', 'packages/vite/src/tests', false],
    ['apps/**/x', 'apps/x', true],
    ['apps/**/x', 'apps/deep/er/x', true],
    ['**', 'anything/at/all', true],
    ['./libs/a/', 'libs/a', true],
    ['web*', 'website', true],
    ['a.b', 'axb', false],
  ])('%s against %s: %s', (glob, folder, expected) => {
    expect(globToRegExp(glob).test(folder)).toBe(expected);
  });

  it.each([
    ['playground/alias', ['playground'], true],
    ['playground', ['playground/**'], true],
    ['packages/vite/src/__tests__/fixtures/dep', ['**/__tests__'], true],
    ['packages/vite', ['playground', '**/__tests__'], false],
    ['', ['**'], false],
  ])('%s is excluded by %j: %s', (folder, globs, expected) => {
    expect(isExcludedFolder(folder, globs.map(globToRegExp))).toBe(expected);
  });
});
