import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GitHubApiServer } from '../test/github-api/github-api-server.js';
import { startVerdaccio, type RunningVerdaccio } from '../test/npm-registry/verdaccio-fixture.js';
import { startRegistry, type RunningRegistry } from '../test/oci/registry-fixture.js';
import { aReleasedRepository } from '../test/publish/sample-release.js';
import { runWorkflow, type StandInCall } from '../test/step-runner/run-workflow.js';
import { parsePublishedList } from '../src/manifest/published-list.js';
import { aManifest } from '../src/manifest/manifest-builders.js';
import { renderReleaseManifest } from '../src/manifest/release-manifest.js';
import { sendRepositoryDispatch } from '../src/github/repository-dispatch.js';

let npm: RunningVerdaccio;
let oci: RunningRegistry;
let github: GitHubApiServer;
beforeAll(async () => {
  [npm, oci, github] = await Promise.all([startVerdaccio(), startRegistry(), GitHubApiServer.start()]);
}, 60_000);
afterAll(async () => {
  await Promise.all([npm?.stop(), oci?.stop(), github?.close()]);
});

const workflow = (dir: string, attest: boolean) => {
  const file = join(dir, '.relx-publish.yml');
  writeFileSync(
    file,
    `name: publish
on: push
permissions:
  contents: read
jobs:
  publish:
    runs-on: ubuntu-latest
    steps:
      - id: publish
        uses: relx-dev/relx/publish-artifact@v1
        with:
          npm-registry: \${{ vars.NPM_REGISTRY }}
          npm-token: \${{ secrets.NPM_TOKEN }}
          attest: ${attest}
          dispatch-repository: acme/deploy
`,
  );
  return file;
};

describe('publish-artifact, the composite action, run step by step', () => {
  it('publishes, attests through the pinned third-party action, hands over to CD; a re-run publishes nothing', async () => {
    const repo = aReleasedRepository(oci.host);
    const attested: Array<StandInCall & { checksums: string }> = [];
    const run = () =>
      runWorkflow(workflow(repo.dir, true), {
        workspace: repo.dir,
        eventName: 'push',
        event: {},
        token: 'ghs_dispatch-token-0123456789',
        secrets: { NPM_TOKEN: npm.token },
        vars: { NPM_REGISTRY: npm.url },
        env: { GITHUB_API_URL: github.url },
        standIns: {
          'actions/attest-build-provenance': (call) => {
            // RUNNER_TEMP is gone after the run: read what the step was given now
            attested.push({ ...call, checksums: readFileSync(call.with['subject-checksums'] ?? '', 'utf8') });
          },
        },
      });
    const first = await run();
    const log = first.steps.map((s) => s.stdout + s.stderr).join('');
    expect(first.conclusion).toBe('success');
    const published = parsePublishedList(
      first.steps.find((s) => s.id === 'publish' && s.name.includes('publish-artifact@'))?.outputs
        .published ?? '',
      'published',
    );
    expect(published.items.map((i) => [i.component, i.skipped])).toEqual([
      ['@acme/core', false],
      ['@acme/utils', false],
      ['@acme/client', false],
      ['api', false],
      ['api-chart', false],
    ]);
    // attest-build-provenance got the sha256 checksums of what went to the OCI registry
    expect(attested).toHaveLength(1);
    const checksums = attested[0]?.checksums ?? '';
    expect(checksums).toContain(
      `${published.items.find((i) => i.component === 'api')?.digest?.slice(7)}  ${oci.host}/acme/api`,
    );
    expect(github.dispatches).toEqual([
      {
        repository: 'acme/deploy',
        event_type: 'relx-release-published',
        client_payload: expect.objectContaining({
          schema_version: 1,
          commit: repo.head(),
          published: expect.objectContaining({ kind: 'PublishedList' }),
        }),
      },
    ]);
    expect(github.violations).toEqual([]);
    expect(first.summaries.join('')).toContain('5 published, 0 already there.');
    expect(log.replace(/::add-mask::.*\n/g, '')).not.toContain(npm.token);

    const again = await run();
    expect(again.conclusion).toBe('success');
    expect(again.summaries.join('')).toContain('0 published, 5 already there.');
  }, 180_000);
});

describe('publish-artifact/dispatch', () => {
  it('refuses a payload over GitHub limits before sending anything', async () => {
    const before = github.requests.length;
    const request = async () => ({ status: 204, data: null });
    await expect(
      sendRepositoryDispatch(request, { repository: 'acme/deploy', eventType: 'x'.repeat(101), payload: {} }),
    ).rejects.toMatchObject({ field: 'event-type' });
    await expect(
      sendRepositoryDispatch(request, {
        repository: 'acme/deploy',
        eventType: 'relx-release-published',
        payload: Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`k${i}`, i])),
      }),
    ).rejects.toMatchObject({
      field: 'client_payload',
      message: expect.stringContaining('11 top-level properties'),
    });
    await expect(
      sendRepositoryDispatch(request, {
        repository: 'acme/deploy',
        eventType: 'e',
        payload: { big: 'x'.repeat(70_000) },
      }),
    ).rejects.toMatchObject({ field: 'client_payload' });
    await expect(
      sendRepositoryDispatch(request, { repository: 'not a repo', eventType: 'e', payload: {} }),
    ).rejects.toMatchObject({
      field: 'repository',
    });
    expect(github.requests.length).toBe(before);
  });

  it("sends the manifest with its path and SHA-256, validated by GitHub's OpenAPI description", async () => {
    const repo = aReleasedRepository(oci.host);
    writeFileSync(join(repo.dir, 'release.yaml'), renderReleaseManifest(aManifest()));
    const file = join(repo.dir, '.relx-dispatch.yml');
    writeFileSync(
      file,
      `on: push
jobs:
  handoff:
    runs-on: ubuntu-latest
    steps:
      - uses: relx-dev/relx/publish-artifact/dispatch@v1
        with:
          repository: acme/deploy
          manifest: release.yaml
`,
    );
    const dispatches = github.dispatches.length;
    const run = await runWorkflow(file, {
      workspace: repo.dir,
      eventName: 'push',
      event: {},
      token: 'ghs_x',
      env: { GITHUB_API_URL: github.url },
    });
    expect(run.conclusion).toBe('success');
    const sent = github.dispatches.slice(dispatches);
    expect(sent).toEqual([
      {
        repository: 'acme/deploy',
        event_type: 'relx-release-published',
        client_payload: expect.objectContaining({
          release: '1.3.0',
          manifest_path: 'release.yaml',
          manifest: renderReleaseManifest(aManifest()),
          manifest_sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
        }),
      },
    ]);
    expect(Object.keys(sent[0]?.client_payload as object).length).toBeLessThanOrEqual(10);
    expect(github.violations).toEqual([]);
  }, 60_000);
});
