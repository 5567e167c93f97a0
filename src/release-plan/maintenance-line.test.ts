import { RelxError } from '../relx-error.js';
import { relxConfigSchema } from '../workspace/relx-config.js';
import { lineDistTag, rangeFromBranchName, resolveMaintenanceLine } from './maintenance-line.js';

const config = (yaml: object) => relxConfigSchema.parse(yaml);

describe('maintenance lines from branch names', () => {
  it.each([
    ['release/1.x', '>=1.0.0 <2.0.0'],
    ['release/1.x.x', '>=1.0.0 <2.0.0'],
    ['v3', '>=3.0.0 <4.0.0'],
    ['release/1.4.x', '>=1.4.0 <1.5.0'],
    ['release/v1.4', '>=1.4.0 <1.5.0'],
    ['release/next', null],
    ['main', null],
  ])('%s → %s', (branch, range) => {
    expect(rangeFromBranchName(branch)).toBe(range);
  });

  it('resolves the first matching line, a configured range and dist-tag, and a train branch', () => {
    const c = config({
      maintenance: [{ branch: 'release/*' }, { branch: 'lts', range: '>=2.0.0 <2.3.0', distTag: 'lts' }],
      trains: [{ name: 'sdk', components: ['@acme/sdk'] }],
    });
    expect(resolveMaintenanceLine('main', c)).toBeNull();
    expect(resolveMaintenanceLine(null, c)).toBeNull();
    expect(resolveMaintenanceLine('release/1.4.x', c)).toMatchObject({
      range: '>=1.4.0 <1.5.0',
      patchOnly: true,
      distTag: null,
      fallbackDistTag: 'release-1.4.x',
      train: null,
    });
    expect(resolveMaintenanceLine('lts', c)).toMatchObject({
      range: '>=2.0.0 <2.3.0',
      patchOnly: false,
      distTag: 'lts',
    });
    expect(resolveMaintenanceLine('release/v2.7', c)).toMatchObject({
      range: '>=2.7.0 <2.8.0',
      patchOnly: true,
      train: { name: 'sdk', version: '2.7', components: ['@acme/sdk'] },
    });
  });

  it('refuses a range with no upper bound: a line never releases a new major', () => {
    const c = config({ maintenance: [{ branch: 'old', range: '>=1.0.0' }] });
    expect(() => resolveMaintenanceLine('old', c)).toThrow(
      'maintenance[0].range ">=1.0.0" is not a bounded SemVer range.',
    );
  });

  it('refuses a dist-tag npm would read as a range', () => {
    expect(() => config({ maintenance: [{ branch: 'release/*', distTag: '1.x' }] })).toThrow(
      /starting with a letter/,
    );
  });
});

describe('the dist-tag of a line release', () => {
  const line = resolveMaintenanceLine('release/1.x', config({ maintenance: [{ branch: 'release/*' }] }));
  if (!line) throw new Error('no line');

  it('is the line tag below the highest version, latest when it is the highest', () => {
    expect(lineDistTag(line, '1.4.3', ['1.4.2', '1.4.3', '2.0.0'])).toBe('release-1.x');
    expect(lineDistTag(line, '1.4.3', ['1.4.2', '1.4.3', '2.0.0-rc.1'])).toBe('latest');
  });

  it('refuses a configured latest for a version below another tag', () => {
    const latest = { ...line, distTag: 'latest' };
    expect(lineDistTag(latest, '1.5.0', ['1.4.0', '1.5.0'])).toBe('latest');
    let error: unknown;
    try {
      lineDistTag(latest, '1.4.3', ['1.4.3', '2.0.0']);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RelxError);
    expect((error as RelxError).message).toBe(
      "1.4.3 from release/1.x would move npm's latest below 2.0.0, the component's highest version.",
    );
  });
});
