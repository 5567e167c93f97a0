import { jest } from '@jest/globals';
import { getOctokit } from '@actions/github';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/main.js';
import { aGitOpsRepository, aRelease } from './gitops-fixture.js';
import { GitHubApiServer } from '../github-api/github-api-server.js';
import { GitRepo } from '../git-repo.js';
import type { GitHubRequest } from '../../src/github/github-request.js';
import { readRepositoryFile } from '../../src/github/repository-contents.js';
import { renderReleaseManifest } from '../../src/manifest/release-manifest.js';
import { releaseDispatch } from '../../src/publish/release-dispatch.js';
import {
  parseHandoff,
  receiveHandoffManifest,
  sha256Of,
  verifyManifestBytes,
  type ManifestSource,
} from '../../src/promotion/release-handoff.js';

let github: GitHubApiServer;
beforeAll(async () => {
  github = await GitHubApiServer.start();
});
afterAll(() => github.close());

const text = renderReleaseManifest(aRelease('2026.12.0', '1.4.0', 'b'));
const source = (): ManifestSource => {
  const request = getOctokit('ghs_cd', { baseUrl: github.url, request: { retries: 0 } })
    .request as unknown as GitHubRequest;
  return {
    name: 'GitHub',
    readFile: (repository, path, commit) =>
      readRepositoryFile(request, repository, path, commit, async () => {}),
  };
};

/** The source repository with the manifest committed at releases/<name>.yaml, served by the local GitHub. */
function aSourceRepository(name: string, manifest: string): { commit: string } {
  const repo = GitRepo.create();
  repo.commit(`chore(release): ${name}`, { [`releases/${name}.yaml`]: manifest });
  github.serveRepository('acme/platform', repo.dir);
  return { commit: repo.head() };
}

const handoffFor = (manifest: string, commit: string) =>
  releaseDispatch({
    repository: 'acme/deploy',
    source: { repository: 'acme/platform', commit, runUrl: null },
    manifest: { path: 'releases/2026.12.0.yaml', text: manifest, name: '2026.12.0', commit },
  }).payload;

describe('receiving the manifest CI handed over', () => {
  it("accepts the payload's manifest when its exact bytes hash to manifest_sha256", async () => {
    const handoff = parseHandoff(JSON.stringify(handoffFor(text, 'a'.repeat(40))), 'payload');
    expect(await receiveHandoffManifest(handoff, null)).toMatchObject({
      text,
      sha256: sha256Of(text),
      origin: 'the dispatch payload',
    });
  });

  it('refuses a tampered payload, and a copy with one newline more, naming both hashes', async () => {
    const payload = handoffFor(text, 'a'.repeat(40));
    const tampered = { ...payload, manifest: text.replace('1.4.0', '1.4.9') };
    const refused = receiveHandoffManifest(parseHandoff(JSON.stringify(tampered), 'payload'), null);
    await expect(refused).rejects.toMatchObject({
      field: 'manifest_sha256',
      message: expect.stringMatching(
        /^The manifest in the dispatch payload is not the one CI handed over: its SHA-256 is [0-9a-f]{64}, manifest_sha256 says [0-9a-f]{64}\.$/,
      ),
    });
    expect(() => verifyManifestBytes(`${text}\n`, sha256Of(text), 'release.yaml')).toThrow(
      /not the one CI handed over/,
    );
    expect(() => verifyManifestBytes(text, 'abc', 'release.yaml')).toThrow(/is not a SHA-256/);
  });

  it('fetches a manifest too large for the payload by repository, path and commit, and verifies it', async () => {
    const components = Array.from({ length: 400 }, (_, i) => ({
      name: `@acme/package-${i}`,
      version: '1.0.0',
      registry: 'https://registry.npmjs.org/',
      integrity: `sha512-${Buffer.alloc(64, i % 256).toString('base64')}`,
    }));
    const release = aRelease('2026.12.0', '1.4.0', 'b');
    const large = renderReleaseManifest({
      ...release,
      components: { ...release.components, packages: [...release.components.packages, ...components] },
    });
    expect(Buffer.byteLength(large)).toBeGreaterThan(64 * 1024);
    const { commit } = aSourceRepository('2026.12.0', large);
    const payload = handoffFor(large, commit);
    expect(payload).not.toHaveProperty('manifest');
    const received = await receiveHandoffManifest(parseHandoff(JSON.stringify(payload), 'payload'), source());
    expect(received.text).toBe(large);
    expect(received.origin).toBe(`acme/platform:releases/2026.12.0.yaml@${commit.slice(0, 12)} (GitHub)`);
    expect(github.violations).toEqual([]);

    // what the commit holds must be what CI hashed
    const other = aSourceRepository('2026.12.0', large.replace('1.4.0', '1.4.9'));
    await expect(
      receiveHandoffManifest(
        parseHandoff(JSON.stringify({ ...payload, manifest_commit: other.commit }), 'p'),
        source(),
      ),
    ).rejects.toMatchObject({ field: 'manifest_sha256' });
    await expect(
      receiveHandoffManifest(
        parseHandoff(JSON.stringify({ ...payload, manifest_commit: 'f'.repeat(40) }), 'p'),
        source(),
      ),
    ).rejects.toMatchObject({ field: 'manifest_path', message: expect.stringContaining('HTTP 404') });
  });

  it('reads a file over 1 MB from its git blob, byte for byte', async () => {
    const big = `# ${'x'.repeat(1.5 * 1024 * 1024)}\n${text}`;
    const { commit } = aSourceRepository('big', big);
    const bytes = await source().readFile('acme/platform', 'releases/big.yaml', commit);
    expect(sha256Of(bytes)).toBe(sha256Of(big));
    expect(github.requests.at(-1)?.template).toBe('/repos/{owner}/{repo}/git/blobs/{file_sha}');
    expect(github.violations).toEqual([]);
  });

  it('refuses a hand-off that does not fit its schema, naming the field', () => {
    const payload = handoffFor(text, 'a'.repeat(40));
    expect(() => parseHandoff(JSON.stringify({ ...payload, manifest_path: '../etc/passwd' }), 'p')).toThrow(
      /manifest_path/,
    );
    expect(() => parseHandoff(JSON.stringify({ ...payload, manifest_sha256: 'nope' }), 'p')).toThrow(
      /manifest_sha256/,
    );
    expect(() => parseHandoff('{', 'p')).toThrow(/is not JSON/);
  });

  it('relx promote --manifest-sha256 promotes only the exact bytes, and writes nothing otherwise', async () => {
    const { remote, url } = aGitOpsRepository();
    const file = join(mkdtempSync(join(tmpdir(), 'relx-sha-')), 'release.yaml');
    writeFileSync(file, `${text}\n`); // one newline more than CI hashed
    const errors: string[] = [];
    jest.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void errors.push(args.join(' ')));
    jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const head = remote.git('rev-parse', 'main');
      const args = ['promote', '--env', 'dev', '--manifest', file, '--gitops', url, '--manifest-sha256'];
      expect(await runCli([...args, sha256Of(text)])).not.toBe(0);
      expect(errors.join('\n')).toContain('is not the one CI handed over');
      expect(remote.git('rev-parse', 'main')).toBe(head);
      writeFileSync(file, text);
      expect(await runCli([...args, sha256Of(text)])).toBe(0);
      expect(remote.git('rev-parse', 'main')).not.toBe(head);
    } finally {
      jest.restoreAllMocks();
      process.exitCode = undefined;
    }
  });
});
