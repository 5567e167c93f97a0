import {
  addChangelogEntries,
  diffManifests,
  renderManifestDiff,
  type ChangelogSource,
} from './diff-manifests.js';
import { aManifest, digestOf } from './manifest-builders.js';
import type { ReleaseManifest } from './release-manifest.js';

// before: @acme/core 1.3.0, @acme/sdk 2.1.4, api 1.4.2, api-chart 0.7.0
const before = aManifest();
const after: ReleaseManifest = aManifest({
  metadata: { ...before.metadata, name: '1.4.0', previous: '1.3.0' },
  components: {
    packages: [{ ...before.components.packages[0]!, version: '1.4.0' }],
    images: [
      { ...before.components.images[0]!, tag: '1.5.0', digest: digestOf('e') },
      { name: 'worker', repository: 'ghcr.io/acme/worker', tag: '0.1.0', digest: digestOf('f') },
    ],
    infrastructure: [{ ...before.components.infrastructure[0]!, digest: digestOf('9') }],
  },
});

describe('diffManifests', () => {
  it('lists version changes, re-pinned components, added and removed ones', () => {
    expect(diffManifests(before, after)).toEqual({
      from: '1.3.0',
      to: '1.4.0',
      changed: [
        {
          name: '@acme/core',
          category: 'package',
          from: '1.3.0',
          to: '1.4.0',
          change: 'version',
          changelog: [],
        },
        { name: 'api', category: 'image', from: '1.4.2', to: '1.5.0', change: 'version', changelog: [] },
        {
          name: 'api-chart',
          category: 'infrastructure',
          from: '0.7.0',
          to: '0.7.0',
          change: 'pin',
          changelog: [],
        },
      ],
      added: [{ name: 'worker', category: 'image', version: '0.1.0', pin: digestOf('f') }],
      removed: [
        {
          name: '@acme/sdk',
          category: 'package',
          version: '2.1.4',
          pin: before.components.packages[1]!.integrity,
        },
      ],
      unchanged: 0,
    });
  });

  it('finds nothing between a release and itself', () => {
    expect(diffManifests(before, before)).toMatchObject({
      changed: [],
      added: [],
      removed: [],
      unchanged: 4,
    });
  });

  it('adds the changelog entries in between for each version change', async () => {
    const asked: string[] = [];
    const source: ChangelogSource = {
      entriesBetween: async (component, from, to) => {
        asked.push(`${component} ${from}..${to}`);
        return [{ version: to, text: `feat: something new in ${component}` }];
      },
    };
    const diff = await addChangelogEntries(diffManifests(before, after), source);
    expect(asked).toEqual(['@acme/core 1.3.0..1.4.0', 'api 1.4.2..1.5.0']);
    expect(renderManifestDiff(diff)).toBe(
      [
        '1.3.0 → 1.4.0',
        '',
        'Changed (3):',
        '  @acme/core  1.3.0 → 1.4.0                     package',
        '      1.4.0: feat: something new in @acme/core',
        '  api         1.4.2 → 1.5.0                     image',
        '      1.5.0: feat: something new in api',
        '  api-chart   0.7.0 (same version, new digest)  infrastructure',
        '',
        'Added (1):',
        '  worker  0.1.0  image',
        '',
        'Removed (1):',
        '  @acme/sdk  2.1.4  package',
        '',
        'Unchanged: 0',
        '',
      ].join('\n'),
    );
  });

  it('says so when nothing changed', () => {
    expect(renderManifestDiff(diffManifests(before, before))).toBe(
      '1.3.0 → 1.3.0\n\nNo component changed.\n\nUnchanged: 4\n',
    );
  });
});
