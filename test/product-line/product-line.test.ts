import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { getOctokit } from '@actions/github';
import { Ajv } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';
import { GitRepo } from '../git-repo.js';
import { GitHubApiServer } from '../github-api/github-api-server.js';
import { goInstalled, goModDownload } from '../go-toolchain.js';
import { buildAndPushImage, startRegistry, type RunningRegistry } from '../oci/registry-fixture.js';
import type { GitHubRequest } from '../../src/github/github-request.js';
import { assembleManifest } from '../../src/manifest/assemble-manifest.js';
import { renderCycloneDxBom } from '../../src/manifest/cyclonedx-bom.js';
import { renderReleaseManifest } from '../../src/manifest/release-manifest.js';
import {
  checkCompatibility,
  findManifestViolations,
  validateManifest,
} from '../../src/manifest/validate-manifest.js';
import { publishRelease } from '../../src/publish/publish-release.js';
import { applyReleasePlan } from '../../src/release/apply-release-plan.js';
import { planRepositoryRelease } from '../../src/release-plan/plan-repository-release.js';
import { loadWorkspace } from '../../src/workspace/load-workspace.js';

const now = new Date('2026-12-01T12:00:00Z');
const host = 'example.test/orion.git';
let oci: RunningRegistry;
let github: GitHubApiServer;
beforeAll(async () => {
  [oci, github] = await Promise.all([startRegistry(), GitHubApiServer.start()]);
}, 60_000);
afterAll(async () => {
  await Promise.all([oci?.stop(), github?.close()]);
});

const config = (registry: string) => `components:
  - name: api
    type: container-image
    path: services/api
    publish: { source: "${registry}/ci/api:sha-{shortSha}", repository: ${registry}/acme/api }
  - name: web
    type: files
    path: web
    versioning: calver
    calverFormat: YYYY.MM.PATCH
    publish: { repository: ${registry}/acme/web }
  - name: sdk
    type: go-module
    path: sdk/go
    majorVersionPath: rewrite
  - name: cli
    type: release-assets
    path: cli
    dependsOn: [sdk]
    assets: ["dist/orion-*"]
  - name: api-chart
    type: helm-chart
    path: charts/api
    dependsOn: [api]
    publish: { repository: ${registry}/acme/charts }
`;

/** The product line of ../shared/DESIGN.md, released once, then a feature, a fix and a breaking SDK change. */
function aProductLine(registry: string): GitRepo {
  const repo = GitRepo.create();
  repo.commit('chore: the product line', {
    'relx.config.yaml': config(registry),
    '.gitignore': 'dist/\n',
    'services/api/Dockerfile': 'FROM scratch\n',
    'web/index.html': '<h1>orion</h1>\n',
    'sdk/go/go.mod': `module ${host}/sdk/go\n\ngo 1.19\n`,
    'sdk/go/sdk.go': 'package sdk\n\nconst Name = "orion"\n',
    'cli/main.go': `package main\n\nimport sdk "${host}/sdk/go"\n\nfunc main() { println(sdk.Name) }\n`,
    'charts/api/Chart.yaml': 'apiVersion: v2\nname: api\nversion: 0.3.0\nappVersion: "1.4.0"\n',
    'charts/api/templates/deployment.yaml': 'kind: Deployment\n',
  });
  repo.tag('api@1.4.0').tag('web@2026.11.3').tag('sdk/go/v1.8.0').tag('cli@1.9.0').tag('api-chart@0.3.0');
  repo.commit('feat(api): rate limits', { 'services/api/limits.txt': 'limits\n' });
  repo.commit('fix(web): contrast', { 'web/index.html': '<h1 class="contrast">orion</h1>\n' });
  repo.commit('feat(sdk)!: a streaming client', {
    'sdk/go/stream.go': 'package sdk\n\nconst Stream = true\n',
  });
  return repo;
}

function validators() {
  const schemaDir = join(
    dirname(createRequire(import.meta.url).resolve('@cyclonedx/cyclonedx-library')),
    '..',
    'res',
    'schema',
  );
  const readSchema = (file: string) => JSON.parse(readFileSync(join(schemaDir, file), 'utf8')) as object;
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
  const manifestSchema = resolve(import.meta.dirname, '..', '..', 'schema', 'release-manifest.schema.json');
  return {
    bom: cyclonedx.compile(readSchema('bom-1.6.SNAPSHOT.schema.json')),
    manifest: manifest.compile(JSON.parse(readFileSync(manifestSchema, 'utf8')) as object),
  };
}

