import { releaseTrailer } from '../release/release-commit.js';
import { escapeSummaryText, renderPlanSummary } from '../release-plan/render-plan.js';
import { releasedComponents, type ReleasePlan } from '../release-plan/release-plan.js';

/** The hidden marker a release pull request's body starts with; it names the plan head. */
export const releasePullRequestMarker = '<!-- relx:release-pull-request';
/** The plan head the body's marker names (the PR's as relx last wrote it), or null without one. */
export function planHeadOfBody(body: string | null): string | null {
  if (!body?.startsWith(releasePullRequestMarker)) return null;
  return /^<!-- relx:release-pull-request plan-head=([0-9a-f]{40}) -->/.exec(body)?.[1] ?? null;
}

/** The hidden marker of the one preview comment relx keeps on a pull request. */
export const previewCommentMarker = '<!-- relx:preview -->';

/**
 * release-please's convention: pending until its merge is released, then released. `tagged`
 * (with pending kept) marks a release whose tags are made but whose publishing a later step has
 * not confirmed yet: a push meanwhile resumes it (see releaseMergedPullRequest's `label`).
 */
export const releaseLabels = {
  pending: 'relx: pending',
  tagged: 'relx: tagged',
  released: 'relx: released',
} as const;

/** What the release PR's body shows of the manifest that merging it writes. */
export interface ManifestPreview {
  /** The release name the manifest will carry, when known before publishing (null: decided then). */
  name: string | null;
  /** Component → version now in production (the GitOps repository's production manifest), if read. */
  production: ReadonlyMap<string, string> | null;
  /** The environments the release goes to, in order (deploy workflow), when configured. */
  environments: readonly string[];
}

export const releaseBranchFor = (prefix: string, group: string | null) =>
  group ? `${prefix}--${group}` : prefix;

/**
 * The release pull requests' branch prefix for `base`: the configured one on the default branch,
 * else with the base in it (`relx/release--release-1.x`), so a maintenance line's pull request
 * never force-pushes over the default branch's.
 */
export const releaseBranchPrefixFor = (prefix: string, base: string, onDefaultBranch: boolean) =>
  onDefaultBranch ? prefix : `${prefix}--${base.replaceAll('/', '-')}`;

/** `chore(release): a@1.3.0, b@0.4.2` — the PR title, the same as the release commit's. */
export function renderReleasePullRequestTitle(plan: ReleasePlan, group: string | null): string {
  const tags = releasedComponents(plan).map((c) => c.nextTag ?? `${c.name}@${c.nextVersion}`);
  return `chore(release)${group ? `(${group})` : ''}: ${tags.join(', ')}`;
}

/**
 * The release pull request's body: the plan with every reason, the manifest merging it writes
 * (and how it differs from production), and where it goes. Commit text is escaped: it is
 * untrusted and GitHub renders the body's HTML.
 */
export function renderReleasePullRequestBody(plan: ReleasePlan, manifest: ManifestPreview): string {
  const e = escapeSummaryText;
  const released = releasedComponents(plan);
  const lines = [
    `${releasePullRequestMarker} plan-head=${plan.head} -->`,
    'Merging this pull request releases what it shows: relx tags the merge, publishes, writes the release manifest and hands it to CD — the same steps as a direct release. It is rebuilt on every push to the branch; a `Release-As: <version>` footer in a commit sets a version.',
    '',
    renderPlanSummary(plan).trimEnd(),
    '',
    '## Release manifest',
    '',
    manifest.name
      ? `Release \`${e(manifest.name)}\`; images and packages are pinned by digest when published.`
      : 'Named when it is written; images and packages are pinned by digest when published.',
    '',
    manifest.production
      ? '| component | in production | this release |'
      : '| component | current | this release |',
    '|---|---|---|',
  ];
  for (const c of released) {
    const before = manifest.production ? manifest.production.get(c.name) : c.currentVersion;
    lines.push(
      `| \`${e(c.name)}\` | ${e(before ?? '—')} | ${e(c.nextVersion ?? '')} (\`${e(c.nextTag ?? '')}\`) |`,
    );
  }
  if (manifest.production) {
    const unchangedInProduction = [...manifest.production].filter(
      ([name]) => !released.some((c) => c.name === name),
    );
    if (unchangedInProduction.length > 0)
      lines.push(
        '',
        `Unchanged in production: ${unchangedInProduction.map(([n, v]) => `\`${e(n)}\` ${e(v)}`).join(', ')}.`,
      );
  }
  if (manifest.environments.length > 0)
    lines.push('', `Goes to: ${manifest.environments.map((env) => `\`${e(env)}\``).join(' → ')}.`);
  // A squash merge whose message is the PR's title and description keeps the trailer this way,
  // so the squash commit still says which plan it releases.
  lines.push(
    '',
    '<sub>Keep the line below in a squash message: it ties the merge to its plan.</sub>',
    '',
    `${releaseTrailer}: ${plan.head}`,
  );
  return `${lines.join('\n')}\n`;
}

/**
 * The preview comment: what merging the pull request would release and why, propagation
 * through dependencies included (those reasons are part of the plan). Null when nothing would
 * be released and there is no earlier comment to correct.
 */
export function renderPreviewComment(plan: ReleasePlan, hadComment: boolean): string | null {
  const released = releasedComponents(plan);
  if (released.length === 0 && !hadComment) return null;
  const heading =
    released.length === 0
      ? '### relx: merging this pull request releases nothing'
      : `### relx: merging this pull request releases ${released.length} component(s)`;
  const body =
    released.length === 0
      ? 'No component has a releasable commit any more (an earlier version of this comment listed some).'
      : renderPlanSummary(plan)
          .trimEnd()
          .replace(/^## .*\n\n/, '');
  return `${previewCommentMarker}\n${heading}\n\n${body}\n\n<sub>Planned on ${plan.head.slice(0, 7)} (the merge of this pull request into ${escapeSummaryText(plan.branch ?? 'its base')}); updated on every push.</sub>\n`;
}
