import { GitRepo } from '../../test/git-repo.js';
import type { GitHubRequest } from '../github/github-request.js';
import { aManifest, aPackage, aPublishedList } from '../manifest/manifest-builders.js';
import { renderReleaseManifest } from '../manifest/release-manifest.js';
import { dispatchStep, type DispatchStepInput } from './dispatch-step.js';
import { renderDispatchSent, renderDispatchSummary } from './render-dispatch-summary.js';

function aGitHub() {
  const calls: Array<{ route: string; parameters: Record<string, unknown> }> = [];
  const request = (async (route: string, parameters: Record<string, unknown> = {}) => {
    calls.push({ route, parameters });
    return { status: 204, data: null, headers: {} };
  }) as unknown as GitHubRequest;
  return { calls, request };
}

const inputs = (
  workspace: string,
  github: GitHubRequest,
  extra: Partial<DispatchStepInput> = {},
): DispatchStepInput => ({
  workspace,
  repository: 'acme/deploy',
  eventType: '',
  manifestPath: null,
  published: null,
  source: { repository: 'acme/platform', commit: 'a'.repeat(40), runUrl: null },
  github,
  ...extra,
});

describe('the dispatch step', () => {
  it('sends the committed manifest with its path, SHA-256 and the commit that holds it', async () => {
    const repo = GitRepo.create();
    const text = renderReleaseManifest(aManifest());
    const commit = repo.commit('release: 1.3.0', { 'release.yaml': text });
    const github = aGitHub();
    const result = await dispatchStep(inputs(repo.dir, github.request, { manifestPath: 'release.yaml' }));
    expect(github.calls).toEqual([
      {
        route: 'POST /repos/{owner}/{repo}/dispatches',
        parameters: expect.objectContaining({
          owner: 'acme',
          repo: 'deploy',
          event_type: 'relx-release-published',
          client_payload: expect.objectContaining({
            release: '1.3.0',
            commit: 'a'.repeat(40),
            manifest_path: 'release.yaml',
            manifest_commit: commit,
            manifest: text,
          }),
        }),
      },
    ]);
    expect(result.sent).toBe(true);
    expect(renderDispatchSent(result)).toBe('Sent relx-release-published to acme/deploy for 1.3.0.');
    expect(renderDispatchSummary(result)).toBe(
      '## Handed to CD\n\n`relx-release-published` sent to `acme/deploy` with release 1.3.0 (`release.yaml`).\n',
    );
  });

  it('without a manifest, sends the published list, for the commit the list was published from', async () => {
    const github = aGitHub();
    const list = aPublishedList([aPackage('@acme/core', '1.3.0')]);
    const result = await dispatchStep(
      inputs('.', github.request, {
        eventType: 'ship',
        published: { text: JSON.stringify(list), from: 'x' },
      }),
    );
    expect(result.dispatch.payload).toMatchObject({
      commit: list.source.commit,
      published: list,
      release: null,
    });
    expect(renderDispatchSummary(result)).toContain('`ship` sent to `acme/deploy` with the published list.');
  });

  it('with --dry-run checks the limits and sends nothing', async () => {
    const github = aGitHub();
    const list = JSON.stringify(aPublishedList([]));
    const dry = { dryRun: true, published: { text: list, from: 'x' } };
    expect((await dispatchStep(inputs('.', github.request, dry))).sent).toBe(false);
    await expect(
      dispatchStep(inputs('.', github.request, { ...dry, repository: 'not a repo' })),
    ).rejects.toMatchObject({ field: 'repository' });
    expect(github.calls).toEqual([]);
  });

  it('names the field and the fix when there is nothing to hand over or the manifest is missing', async () => {
    const github = aGitHub();
    const dir = GitRepo.create().dir;
    await expect(dispatchStep(inputs(dir, github.request))).rejects.toMatchObject({
      field: 'manifest',
      message: expect.stringContaining('Nothing to hand over'),
    });
    await expect(
      dispatchStep(inputs(dir, github.request, { manifestPath: 'gone.yaml' })),
    ).rejects.toMatchObject({
      field: 'manifest',
      fix: "Pass write-manifest's `path` output.",
    });
    await expect(
      dispatchStep(inputs(dir, github.request, { published: { text: '{', from: 'input `published`' } })),
    ).rejects.toThrow(/published/);
    expect(github.calls).toEqual([]);
  });
});
