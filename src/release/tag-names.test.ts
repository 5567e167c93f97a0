import { execFileSync } from 'node:child_process';
import { invalidRefNameReason } from './tag-names.js';

/** git's own verdict, to hold the pure rules to. */
const gitAccepts = (name: string) => {
  try {
    execFileSync('git', ['check-ref-format', `refs/tags/${name}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

describe('tag names', () => {
  it.each([
    '@acme/core@1.3.0',
    'v1.4.0+build-abc',
    'api-v2.0.0-rc.1',
    'charts/api@0.3.2',
    'core 1.0.0',
    'core..1',
    'core@{1}',
    'a~1',
    'a^1',
    'a:b',
    'a?b',
    'a*b',
    'a[b',
    'a\\b',
    '.hidden',
    'x/.y',
    'x.lock',
    'x/y.lock/z',
    'x.',
    'x//y',
    '/x',
    'x/',
    '@',
    'tab\there',
  ])('"%s": the same verdict as git check-ref-format', (name) => {
    expect(invalidRefNameReason(name) === null).toBe(gitAccepts(name));
  });
});
