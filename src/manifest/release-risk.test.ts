import { aManifest, digestOf, integrityOf } from './manifest-builders.js';
import type { ReleaseManifest } from './release-manifest.js';
import { assessReleaseRisk, parseReviewedRisks, versionBump } from './release-risk.js';

/** The running release with the api image at `apiVersion` (digest from `seed`) and the sdk at `sdk`. */
function aRelease(name: string, apiVersion: string, seed: string, sdk = '2.1.4'): ReleaseManifest {
  const base = aManifest();
  return {
    ...base,
    metadata: { ...base.metadata, name },
    components: {
      ...base.components,
      packages: base.components.packages.map((p) =>
        p.name === '@acme/sdk' ? { ...p, version: sdk, integrity: integrityOf(sdk[0] ?? 'x') } : p,
      ),
      images: [{ name: 'api', repository: 'ghcr.io/acme/api', tag: apiVersion, digest: digestOf(seed) }],
    },
  };
}

describe('versionBump', () => {
  it.each([
    ['1.4.2', '1.4.3', 'patch'],
    ['1.4.2', '1.5.0', 'minor'],
    ['1.4.2', '2.0.0', 'major'],
    ['1.4.2', '1.4.2', 'none'],
    ['1.4.0-rc.1', '1.4.0-rc.2', 'patch'],
    ['1.4.2', '1.5.0-rc.1', 'minor'],
    ['v2.1.0', 'v2.1.1', 'patch'],
    // CalVer YYYY.MM.PATCH: a new month is a minor step, leading zeros and all
    ['2026.11.3', '2026.11.4', 'patch'],
    ['2026.11.3', '2026.12.0', 'minor'],
    ['2026.09.1', '2026.10.0', 'minor'],
    // what cannot be read as a bump forward needs a person
    ['1.4.2', '1.4.1', 'major'],
    ['sha-abc1234', 'sha-def5678', 'major'],
  ])('%s → %s is %s', (from, to, risk) => {
    expect(versionBump(from, to).risk).toBe(risk);
  });
});

describe('assessReleaseRisk', () => {
  const running = aRelease('2026.12.0', '1.4.0', 'a');

  it('is the largest bump of a changed component, and names it first', () => {
    const incoming = aRelease('2026.12.1', '1.4.1', 'b', '2.2.0');
    const assessment = assessReleaseRisk(running, incoming);
    expect(assessment).toMatchObject({ running: '2026.12.0', incoming: '2026.12.1', risk: 'minor' });
    expect(assessment.components.map((c) => [c.name, c.risk])).toEqual([
      ['@acme/sdk', 'minor'],
      ['api', 'patch'],
    ]);
  });

  it('is a patch when only patches change, and none when nothing does', () => {
    expect(assessReleaseRisk(running, aRelease('2026.12.1', '1.4.1', 'b')).risk).toBe('patch');
    expect(assessReleaseRisk(running, { ...running, metadata: { ...running.metadata, name: 'x' } })).toEqual({
      running: '2026.12.0',
      incoming: 'x',
      risk: 'none',
      components: [],
    });
  });

  it('counts a re-published version, a removed component and a first release as major; an added one as minor', () => {
    expect(assessReleaseRisk(running, aRelease('r', '1.4.0', 'z')).components[0]).toMatchObject({
      name: 'api',
      risk: 'major',
      why: expect.stringContaining('re-published'),
    });
    const withoutChart = { ...running, components: { ...running.components, infrastructure: [] } };
    expect(assessReleaseRisk(running, withoutChart).risk).toBe('major');
    expect(assessReleaseRisk(withoutChart, running)).toMatchObject({
      risk: 'minor',
      components: [{ name: 'api-chart', from: null, to: '0.7.0', risk: 'minor' }],
    });
    expect(assessReleaseRisk(null, running)).toMatchObject({ running: null, risk: 'major' });
  });
});

describe('parseReviewedRisks', () => {
  it('reads the bumps that need a reviewer, and refuses a word that is not one', () => {
    expect([...parseReviewedRisks('minor, major')]).toEqual(['minor', 'major']);
    expect([...parseReviewedRisks('')]).toEqual([]);
    expect(() => parseReviewedRisks('minor,breaking', 'RELX_REVIEWED_BUMPS')).toThrow(
      expect.objectContaining({
        message: '"breaking" is not a bump.',
        field: 'RELX_REVIEWED_BUMPS',
      }),
    );
  });
});
