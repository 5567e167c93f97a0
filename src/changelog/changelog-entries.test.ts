import { changelogEntriesBetween } from './changelog-entries.js';

const changelog = `# Changelog

## [1.3.1](https://github.com/acme/platform/compare/core@1.3.0...core@1.3.1) (2026-11-24)

### Bug Fixes

* **core:** retry on exceptions, not on falsy results ([b0d7b69](https://github.com/acme/platform/commit/b0d7b69))

# [1.3.0](https://github.com/acme/platform/compare/core@1.2.0...core@1.3.0) (2026-11-20)

### Features

* **core:** retries with backoff ([3a41039](https://github.com/acme/platform/commit/3a41039))
* a second feature (9f8e7d6)

### Dependencies

* **@acme/utils:** 2.0.0 → 2.1.0

## 1.2.0 (2026-10-01)

### Features

* the first feature
`;

describe('changelog entries between two versions', () => {
  it('lists the entries after the earlier version up to the later one, newest first, as plain text', () => {
    expect(changelogEntriesBetween(changelog, '1.2.0', '1.3.1')).toEqual([
      { version: '1.3.1', text: 'Bug Fixes: core: retry on exceptions, not on falsy results' },
      { version: '1.3.0', text: 'Features: core: retries with backoff' },
      { version: '1.3.0', text: 'Features: a second feature' },
      { version: '1.3.0', text: 'Dependencies: @acme/utils: 2.0.0 → 2.1.0' },
    ]);
  });

  it('excludes releases after the later version', () => {
    expect(changelogEntriesBetween(changelog, '1.2.0', '1.3.0').map((e) => e.version)).toEqual([
      '1.3.0',
      '1.3.0',
      '1.3.0',
    ]);
  });

  it('goes back to the earlier version by position for CalVer', () => {
    const calver =
      '# Changelog\n\n## 2026.11.2 (2026-11-24)\n\n* c\n\n## 2026.11.1 (2026-11-20)\n\n* b\n\n## 2026.11.0\n\n* a\n';
    expect(changelogEntriesBetween(calver, '2026.11.0', '2026.11.2')).toEqual([
      { version: '2026.11.2', text: 'c' },
      { version: '2026.11.1', text: 'b' },
    ]);
  });

  it('finds nothing in an empty or missing section', () => {
    expect(changelogEntriesBetween('', '1.0.0', '1.1.0')).toEqual([]);
    expect(changelogEntriesBetween(changelog, '1.3.1', '1.3.1')).toEqual([]);
  });
});
