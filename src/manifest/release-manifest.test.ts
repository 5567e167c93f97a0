import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';
import { z } from 'zod';
import { RelxError } from '../relx-error.js';
import { aManifest } from './manifest-builders.js';
import { parseReleaseManifest, releaseManifestSchema, renderReleaseManifest } from './release-manifest.js';

const schemaFile = join(resolve(import.meta.dirname, '..', '..'), 'schema', 'release-manifest.schema.json');

function renderSchema(): string {
  const schema = {
    ...z.toJSONSchema(releaseManifestSchema, { io: 'input', target: 'draft-2020-12' }),
    $id: 'https://relx.dev/schema/release-manifest.schema.json',
    title: 'relx release manifest (releases/<name>.yaml)',
  };
  return `${JSON.stringify(schema, null, 2)}\n`;
}

describe('schema/release-manifest.schema.json', () => {
  it('matches the manifest schema (run with UPDATE_SCHEMA=1 to regenerate)', () => {
    const expected = renderSchema();
    if (process.env.UPDATE_SCHEMA === '1') writeFileSync(schemaFile, expected);
    expect(readFileSync(schemaFile, 'utf8')).toBe(expected);
  });
});

describe('the published JSON Schema', () => {
  it('accepts the manifests relx writes and refuses what the zod schema refuses', () => {
    const ajv = new Ajv2020({ strict: false });
    addFormats.default(ajv);
    const validate = ajv.compile(JSON.parse(readFileSync(schemaFile, 'utf8')) as object);
    const text = renderReleaseManifest(aManifest({ compatibility: [{ api: '1.x' }] }));
    expect(validate(parse(text))).toBe(true);
    expect(validate(parse(text.replace('kind: helm-chart', 'kind: ansible')))).toBe(false);
  });
});

describe('renderReleaseManifest', () => {
  it('renders the canonical YAML', () => {
    expect(renderReleaseManifest(aManifest({ compatibility: [{ sdk: '2.1.x', api: '>=1.4.0 <2.0.0' }] })))
      .toMatchInlineSnapshot(`
"apiVersion: relx.dev/v1
kind: ReleaseManifest
metadata:
  name: 1.3.0
  createdAt: 2026-11-20T10:00:00.000Z
  source:
    repository: acme/platform
    commit: fedcba9876543210fedcba9876543210fedcba98
    runUrl: https://github.com/acme/platform/actions/runs/41
  previous: 1.2.0
components:
  packages:
    - name: "@acme/core"
      version: 1.3.0
      registry: https://registry.npmjs.org/
      integrity: sha512-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa==
    - name: "@acme/sdk"
      version: 2.1.4
      registry: https://registry.npmjs.org/
      integrity: sha512-dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd==
  images:
    - name: api
      repository: ghcr.io/acme/api
      tag: 1.4.2
      digest: sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb
  infrastructure:
    - name: api-chart
      kind: helm-chart
      reference: oci://ghcr.io/acme/charts/api-chart:0.7.0
      version: 0.7.0
      digest: sha256:cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc
compatibility:
  - api: ">=1.4.0 <2.0.0"
    sdk: 2.1.x
"
`);
  });

  it('gives identical bytes for parse → render, and quotes names YAML would read as numbers', () => {
    const manifest = aManifest({
      metadata: {
        ...aManifest().metadata,
        name: '12',
        previous: '11',
        source: { ...aManifest().metadata.source, runUrl: null },
      },
    });
    const text = renderReleaseManifest(manifest);
    expect(renderReleaseManifest(parseReleaseManifest(text, 'releases/12.yaml'))).toBe(text);
    expect(parseReleaseManifest(text, 'releases/12.yaml').metadata.name).toBe('12');
  });

  it('orders keys and components the same whatever order they were written in', () => {
    const manifest = aManifest();
    const shuffled = {
      compatibility: [],
      components: {
        infrastructure: manifest.components.infrastructure,
        images: manifest.components.images,
        packages: [...manifest.components.packages].reverse().map((p) => ({
          integrity: p.integrity,
          registry: p.registry,
          version: p.version,
          name: p.name,
        })),
      },
      metadata: { ...manifest.metadata },
      kind: manifest.kind,
      apiVersion: manifest.apiVersion,
    } as typeof manifest;
    expect(renderReleaseManifest(shuffled)).toBe(renderReleaseManifest(manifest));
  });
});

describe('parseReleaseManifest', () => {
  it.each([
    ['a wrong apiVersion', (t: string) => t.replace('relx.dev/v1', 'relx.dev/v2'), 'apiVersion'],
    ['an unknown key', (t: string) => t.replace('  previous:', '  owner: me\n  previous:'), 'metadata.owner'],
    [
      'an image without a repository',
      (t: string) => t.replace('      repository: ghcr.io/acme/api\n', ''),
      'components.images[0].repository',
    ],
    [
      'an unsafe component name',
      (t: string) => t.replace('- name: api\n', '- name: "x; rm -rf ~"\n'),
      'components.images[0].name',
    ],
    [
      'an image repository with a newline in it',
      (t: string) =>
        t.replace('repository: ghcr.io/acme/api\n', 'repository: "ghcr.io/acme/api\\nmalicious: true"\n'),
      'components.images[0].repository',
    ],
    [
      'an unknown infrastructure kind',
      (t: string) => t.replace('kind: helm-chart', 'kind: ansible'),
      'components.infrastructure[0].kind',
    ],
  ])('refuses %s, naming the field', (_case, edit, field) => {
    const text = edit(renderReleaseManifest(aManifest()));
    expect(() => parseReleaseManifest(text, 'releases/1.3.0.yaml')).toThrow(
      expect.objectContaining({ kind: 'input', file: 'releases/1.3.0.yaml', field }),
    );
  });

  it('refuses YAML that does not parse, with its line', () => {
    const error = (() => {
      try {
        parseReleaseManifest('apiVersion: relx.dev/v1\nkind: [\n', 'releases/x.yaml');
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(RelxError);
    expect((error as RelxError).message).toMatch(/YAML syntax error/);
  });
});
