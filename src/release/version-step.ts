import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { readHead } from '../git/git-refs.js';
import { GitDataApi } from '../github/git-data-api.js';
import { GitHubReleasePublisher } from '../github/github-release-publisher.js';
import type { GitHubRequest } from '../github/github-request.js';
import { manifestVersions, parseReleaseManifest } from '../manifest/release-manifest.js';
import { inputError } from '../relx-error.js';
import type { ReleasePullRequestResult } from '../release-pr/release-pull-request.js';
import {
  releasePullRequestSettings,
  runReleasePullRequestMode,
} from '../release-pr/run-release-pull-request.js';
import { applyReleasePlanThroughApi } from '../release-pr/verified-commits.js';
import { readRelxConfig } from '../workspace/read-relx-config.js';
import { applyReleasePlan, type ApplyReleaseResult } from './apply-release-plan.js';
import { resolveReleasePlan, type ReleasePlanSource } from './resolve-release-plan.js';
import { writeBoundaryFromEnvironment } from './write-boundary-from-environment.js';

export type VersionMode = 'direct' | 'release-pr';

/** What bump-version and `relx version` are asked to release. */
export interface VersionStepInput {
  cwd: string;
  configFile: string | null;
  /** The plan handed in (text or file); neither: plan now. */
  plan: Pick<ReleasePlanSource, 'text' | 'file'>;
  /** null: the config's `releasePullRequest.enabled` decides. */
  mode: VersionMode | null;
  /** Commits made by GitHub through the API; null: the mode's default (release-PR mode: per config). */
  verified: boolean | null;
  /** The manifest now in production (release-PR mode's release notes), and the field naming it. */
  productionManifest: { path: string; field: string } | null;
  push: boolean;
  githubRelease: boolean;
  draft: boolean;
  dryRun: boolean;
  /** The release commit's title; null: relx's default. */
  commitTitle: string | null;
  remote: string;
  /** Pushes and the API; '' for none (a push then uses the checkout's credentials). */
  token: string;
  /** The GitHub repository (owner/name) and its web URL for changelog links; null when unknown. */
  repository: { owner: string; repo: string } | null;
  repositoryUrl: string | null;
  /** GitHub's API, made only when a release, a verified commit or a release pull request needs it. */
  github: () => GitHubRequest;
  /** The release commit's author when git has none configured (the runner). */
  gitUser: { name: string; email: string } | null;
  /** How errors name the inputs: the action's `push`, the CLI's `--push`. */
  fields: { push: string; mode: string; checkoutFix: string };
  now: Date;
  onProgress: (message: string) => void;
}

export type VersionStepResult =
  | { kind: 'released'; mode: VersionMode; results: ApplyReleaseResult[] }
  | { kind: 'pull-requests'; mode: 'release-pr'; pullRequests: ReleasePullRequestResult[] };

/** The manifest now in production (a file of the GitOps repository), as component → version. */
async function readProduction(cwd: string, file: VersionStepInput['productionManifest']) {
  if (!file) return null;
  const text = await readFile(resolve(cwd, file.path), 'utf8').catch(() => {
    throw inputError(`Cannot read the production manifest ${file.path}.`, {
      field: file.field,
      fix: 'Check out the GitOps repository and name its environments/<production>/ manifest file, or leave the input empty.',
    });
  });
  return manifestVersions(parseReleaseManifest(text, file.path));
}

function setGitUser(user: VersionStepInput['gitUser']): void {
  if (!user) return;
  process.env.GIT_AUTHOR_NAME ||= user.name;
  process.env.GIT_AUTHOR_EMAIL ||= user.email;
  process.env.GIT_COMMITTER_NAME ||= user.name;
  process.env.GIT_COMMITTER_EMAIL ||= user.email;
}

const planSourceOf = (input: VersionStepInput): ReleasePlanSource => ({
  ...input.plan,
  ...(input.configFile ? { configFile: input.configFile } : {}),
  now: input.now,
  onProgress: input.onProgress,
});

