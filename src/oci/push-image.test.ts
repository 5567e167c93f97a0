import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import {
  buildAndPushImage,
  buildImageLayout,
  FlakyProxy,
  startRegistry,
  RegistryAuthProxy,
  type RunningRegistry,
} from '../../test/oci/registry-fixture.js';
import { directoryArtifact, helmChartArtifact } from './oci-artifacts.js';
import { layoutSource, registrySource } from './image-source.js';
import { mediaTypes } from './oci-media-types.js';
import { pushImage } from './push-oci-content.js';
import { RegistryClient } from './registry-client.js';

let registry: RunningRegistry;
beforeAll(async () => {
  registry = await startRegistry();
}, 30_000);
afterAll(() => registry?.stop());

const noWait = { sleep: async () => {} };
const skopeoDigest = (reference: string) =>
  JSON.parse(
    execFileSync('skopeo', ['inspect', '--raw', '--tls-verify=false', `docker://${reference}`], {
      encoding: 'utf8',
    }),
  ) as unknown;
const digestOf = (reference: string) =>
  execFileSync(
    'skopeo',
    ['inspect', '--format', '{{.Digest}}', '--tls-verify=false', `docker://${reference}`],
    { encoding: 'utf8' },
  ).trim();

describe('promoting images by digest through the distribution API', () => {
  it('promotes the image CI pushed as sha-… to the release tag with the same digest, mounting its blobs', async () => {
    buildAndPushImage(`${registry.host}/ci/api:sha-0a1b2c3`, 'api build 0a1b2c3');
    const source = registrySource(`${registry.host}/ci/api:sha-0a1b2c3`);
    const client = new RegistryClient(registry.host);
    const result = await pushImage(source, client, 'acme/api', '1.2.0');
    const built = digestOf(`${registry.host}/ci/api:sha-0a1b2c3`);
    expect(result).toEqual({
      reference: `${registry.host}/acme/api:1.2.0@${built}`,
      digest: built,
      skipped: false,
    });
    expect(digestOf(`${registry.host}/acme/api:1.2.0`)).toBe(built);
    // a re-run finds it there
    expect(await pushImage(source, client, 'acme/api', '1.2.0')).toMatchObject({
      digest: built,
      skipped: true,
    });
  }, 60_000);

  it('promotes a multi-arch index intact: the same index digest and every platform', async () => {
    buildAndPushImage(`${registry.host}/ci/web:sha-1111111`, 'web', ['amd64', 'arm64']);
    const result = await pushImage(
      registrySource(`${registry.host}/ci/web:sha-1111111`),
      new RegistryClient(registry.host),
      'acme/web',
      '3.0.0',
    );
    expect(result.digest).toBe(digestOf(`${registry.host}/ci/web:sha-1111111`));
    const index = skopeoDigest(`${registry.host}/acme/web:3.0.0`) as {
      mediaType: string;
      manifests: Array<{ platform: { architecture: string } }>;
    };
    expect(index.mediaType).toBe(mediaTypes.ociIndex);
    expect(index.manifests.map((m) => m.platform.architecture)).toEqual(['amd64', 'arm64']);
    for (const arch of ['amd64', 'arm64']) {
      execFileSync('skopeo', [
        'inspect',
        '--tls-verify=false',
        '--override-arch',
        arch,
        `docker://${registry.host}/acme/web:3.0.0`,
      ]);
    }
  }, 60_000);

  it('promotes from an OCI layout directory', async () => {
    const layout = buildImageLayout('from a layout', 'built');
    const result = await pushImage(
      layoutSource(layout, 'built'),
      new RegistryClient(registry.host),
      'acme/worker',
      '0.3.0',
    );
    expect(digestOf(`${registry.host}/acme/worker:0.3.0`)).toBe(result.digest);
  }, 60_000);

  it('refuses a tag that already holds another digest, and changes nothing', async () => {
    buildAndPushImage(`${registry.host}/ci/api:sha-2222222`, 'another build');
    const before = digestOf(`${registry.host}/acme/api:1.2.0`);
    await expect(
      pushImage(
        registrySource(`${registry.host}/ci/api:sha-2222222`),
        new RegistryClient(registry.host),
        'acme/api',
        '1.2.0',
      ),
    ).rejects.toMatchObject({
      kind: 'conflict',
      message: expect.stringContaining(`acme/api:1.2.0 already exists with digest ${before}`),
    });
    expect(digestOf(`${registry.host}/acme/api:1.2.0`)).toBe(before);
  }, 60_000);

  it('pushes a Helm chart with Helm media types, the same digest every time, and it can be pulled back', async () => {
    const chart = mkdtempSync(join(tmpdir(), 'relx-chart-src-'));
    writeFileSync(
      join(chart, 'Chart.yaml'),
      'apiVersion: v2\nname: api\nversion: 0.0.0 # set by relx\nappVersion: "0"\n',
    );
    mkdirSync(join(chart, 'templates'));
    writeFileSync(join(chart, 'templates', 'deployment.yaml'), 'kind: Deployment\n');
    const client = new RegistryClient(registry.host);
    const first = await helmChartArtifact(chart, '0.7.0', '1.2.0');
    const again = await helmChartArtifact(chart, '0.7.0', '1.2.0');
    expect((await first.source.root()).digest).toBe((await again.source.root()).digest);
    const pushed = await pushImage(first.source, client, `charts/${first.name}`, '0.7.0');
    expect(await pushImage(again.source, client, `charts/${first.name}`, '0.7.0')).toMatchObject({
      skipped: true,
      digest: pushed.digest,
    });

    const manifest = await client.getManifest('charts/api', '0.7.0');
    const parsed = JSON.parse(manifest?.bytes.toString('utf8') ?? '{}') as {
      config: { mediaType: string };
      layers: Array<{ mediaType: string; digest: string }>;
    };
    expect(parsed.config.mediaType).toBe(mediaTypes.helmConfig);
    expect(parsed.layers[0]?.mediaType).toBe(mediaTypes.helmChart);
    const tgz = await client.getBlob('charts/api', parsed.layers[0]?.digest ?? '');
    const out = mkdtempSync(join(tmpdir(), 'relx-chart-pulled-'));
    writeFileSync(join(out, 'chart.tgz'), tgz);
    execFileSync('tar', ['-xzf', join(out, 'chart.tgz'), '-C', out]);
    const pulled = parse(readFileSync(join(out, 'api', 'Chart.yaml'), 'utf8')) as Record<string, unknown>;
    expect(pulled).toMatchObject({ name: 'api', version: '0.7.0', appVersion: '1.2.0' });
  }, 60_000);

  it('pushes a directory (a Terraform module) as an OCI artifact', async () => {
    const module = mkdtempSync(join(tmpdir(), 'relx-tf-'));
    writeFileSync(join(module, 'main.tf'), 'resource "null_resource" "x" {}\n');
    const source = await directoryArtifact(module, 'terraform-module', 'network', '2.0.0');
    const result = await pushImage(source, new RegistryClient(registry.host), 'modules/network', '2.0.0');
    const manifest = JSON.parse(
      (await new RegistryClient(registry.host).getManifest('modules/network', '2.0.0'))?.bytes.toString(
        'utf8',
      ) ?? '{}',
    ) as { artifactType: string };
    expect(manifest.artifactType).toBe('application/vnd.relx.terraform-module.v1+tar');
    expect(result.skipped).toBe(false);
  });

  it('retries a registry that answers 503 twice, and publishes once', async () => {
    buildAndPushImage(`${registry.host}/ci/api:sha-3333333`, 'flaky');
    const proxy = await new FlakyProxy(registry.host).start();
    try {
      proxy.failNext(2);
      const result = await pushImage(
        registrySource(`${registry.host}/ci/api:sha-3333333`),
        new RegistryClient(proxy.host, {}, noWait),
        'acme/flaky',
        '1.0.0',
      );
      expect(digestOf(`${registry.host}/acme/flaky:1.0.0`)).toBe(result.digest);
    } finally {
      await proxy.stop();
    }
  }, 60_000);

  it('reports a registry that dies mid-push, and a re-run completes it', async () => {
    buildAndPushImage(`${registry.host}/ci/api:sha-4444444`, 'dies');
    const proxy = await new FlakyProxy(registry.host).start();
    try {
      proxy.dieAfter(4);
      const push = () =>
        pushImage(
          registrySource(`${registry.host}/ci/api:sha-4444444`),
          new RegistryClient(proxy.host, {}, { ...noWait, attempts: 2 }),
          'acme/dies',
          '1.0.0',
        );
      await expect(push()).rejects.toMatchObject({
        kind: 'transient',
        fix: expect.stringContaining('Re-run'),
      });
      proxy.revive();
      const result = await push();
      expect(result.skipped).toBe(false);
      expect(digestOf(`${registry.host}/acme/dies:1.0.0`)).toBe(result.digest);
    } finally {
      await proxy.stop();
    }
  }, 60_000);

  it('gets a token for the scope the registry asks (push here, pull on the mount source) and sends credentials only to the realm', async () => {
    buildAndPushImage(`${registry.host}/ci/api:sha-5555555`, 'behind a token');
    const proxy = await new RegistryAuthProxy(registry.host, {
      username: 'ci',
      password: 'ghp_secret',
    }).start();
    try {
      const credentials = { username: 'ci', password: 'ghp_secret' };
      const result = await pushImage(
        registrySource(`${proxy.host}/ci/api:sha-5555555`, credentials),
        new RegistryClient(proxy.host, credentials, noWait),
        'acme/private',
        '1.0.0',
      );
      expect(result.skipped).toBe(false);
      expect(digestOf(`${registry.host}/acme/private:1.0.0`)).toBe(
        digestOf(`${registry.host}/ci/api:sha-5555555`),
      );
      const asked = proxy.tokenRequests.flatMap((r) => r.scopes);
      expect(asked).toContain('repository:ci/api:pull');
      expect(asked).toContain('repository:acme/private:pull,push');
      // the cross-repository mount: one token for push here and pull on the source
      expect(proxy.tokenRequests.map((r) => r.scopes)).toContainEqual([
        'repository:acme/private:pull,push',
        'repository:ci/api:pull',
      ]);
      expect(proxy.tokenRequests.every((r) => r.user === 'ci')).toBe(true);
      // the registry itself only ever saw Bearer tokens, never the password
      expect(proxy.registryAuthorizations.filter((a) => a !== '' && !a.startsWith('Bearer '))).toEqual([]);
    } finally {
      await proxy.stop();
    }
  }, 60_000);

  it('refuses wrong credentials at the token endpoint, naming the input, and pushes nothing', async () => {
    buildAndPushImage(`${registry.host}/ci/api:sha-6666666`, 'wrong password');
    const proxy = await new RegistryAuthProxy(registry.host, { username: 'ci', password: 'right' }).start();
    try {
      await expect(
        pushImage(
          registrySource(`${registry.host}/ci/api:sha-6666666`),
          new RegistryClient(proxy.host, { username: 'ci', password: 'wrong' }, noWait),
          'acme/denied',
          '1.0.0',
        ),
      ).rejects.toMatchObject({ kind: 'input', field: 'oci-password' });
      const tags = await fetch(`http://${registry.host}/v2/acme/denied/tags/list`);
      expect(tags.status).toBe(404);
    } finally {
      await proxy.stop();
    }
  }, 60_000);

  it('sends Basic credentials to a registry that asks for them, and only after it asked', async () => {
    buildAndPushImage(`${registry.host}/ci/api:sha-7777777`, 'basic auth');
    const proxy = await new RegistryAuthProxy(
      registry.host,
      { username: 'ci', password: 'pw' },
      'basic',
    ).start();
    try {
      const result = await pushImage(
        registrySource(`${registry.host}/ci/api:sha-7777777`),
        new RegistryClient(proxy.host, { username: 'ci', password: 'pw' }, noWait),
        'acme/basic',
        '1.0.0',
      );
      expect(digestOf(`${registry.host}/acme/basic:1.0.0`)).toBe(result.digest);
      expect(proxy.registryAuthorizations[0]).toBe('');
      expect(proxy.registryAuthorizations.slice(1).every((a) => a.startsWith('Basic '))).toBe(true);
    } finally {
      await proxy.stop();
    }
  }, 60_000);
});
