import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { Ajv } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';
import { GitRepo } from '../../test/git-repo.js';
import { goInstalled, goModDownload } from '../../test/go-toolchain.js';
import { assembleManifest } from '../manifest/assemble-manifest.js';
import { renderCycloneDxBom } from '../manifest/cyclonedx-bom.js';
import { parsePublishedList } from '../manifest/published-list.js';
import { parseReleaseManifest, renderReleaseManifest } from '../manifest/release-manifest.js';
import { validateManifest } from '../manifest/validate-manifest.js';
import { publishRelease } from '../publish/publish-release.js';
import { applyReleasePlan } from '../release/apply-release-plan.js';
import { planRepositoryRelease } from '../release-plan/plan-repository-release.js';
import { loadWorkspace } from '../workspace/load-workspace.js';

const now = new Date('2026-12-01T12:00:00Z');
const host = 'example.test/orion.git';
const haveGo = goInstalled();
if (!haveGo)
  console.warn('go is not installed: the pinned h1: is not compared with Go (apt-get install golang-go).');

const schemaDir = join(
  dirname(createRequire(import.meta.url).resolve('@cyclonedx/cyclonedx-library')),
  '..',
  'res',
  'schema',
);
const readSchema = (file: string) => JSON.parse(readFileSync(join(schemaDir, file), 'utf8')) as object;

function validators() {
  const cyclonedx = new Ajv({
    strict: false,
    schemas: {
      'http://cyclonedx.org/schema/spdx.SNAPSHOT.schema.json': readSchema('spdx.SNAPSHOT.schema.json'),
      'http://cyclonedx.org/schema/jsf-0.82.SNAPSHOT.schema.json': readSchema(
        'jsf-0.82.SNAPSHOT.schema.json',
      ),
    },
  });
  addFormats.default(cyclonedx);
  cyclonedx.addFormat('idn-email', true);
  cyclonedx.addFormat('iri-reference', true);
  const manifest = new Ajv2020({ strict: false });
  addFormats.default(manifest);
  const manifestSchema = join(
    resolve(import.meta.dirname, '..', '..'),
    'schema',
    'release-manifest.schema.json',
  );
  return {
    bom: cyclonedx.compile(readSchema('bom-1.6.SNAPSHOT.schema.json')),
    manifest: manifest.compile(JSON.parse(readFileSync(manifestSchema, 'utf8')) as object),
  };
}

(haveGo ? describe : describe.skip)('a released Go module in the manifest', () => {
  it("is pinned at its version, commit and the h1: checksum Go's toolchain computes; the BOM lists it by purl", async () => {
    const repo = GitRepo.create();
    repo.commit('chore: start', {
      'relx.config.yaml':
        'components:\n  - { name: sdk, type: go-module, path: sdk/go, majorVersionPath: rewrite }\n',
      'sdk/go/go.mod': `module ${host}/sdk/go\n\ngo 1.19\n`,
      'sdk/go/sdk.go': 'package sdk\n\nconst Name = "orion"\n',
    });
    repo.tag('sdk/go/v1.2.0');
    repo.commit('feat(sdk)!: new client', { 'sdk/go/client.go': 'package sdk\n\ntype Client struct{}\n' });
    const plan = (await planRepositoryRelease(repo.dir, { now })).plan;
    await applyReleasePlan(repo.dir, plan, {
      dryRun: false,
      push: null,
      publisher: null,
      repositoryUrl: null,
      now,
    });
    const commit = repo.git('rev-parse', 'sdk/go/v2.0.0^{commit}').trim();

    const workspace = await loadWorkspace(repo.dir);
    const published = await publishRelease({
      root: repo.dir,
      components: workspace.components,
      released: new Map([['sdk', '2.0.0']]),
      commit,
      repository: 'acme/orion',
      runUrl: null,
      npm: { registry: 'http://127.0.0.1:9/', provenance: false },
      oci: { credentials: {} },
      dryRun: false,
    });
    expect(published.failure).toBeNull();
    const list = parsePublishedList(JSON.stringify(published.list), 'published.json');
    const go = goModDownload(repo.dir, host, `${host}/sdk/go/v2`, 'v2.0.0');
    expect(list.items).toEqual([
      {
        component: 'sdk',
        kind: 'go-module',
        version: '2.0.0',
        reference: `${host}/sdk/go/v2@v2.0.0`,
        digest: go.Sum,
        commit,
        skipped: false,
      },
    ]);

    const manifest = assembleManifest({
      published: list,
      previous: null,
      naming: { scheme: 'semver' },
      clock: { now: () => now },
    });
    expect(manifest.components.modules).toEqual([
      { name: 'sdk', module: `${host}/sdk/go/v2`, version: 'v2.0.0', commit, sum: go.Sum },
    ]);
    expect(() => validateManifest(manifest)).not.toThrow();
    const text = renderReleaseManifest(manifest);
    expect(renderReleaseManifest(parseReleaseManifest(text, 'release.yaml'))).toBe(text);
    const { bom: validBom, manifest: validManifest } = validators();
    expect(validManifest(parse(text))).toBe(true);
    const bom = JSON.parse(renderCycloneDxBom(manifest)) as { components: Array<Record<string, unknown>> };
    expect(validBom(bom)).toBe(true);
    expect(bom.components).toEqual([
      expect.objectContaining({
        type: 'library',
        name: 'sdk',
        version: 'v2.0.0',
        purl: `pkg:golang/${host}/sdk/go/v2@v2.0.0`,
        properties: expect.arrayContaining([{ name: 'relx:go.sum', value: go.Sum }]),
      }),
    ]);
  }, 60_000);

  it('refuses a module whose sum is not an h1: checksum', () => {
    const manifest = assembleManifest({
      published: {
        schemaVersion: 1,
        kind: 'PublishedList',
        source: { repository: 'acme/orion', commit: 'a'.repeat(40) },
        items: [
          {
            component: 'sdk',
            kind: 'go-module',
            version: '1.0.0',
            reference: `${host}@v1.0.0`,
            digest: 'sha256:x',
            commit: 'a'.repeat(40),
            skipped: false,
          },
        ],
      },
      previous: null,
      naming: { scheme: 'semver' },
      clock: { now: () => now },
    });
    expect(() => validateManifest(manifest)).toThrow(/sum "sha256:x" is not an h1: checksum/);
  });
});
