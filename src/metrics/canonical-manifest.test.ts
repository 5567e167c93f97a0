import { aManifest, digestOf } from '../manifest/manifest-builders.js';
import {
  parseReleaseManifest,
  renderReleaseManifest,
  type ReleaseManifest,
} from '../manifest/release-manifest.js';
import { parseCanonicalManifest } from './canonical-manifest.js';

const base = aManifest();
const variants: Array<[string, ReleaseManifest]> = [
  ['the builder', base],
  [
    'a first release, no run',
    {
      ...base,
      metadata: { ...base.metadata, previous: null, source: { ...base.metadata.source, runUrl: null } },
    },
  ],
  [
    'versions and names YAML would read as numbers, quoted ranges, scoped names',
    {
      ...base,
      metadata: { ...base.metadata, name: '1.0' },
      components: {
        ...base.components,
        images: [
          { name: 'api', repository: 'ghcr.io/acme/api', tag: '1.0', digest: digestOf('b') },
          { name: '2', repository: 'ghcr.io/acme/x', tag: 'true', digest: digestOf('c') },
          { name: 'y', repository: 'ghcr.io/acme/y', tag: "it's: #1" },
        ],
      },
      compatibility: [{ api: '>=1.4.0 <2.0.0', '@acme/sdk': '2.1.x' }, { cli: '*' }],
    },
  ],
];

describe('the fast manifest reader gives what parseReleaseManifest gives, or nothing', () => {
  it.each(variants)('%s, as relx renders it', (_, manifest) => {
    const text = renderReleaseManifest(manifest);
    expect(parseCanonicalManifest(text)).toEqual(parseReleaseManifest(text, 'm.yaml'));
  });

  it.each([
    ['a comment', (t: string) => `# hand-edited\n${t}`],
    ['an anchor', (t: string) => t.replace('name: 1.3.0', 'name: &n 1.3.0')],
    ['a number where a string belongs', (t: string) => t.replace('tag: 1.4.2', 'tag: 1.4')],
    ['a boolean', (t: string) => t.replace('tag: 1.4.2', 'tag: yes\n      x: true')],
    [
      'a block scalar',
      (t: string) => t.replace('repository: acme/platform', 'repository: |\n      acme/platform'),
    ],
    ['a flow mapping', (t: string) => t.replace('compatibility: []', 'compatibility: [{a: "1"}]')],
    ['an escape', (t: string) => t.replace('repository: acme/platform', 'repository: "acme\\u002fplatform"')],
    [
      'a duplicate key',
      (t: string) => t.replace('kind: ReleaseManifest', 'kind: ReleaseManifest\nkind: ReleaseManifest'),
    ],
    ['a sequence not indented', (t: string) => t.replace('  images:\n    - name', '  images:\n  - name')],
    ['a tab', (t: string) => t.replace('  name: 1.3.0', '  name:\t1.3.0')],
    [
      'a prototype key',
      (t: string) => t.replace('kind: ReleaseManifest', 'kind: ReleaseManifest\n__proto__: x'),
    ],
  ])('steps aside for %s', (_, edit) => {
    expect(parseCanonicalManifest(edit(renderReleaseManifest(base)))).toBeNull();
  });
});
