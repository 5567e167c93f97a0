import {
  buildImageLayout,
  FlakyProxy,
  RegistryAuthProxy,
  startRegistry,
  type RunningRegistry,
} from '../../test/oci/registry-fixture.js';
import { renderError } from '../relx-error.js';
import { layoutSource } from './image-source.js';
import { pushImage } from './push-oci-content.js';
import { RegistryClient } from './registry-client.js';

/** A real distribution registry behind a proxy that loses answers or echoes credentials. */
let registry: RunningRegistry;
beforeAll(async () => {
  registry = await startRegistry();
}, 30_000);
afterAll(() => registry?.stop());

const quiet = { onProgress: () => {} };

it('a blob upload that landed but was answered 503 is found on the registry, not uploaded again', async () => {
  const proxy = await new FlakyProxy(registry.host).start();
  try {
    proxy.loseNextPutAnswers(1);
    const result = await pushImage(
      layoutSource(buildImageLayout('lost answer', 'built'), 'built'),
      new RegistryClient(proxy.host, {}, quiet),
      'acme/lost-answer',
      '1.0.0',
    );
    expect(result.skipped).toBe(false);
    const blobPuts = proxy.received.filter((r) => r.startsWith('PUT ') && r.includes('/blobs/uploads/'));
    const blobsPushed = new Set(blobPuts.map((r) => /digest=([^&]+)/.exec(r)?.[1]));
    expect(blobPuts).toHaveLength(blobsPushed.size); // each blob sent once
    expect(await new RegistryClient(registry.host).getManifest('acme/lost-answer', '1.0.0')).not.toBeNull();
  } finally {
    await proxy.stop();
  }
}, 60_000);

it('a credential the registry echoes in a 4xx body is not in the error', async () => {
  const credentials = { username: 'relx', password: 'registry-password-0123456789' };
  const auth = await new RegistryAuthProxy(registry.host, credentials, 'basic').start();
  const proxy = await new FlakyProxy(auth.host).start();
  try {
    proxy.refuseNextPutsEchoingCredentials(5, 400);
    const error = await pushImage(
      layoutSource(buildImageLayout('echo', 'built'), 'built'),
      new RegistryClient(proxy.host, credentials, { ...quiet, sleep: async () => {} }),
      'acme/echo',
      '1.0.0',
    ).catch((e: unknown) => e);
    const text = `${(error as Error).message}\n${renderError(error)}`;
    expect(text).toMatch(/refused .*: 400 .*may not publish/);
    const basic = Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64');
    expect(text).not.toContain(basic);
    expect(text).not.toContain(credentials.password);
  } finally {
    await proxy.stop();
    await auth.stop();
  }
}, 60_000);