async function releasePullRequestMode(
  input: VersionStepInput,
  config: Awaited<ReturnType<typeof readRelxConfig>>['config'],
  branch: string | null,
): Promise<VersionStepResult> {
  if (!branch || !input.repository || !input.token) {
    throw inputError('Release-PR mode needs the branch checked out, GITHUB_REPOSITORY and a token.', {
      field: input.fields.mode,
      fix: `Run it on a push to the default branch (${input.fields.checkoutFix}), with \`token\` set.`,
    });
  }
  const { owner, repo } = input.repository;
  const outcome = await runReleasePullRequestMode({
    cwd: input.cwd,
    ...(input.configFile ? { configFile: input.configFile } : {}),
    config,
    request: input.github(),
    owner,
    repo,
    base: branch,
    remote: input.remote,
    token: input.token,
    verified: input.verified,
    plan: () => resolveReleasePlan(input.cwd, planSourceOf(input)),
    publisher: input.githubRelease ? new GitHubReleasePublisher(input.github(), owner, repo) : null,
    draft: input.draft,
    repositoryUrl: input.repositoryUrl,
    now: input.now,
    production: await readProduction(input.cwd, input.productionManifest),
    releaseName: null,
    onProgress: input.onProgress,
  });
  return outcome.kind === 'released'
    ? { kind: 'released', mode: 'release-pr', results: outcome.releases.map((r) => r.result) }
    : { kind: 'pull-requests', mode: 'release-pr', pullRequests: outcome.pullRequests };
}

async function directMode(input: VersionStepInput, headBranch: string | null): Promise<VersionStepResult> {
  const plan = await resolveReleasePlan(input.cwd, planSourceOf(input));
  const branch = headBranch ?? plan.branch;
  const verified = input.verified ?? false;
  if ((input.push || verified) && !branch) {
    throw inputError('Cannot push: HEAD is detached and the plan names no branch.', {
      field: input.fields.push,
      fix: `Check out the branch (${input.fields.checkoutFix}).`,
    });
  }
  const { repository } = input;
  const publisher = input.githubRelease
    ? new GitHubReleasePublisher(input.github(), repository?.owner ?? '', repository?.repo ?? '')
    : null;
  const options = {
    ...(input.configFile ? { configFile: input.configFile } : {}),
    dryRun: input.dryRun,
    draft: input.draft,
    repositoryUrl: input.repositoryUrl,
    now: input.now,
    ...(input.commitTitle ? { commitTitle: input.commitTitle } : {}),
    onProgress: input.onProgress,
    boundary: writeBoundaryFromEnvironment(),
  };
  const token = input.token ? { token: input.token } : {};
  const result =
    verified && branch
      ? await applyReleasePlanThroughApi(
          input.cwd,
          plan,
          { ...options, publisher },
          {
            remote: input.remote,
            branch,
            ...token,
            api: new GitDataApi(input.github(), repository?.owner ?? '', repository?.repo ?? ''),
          },
        )
      : await applyReleasePlan(input.cwd, plan, {
          ...options,
          push: input.push && branch ? { remote: input.remote, branch, ...token } : null,
          publisher,
        });
  return { kind: 'released', mode: 'direct', results: [result] };
}

/**
 * Applies a release plan, as bump-version and `relx version` do: in direct mode version files,
 * changelogs, the release commit, tags, push (or verified commits) and GitHub Releases; in
 * release-PR mode the merged release pull requests released, else the release pull requests kept.
 */
export async function versionStep(input: VersionStepInput): Promise<VersionStepResult> {
  const { config } = await readRelxConfig(input.cwd, input.configFile ?? undefined);
  const mode = input.mode ?? (releasePullRequestSettings(config).enabled ? 'release-pr' : 'direct');
  setGitUser(input.gitUser);
  const head = await readHead(input.cwd);
  if (mode === 'release-pr' && !input.dryRun) return releasePullRequestMode(input, config, head.branch);
  return directMode(input, head.branch);
}

/** The outputs bump-version gives, the same in both modes. */
export function versionOutputs(result: VersionStepResult): Record<string, string> {
  const results = result.kind === 'released' ? result.results : [];
  const components = results.flatMap((r) => r.components.map((c) => ({ ...c, sha: r.commit })));
  return {
    released: JSON.stringify(
      Object.fromEntries(
        components.map((c) => [c.component, { version: c.version, tag: c.tag, sha: c.sha }]),
      ),
    ),
    tags: JSON.stringify(components.map((c) => c.tag)),
    commit: results.at(-1)?.commit ?? '',
    'pull-requests': JSON.stringify(result.kind === 'pull-requests' ? result.pullRequests : []),
  };
}
