import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startVerdaccio, type RunningVerdaccio } from '../../test/npm-registry/verdaccio-fixture.js';
import { FlakyProxy } from '../../test/oci/registry-fixture.js';
import { renderError } from '../relx-error.js';
import { packPackage, publishPackage, registryState, type NpmRegistry } from './npm-registry.js';

/** A real Verdaccio behind a proxy that loses answers, stalls, or echoes credentials on demand. */
let npm: RunningVerdaccio;
let proxy: FlakyProxy;
let work: string;
beforeAll(async () => {
  npm = await startVerdaccio();
  work = mkdtempSync(join(tmpdir(), 'relx-npm-faults-'));
}, 60_000);
afterAll(async () => {
  await npm?.stop();
  rmSync(work, { recursive: true, force: true });
});
beforeEach(async () => {
  proxy = await new FlakyProxy(npm.url.replace(/^http:\/\//, '').replace(/\/$/, '')).start();
});
afterEach(() => proxy.stop());

let packages = 0;
const aPackage = async () => {
  const name = `@faults/p${++packages}`;
  const dir = join(work, `p${packages}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, version: '1.0.0', main: 'index.js' }));
  writeFileSync(join(dir, 'index.js'), `module.exports = ${packages};\n`);
  return packPackage(dir, work);
};
const throughProxy = (): NpmRegistry => ({ url: `http://${proxy.host}/`, token: npm.token });
const publishOptions = { distTag: 'latest', access: 'public' as const, provenance: false };
const quiet = { onProgress: () => {} };
const puts = () => proxy.received.filter((r) => r.startsWith('PUT '));

describe('npm publish when the registry misbehaves', () => {
  it('a PUT that landed but was answered 503 is recognised as done: no second publish, no failure', async () => {
    const packed = await aPackage();
    proxy.loseNextPutAnswers(1);
    const progress: string[] = [];
    await publishPackage(throughProxy(), packed, publishOptions, { onProgress: (l) => progress.push(l) });
    expect(puts()).toHaveLength(1);
    expect(await registryState({ url: npm.url }, packed)).toBe('same');
    expect(progress).toEqual([]);
  }, 120_000);

  it('a registry that stalls is cut off per attempt and overall, with what relx waited for', async () => {
    const packed = await aPackage();
    proxy.stallNext(100);
    const progress: string[] = [];
    const started = Date.now();
    await expect(
      registryState(throughProxy(), packed, {
        policy: {
          attempts: 10,
          attemptTimeoutMs: 400,
          overallTimeoutMs: 1500,
          baseDelayMs: 50,
          maxDelayMs: 50,
        },
        onProgress: (l) => progress.push(l),
      }),
    ).rejects.toMatchObject({
      kind: 'transient',
      message: expect.stringMatching(
        new RegExp(
          `^http://${proxy.host}/ \\(for ${packed.name}\\) did not answer within \\d+ ms \\(tried \\d times over 1\\.\\d s; no time left of the 1\\.5 s allowed\\)\\.$`,
        ),
      ),
    });
    expect(Date.now() - started).toBeLessThan(3000);
    expect(progress[0]).toMatch(/did not answer within 400 ms; trying again in \d+ ms \(attempt 2 of 10/);
  });

  it('a publish whose registry hangs is stopped when its attempt is up, checked, and run again: published once', async () => {
    const packed = await aPackage();
    proxy.stallNext(1); // npm's first request hangs
    const progress: string[] = [];
    await publishPackage(throughProxy(), packed, publishOptions, {
      policy: { attemptTimeoutMs: 8000, overallTimeoutMs: 60_000 },
      onProgress: (l) => progress.push(l),
    });
    expect(puts()).toHaveLength(1);
    expect(progress).toEqual([
      expect.stringMatching(
        new RegExp(
          `^npm publish ${packed.name}@1\\.0\\.0 to http://[^ ]+ did not answer within 8\\.0 s; trying again in`,
        ),
      ),
    ]);
    expect(await registryState({ url: npm.url }, packed)).toBe('same');
  }, 120_000);

  it('a refusal stays a refusal when the caller runs npm silenced (npm run --silent sets npm_config_loglevel)', async () => {
    const packed = await aPackage();
    proxy.refuseNextPutsEchoingCredentials(1);
    process.env.npm_config_loglevel = 'silent';
    try {
      const error = await publishPackage(throughProxy(), packed, publishOptions, quiet).catch(
        (e: unknown) => e,
      );
      expect(error).toMatchObject({ kind: 'input', message: expect.stringContaining('403') });
      expect(puts()).toHaveLength(1);
    } finally {
      delete process.env.npm_config_loglevel;
    }
  }, 120_000);

  it('a credential echoed in a 4xx body is not in the error', async () => {
    const packed = await aPackage();
    proxy.refuseNextPutsEchoingCredentials(1);
    const error = await publishPackage(throughProxy(), packed, publishOptions, quiet).catch(
      (e: unknown) => e,
    );
    const text = `${(error as Error).message}\n${renderError(error)}`;
    expect(text).toContain('may not publish');
    expect(text).not.toContain(npm.token);
    expect(error).toMatchObject({ kind: 'input', message: expect.stringContaining('403') });
    expect(puts()).toHaveLength(1);
  }, 120_000);

  it('a 409 for the same content is done; for other content it is refused', async () => {
    const packed = await aPackage();
    const direct = { url: npm.url, token: npm.token };
    await publishPackage(direct, packed, publishOptions, quiet);
    // a second publish of the same tarball (another run got there first): the registry answers 409
    await publishPackage(direct, packed, publishOptions, quiet);
    writeFileSync(join(work, `p${packages}`, 'index.js'), 'module.exports = "other";\n');
    mkdirSync(join(work, 'other'), { recursive: true });
    const other = await packPackage(join(work, `p${packages}`), join(work, 'other'));
    await expect(publishPackage(direct, other, publishOptions, quiet)).rejects.toMatchObject({
      kind: 'conflict',
      message: expect.stringContaining(`${packed.name}@1.0.0 is already on ${npm.url} with other content`),
    });
  }, 120_000);
});
