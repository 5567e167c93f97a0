import { nextCalendarVersion, parseCalendarVersion } from './calendar-version.js';
import { nextVersion } from './next-version.js';
import { bumpForChange } from './release-rules.js';
import { renderTag, tagMatcher } from './tag-format.js';

const at = (iso: string) => new Date(iso);
const semverScheme = { kind: 'semver' } as const;

describe('bumpForChange', () => {
  it.each([
    [{ type: 'feat', scope: null, breaking: false }, [], 'minor'],
    [{ type: 'fix', scope: 'api', breaking: false }, [], 'patch'],
    [{ type: 'perf', scope: null, breaking: false }, [], 'patch'],
    [{ type: 'docs', scope: null, breaking: false }, [], 'none'],
    [{ type: 'chore', scope: null, breaking: true }, [], 'major'],
    [{ type: 'build', scope: null, breaking: false }, [{ type: 'build', bump: 'patch' as const }], 'patch'],
    [
      { type: 'docs', scope: 'readme', breaking: false },
      [{ type: 'docs', scope: 'readme', bump: 'patch' as const }],
      'patch',
    ],
    [
      { type: 'docs', scope: 'api', breaking: false },
      [{ type: 'docs', scope: 'readme', bump: 'patch' as const }],
      'none',
    ],
    [
      { type: 'feat', scope: 'internal', breaking: false },
      [{ type: 'feat', scope: 'internal', bump: 'none' as const }],
      'none',
    ],
    [
      { type: 'fix', scope: 'x', breaking: false },
      [
        { type: 'fix', bump: 'minor' as const },
        { type: 'fix', scope: 'x', bump: 'none' as const },
      ],
      'none',
    ],
  ])('%j with rules %j → %s', (change, rules, expected) => {
    expect(bumpForChange(change, rules)).toBe(expected);
  });
});

describe('nextVersion (SemVer)', () => {
  it.each([
    ['1.2.3', 'patch', null, [], '1.2.4'],
    ['1.2.3', 'minor', null, [], '1.3.0'],
    ['1.2.3', 'major', null, [], '2.0.0'],
    ['0.4.1', 'minor', null, [], '0.5.0'],
    ['1.2.3+build.5', 'patch', null, [], '1.2.4'],
    ['1.2.3', 'minor', 'rc', [], '1.3.0-rc.0'],
    ['1.2.3', 'minor', 'rc', ['1.3.0-rc.0'], '1.3.0-rc.1'],
    ['1.2.3', 'minor', 'rc', ['1.3.0-rc.0', '1.3.0-rc.1', '1.3.0-beta.7'], '1.3.0-rc.2'],
    ['1.2.3', 'major', 'rc', ['1.3.0-rc.0', '1.3.0-rc.1'], '2.0.0-rc.0'],
    ['1.3.0-rc.2', 'minor', null, [], '1.3.0'],
  ] as const)('%s + %s on channel %s (released %j) → %s', (current, bump, prerelease, released, expected) => {
    expect(
      nextVersion({
        scheme: semverScheme,
        current,
        bump,
        prerelease,
        released,
        now: at('2026-11-24T00:00:00Z'),
      }),
    ).toBe(expected);
  });
});

describe('CalVer', () => {
  it.each([
    ['YYYY.MM.PATCH', null, '2026-11-24T10:00:00Z', '2026.11.0'],
    ['YYYY.MM.PATCH', '2026.11.0', '2026-11-24T10:00:00Z', '2026.11.1'],
    ['YYYY.MM.PATCH', '2026.11.7', '2026-12-01T00:00:00Z', '2026.12.0'],
    ['YYYY.MM.PATCH', '2026.12.3', '2027-01-01T00:00:00Z', '2027.1.0'],
    ['YYYY.0M.MICRO', '2026.12.3', '2027-01-01T00:00:00Z', '2027.01.0'],
    ['YYYY.0M.MICRO', '2027.01.0', '2027-01-31T23:59:59Z', '2027.01.1'],
    ['0Y.0M.0D.MICRO', '26.11.23.4', '2026-11-24T00:00:00Z', '26.11.24.0'],
    ['YY.MM.MICRO', null, '2030-02-10T00:00:00Z', '30.2.0'],
  ])('%s after %s on %s → %s', (format, current, now, expected) => {
    expect(nextCalendarVersion(format, current, at(now))).toBe(expected);
  });

  it('does not mistake a SemVer for a CalVer of another shape', () => {
    expect(parseCalendarVersion('YYYY.MM.PATCH', '1.2')).toBeNull();
    expect(parseCalendarVersion('YYYY.MM.PATCH', '2026.11.2-rc.1')).toEqual({
      period: '2026.11',
      counter: 2,
    });
  });

  it('numbers CalVer pre-releases like SemVer ones', () => {
    const scheme = { kind: 'calver', format: 'YYYY.MM.PATCH' } as const;
    const now = at('2026-11-24T00:00:00Z');
    expect(
      nextVersion({
        scheme,
        current: '2026.11.0',
        bump: 'patch',
        prerelease: 'rc',
        released: ['2026.11.1-rc.0'],
        now,
      }),
    ).toBe('2026.11.1-rc.1');
  });
});

describe('tag formats', () => {
  it.each([
    ['{name}@{version}', '@acme/core', '1.2.3', '@acme/core@1.2.3'],
    ['{name}-v{version}', 'api', '1.2.3-rc.1', 'api-v1.2.3-rc.1'],
    ['v{version}', 'app', '2.0.0', 'v2.0.0'],
    ['{name}/v{version}', 'infra/chart', '2026.11.0', 'infra/chart/v2026.11.0'],
    ['release-{version}', 'x', '1.0.0+sha.abc', 'release-1.0.0+sha.abc'],
  ])('%s renders and parses %s %s', (format, name, version, tag) => {
    expect(renderTag(format, name, version)).toBe(tag);
    expect(tagMatcher(format, name)(tag)).toBe(version);
  });

  it('does not take another component’s tag', () => {
    const matches = tagMatcher('{name}@{version}', 'core');
    expect(matches('core-utils@1.0.0')).toBeNull();
    expect(matches('@acme/core@1.0.0')).toBeNull();
    expect(matches('core@1.0.0')).toBe('1.0.0');
    expect(tagMatcher('{name}-v{version}', 'api')('api-v-1')).toBeNull();
  });
});