describe('the whole product line', () => {
  it('plans, versions, publishes and pins every component, and the manifest satisfies the compatibility matrix', async () => {
    const repo = aProductLine(oci.host);

    // plan → version
    const { plan } = await planRepositoryRelease(repo.dir, { now });
    const next = Object.fromEntries(plan.components.map((c) => [c.name, c.release ? c.nextTag : null]));
    expect(next).toEqual({
      api: 'api@1.5.0',
      'api-chart': 'api-chart@0.3.1',
      cli: 'cli@1.9.1',
      sdk: 'sdk/go/v2.0.0',
      web: 'web@2026.12.0',
    });
    const applied = await applyReleasePlan(repo.dir, plan, {
      dryRun: false,
      push: null,
      publisher: null,
      repositoryUrl: null,
      now,
    });
    expect(applied.files).toEqual(
      expect.arrayContaining(['charts/api/Chart.yaml', 'cli/main.go', 'sdk/go/go.mod']),
    );
    expect(readFileSync(join(repo.dir, 'charts/api/Chart.yaml'), 'utf8')).toBe(
      'apiVersion: v2\nname: api\nversion: 0.3.1\nappVersion: "1.5.0"\n',
    );
    expect(readFileSync(join(repo.dir, 'sdk/go/go.mod'), 'utf8')).toBe(
      `module ${host}/sdk/go/v2\n\ngo 1.19\n`,
    );
    expect(readFileSync(join(repo.dir, 'cli/main.go'), 'utf8')).toContain(`import sdk "${host}/sdk/go/v2"`);

    // what CI builds from the release commit: the API image and the CLI for three platforms
    const commit = repo.head();
    buildAndPushImage(`${oci.host}/ci/api:sha-${commit.slice(0, 7)}`, `api at ${commit}`);
    mkdirSync(join(repo.dir, 'dist'));
    for (const platform of ['linux-amd64', 'darwin-arm64', 'windows-amd64.exe']) {
      writeFileSync(join(repo.dir, 'dist', `orion-${platform}`), `orion cli 1.9.1 for ${platform}\n`);
    }
    const request = getOctokit('ghs_test', { baseUrl: github.url, request: { retries: 0 } })
      .request as unknown as GitHubRequest;
    await request('POST /repos/{owner}/{repo}/releases', {
      owner: 'acme',
      repo: 'orion',
      tag_name: 'cli@1.9.1',
    });

    // publish
    const { components } = await loadWorkspace(repo.dir);
    const released = new Map(
      plan.components.filter((c) => c.release && c.nextVersion).map((c) => [c.name, c.nextVersion as string]),
    );
    const published = await publishRelease({
      root: repo.dir,
      components,
      released,
      commit,
      repository: 'acme/orion',
      runUrl: null,
      npm: { registry: 'http://127.0.0.1:9/', provenance: false },
      oci: { credentials: {} },
      github: request,
      dryRun: false,
    });
    expect(published.failure).toBeNull();
    expect(github.violations).toEqual([]);
    expect(published.outcomes.map((o) => `${o.component} ${o.kind} ${o.outcome}`).sort()).toEqual([
      'api container-image published',
      'api-chart helm-chart published',
      'cli release-assets published',
      'sdk go-module published',
      'web files published',
    ]);

    // manifest, checked against the compatibility matrix, and its BOM
    const manifest = assembleManifest({
      published: published.list,
      previous: null,
      naming: { scheme: 'semver', product: 'api' },
      clock: { now: () => now },
      compatibility: [{ cli: '1.9.x', api: '>=1.4.0 <2.0.0' }],
    });
    expect(manifest.metadata.name).toBe('1.5.0');
    expect(findManifestViolations(manifest)).toEqual([]);
    expect(() => validateManifest(manifest)).not.toThrow();
    expect(checkCompatibility(manifest).satisfiedRow).toBe(0);
    const { components: pinned } = manifest;
    expect(pinned.images.map((i) => [i.name, i.tag, i.digest?.slice(0, 7)])).toEqual([
      ['api', '1.5.0', 'sha256:'],
    ]);
    expect(pinned.infrastructure.map((i) => [i.name, i.version, i.digest?.slice(0, 7)])).toEqual([
      ['api-chart', '0.3.1', 'sha256:'],
      ['web', '2026.12.0', 'sha256:'],
    ]);
    expect(pinned.modules).toEqual([
      {
        name: 'sdk',
        module: `${host}/sdk/go/v2`,
        version: 'v2.0.0',
        commit,
        sum: expect.stringMatching(/^h1:/),
      },
    ]);
    if (goInstalled()) {
      expect(pinned.modules?.[0]?.sum).toBe(goModDownload(repo.dir, host, `${host}/sdk/go/v2`, 'v2.0.0').Sum);
    }
    expect(pinned.assets?.[0]?.files.map((f) => f.name)).toEqual([
      'orion-darwin-arm64',
      'orion-linux-amd64',
      'orion-windows-amd64.exe',
    ]);

    const valid = validators();
    expect(valid.manifest(parse(renderReleaseManifest(manifest)))).toBe(true);
    const bom = JSON.parse(renderCycloneDxBom(manifest)) as {
      components: Array<{ name: string; purl?: string }>;
    };
    expect(valid.bom(bom)).toBe(true);
    expect(bom.components.map((c) => c.name).sort()).toEqual([
      'api',
      'api-chart',
      'orion-darwin-arm64',
      'orion-linux-amd64',
      'orion-windows-amd64.exe',
      'sdk',
      'web',
    ]);

    // a CLI that needs another API is refused by the matrix
    const incompatible = { ...manifest, compatibility: [{ cli: '1.9.x', api: '>=2.0.0' }] };
    expect(checkCompatibility(incompatible).satisfiedRow).toBeNull();
  }, 120_000);
});
