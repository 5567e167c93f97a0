import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { aMonorepo, tagAll } from '../../test/monorepo-fixture.js';
import { parsePublishedList } from '../manifest/published-list.js';
import { parseReleased, publishStep, type PublishStepInput } from './publish-step.js';

const packages = [{ dir: 'core', name: '@acme/core', version: '1.2.0' }];

function aPrivateRelease() {
  const repo = aMonorepo(packages);
  repo.writeJson('packages/core/package.json', { name: '@acme/core', version: '1.2.0', private: true });
  repo.commit('chore: release');
  tagAll(repo, packages);
  return repo;
}

const inputs = (root: string, extra: Partial<PublishStepInput> = {}): PublishStepInput => ({
  root,
  configFile: null,
  released: null,
  branch: null,
  runnerBranch: null,
  repository: 'acme/platform',
  runUrl: 'https://github.com/acme/platform/actions/runs/7',
  npm: { registry: 'http://127.0.0.1:9/', provenance: false },
  oci: { credentials: {} },
  dryRun: false,
  filesDir: null,
  ...extra,
});

describe('bump-version released output, as the publish step reads it', () => {
  it('is component → version', () => {
    expect(parseReleased('{"@acme/core":{"version":"1.3.0"},"api":{"version":"0.4.1"}}')).toEqual(
      new Map([
        ['@acme/core', '1.3.0'],
        ['api', '0.4.1'],
      ]),
    );
  });

  it.each([
    ['not json', 'released', 'is not JSON'],
    ['["@acme/core"]', 'released', 'must be an object'],
    ['{"@acme/core":{}}', 'released.@acme/core', 'has no version'],
  ])('refuses %s, naming the field', (text, field, message) => {
    expect(() => parseReleased(text)).toThrow(
      expect.objectContaining({ field, message: expect.stringContaining(message) }),
    );
  });
});

describe('the publish step', () => {
  it('publishes what the release tags at HEAD say, and writes the list and its checksums for the action', async () => {
    const repo = aPrivateRelease();
    const filesDir = mkdtempSync(join(tmpdir(), 'relx-publish-step-'));
    const progress: string[] = [];
    const result = await publishStep(
      inputs(repo.dir, { filesDir, onProgress: (message) => progress.push(message) }),
    );
    expect(progress).toContain('@acme/core is private: not published');
    expect(result.outcomes).toEqual([]);
    expect(result.failure).toBeNull();
    expect(result.files).toEqual({ published: join(filesDir, 'relx-published.json'), checksums: null });
    const list = parsePublishedList(readFileSync(result.files?.published ?? '', 'utf8'), 'file');
    expect(list.source).toEqual({
      repository: 'acme/platform',
      commit: repo.head(),
      runUrl: 'https://github.com/acme/platform/actions/runs/7',
    });
    expect(readFileSync(join(filesDir, 'relx-published.sha256'), 'utf8')).toBe('');
  });

  it('writes no files without a directory for them (the CLI prints the list instead)', async () => {
    const result = await publishStep(inputs(aPrivateRelease().dir, { released: new Map() }));
    expect(result.files).toBeNull();
    expect(result.list.items).toEqual([]);
  });

  it('refuses a released component the repository does not have, before publishing anything', async () => {
    const repo = aPrivateRelease();
    await expect(
      publishStep(inputs(repo.dir, { released: new Map([['@acme/gone', '1.0.0']]) })),
    ).rejects.toMatchObject({ field: 'released', message: expect.stringContaining('@acme/gone') });
  });
});
