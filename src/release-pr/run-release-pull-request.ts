import { pushAuthEnv, type PushTarget } from '../git/git-write.js';
import { runGit } from '../git/run-git.js';
import { GitDataApi } from '../github/git-data-api.js';
import type { GitHubRequest } from '../github/github-request.js';
import { GitHubPullRequests } from '../github/pull-requests.js';
import type { ApplyReleaseResult, ReleasePublisher } from '../release/apply-release-plan.js';
import { resolveMaintenanceLine } from '../release-plan/maintenance-line.js';
import type { ReleasePlan } from '../release-plan/release-plan.js';
import type { RelxConfig } from '../workspace/relx-config.js';
import { planOfGroup } from './release-group-plan.js';
import { releaseBranchFor, releaseBranchPrefixFor } from './release-pull-request-body.js';
import {
  findMergedReleases,
  releaseMergedPullRequest,
  updateReleasePullRequest,
  type ReleasePullRequestContext,
  type ReleasePullRequestResult,
} from './release-pull-request.js';

type ReleasePullRequestConfig = NonNullable<RelxConfig['releasePullRequest']>;

/** The config's release PR settings, or their defaults when the file has none. */
export const releasePullRequestSettings = (config: RelxConfig): ReleasePullRequestConfig =>
  config.releasePullRequest ?? {
    enabled: false,
    branch: 'relx/release',
    groups: [],
    verifiedCommits: true,
    environments: [],
  };

export { planForGroup } from './release-group-plan.js';

export interface ReleasePullRequestRun {
  cwd: string;
  configFile?: string;
  config: RelxConfig;
  request: GitHubRequest;
  owner: string;
  repo: string;
  /** The push's branch: the default branch, or a maintenance line or train branch. */
  base: string;
  /** The repository's default branch; null or absent: read from the remote's HEAD. */
  defaultBranch?: string | null;
  remote: string;
  token?: string;
  /** Overrides `releasePullRequest.verifiedCommits`. */
  verified: boolean | null;
  /** The plan of HEAD, made only when HEAD is not a merged release. */
  plan: () => Promise<ReleasePlan>;
  publisher: ReleasePublisher | null;
  draft: boolean;
  repositoryUrl: string | null;
  now: Date;
  production: ReadonlyMap<string, string> | null;
  releaseName: string | null;
  /**
   * Leave a merged release pending (labelled tagged) until a later step labels it released after
   * publishing (labelReleasesPublished): a push before that resumes it. Default: released once tagged.
   */
  labelAfterPublish?: boolean;
  onProgress?: (message: string) => void;
}

export type ReleasePullRequestOutcome =
  | {
      kind: 'released';
      releases: Array<{
        plan: ReleasePlan;
        result: ApplyReleaseResult;
        tagsCreated: string[];
        pullRequest: number | null;
      }>;
    }
  | { kind: 'pull-requests'; pullRequests: ReleasePullRequestResult[] };

/**
 * What a push to the default branch does in release-PR mode: release the merged release pull
 * requests still pending (tags, pages; publishing follows as in direct mode), else open or
 * update the release pull request of each group.
 */
export async function runReleasePullRequestMode(
  run: ReleasePullRequestRun,
): Promise<ReleasePullRequestOutcome> {
  const settings = releasePullRequestSettings(run.config);
  const verified = run.verified ?? settings.verifiedCommits;
  const remote = { remote: run.remote, branch: run.base, ...(run.token ? { token: run.token } : {}) };
  // unknown, the push's branch counts as the default unless the config makes it a line or train
  const defaultBranch = run.defaultBranch ?? (await readDefaultBranch(run.cwd, remote));
  const onDefaultBranch = defaultBranch
    ? run.base === defaultBranch
    : resolveMaintenanceLine(run.base, run.config) === null;
  const prefix = releaseBranchPrefixFor(settings.branch, run.base, onDefaultBranch);
  const ctx: ReleasePullRequestContext = {
    cwd: run.cwd,
    ...(run.configFile ? { configFile: run.configFile } : {}),
    base: run.base,
    branchPrefix: prefix,
    pulls: new GitHubPullRequests(run.request, run.owner, run.repo),
    remote,
    verified: verified ? { ...remote, api: new GitDataApi(run.request, run.owner, run.repo) } : null,
    repositoryUrl: run.repositoryUrl,
    now: run.now,
    manifest: { name: run.releaseName, production: run.production, environments: settings.environments },
    groups: settings.groups,
    ...(run.onProgress ? { onProgress: run.onProgress } : {}),
  };
  const branches = [null, ...settings.groups.map((g) => g.name)].map((group) => ({
    branch: releaseBranchFor(prefix, group),
    group,
  }));
  const merged = await findMergedReleases(ctx, branches);
  if (merged.length > 0) {
    const releases = [];
    for (const m of merged) {
      const released = await releaseMergedPullRequest(ctx, m, {
        publisher: run.publisher,
        draft: run.draft,
        label: run.labelAfterPublish ? 'tagged' : 'released',
      });
      releases.push({ ...released, pullRequest: m.pullRequest?.number ?? null });
    }
    return { kind: 'released', releases };
  }
  const plan = await run.plan();
  const pullRequests = [];
  for (const { group } of branches)
    pullRequests.push(await updateReleasePullRequest(ctx, planOfGroup(plan, group, settings.groups)!, group));
  return { kind: 'pull-requests', pullRequests };
}

/** The remote's default branch (its HEAD), or null when the remote does not say. */
async function readDefaultBranch(cwd: string, remote: PushTarget): Promise<string | null> {
  const listed = await runGit(cwd, ['ls-remote', '--symref', remote.remote, 'HEAD'], {
    env: pushAuthEnv(remote.token),
  }).catch(() => '');
  return /^ref: refs\/heads\/(\S+)\s+HEAD$/m.exec(listed)?.[1] ?? null;
}
