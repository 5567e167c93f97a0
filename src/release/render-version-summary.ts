import { escapeSummaryText } from '../release-plan/render-plan.js';
import type { ApplyReleaseResult } from './apply-release-plan.js';
import type { VersionStepResult } from './version-step.js';

/** One release's step summary: its tags and, folded, each component's changelog. */
function renderRelease(result: ApplyReleaseResult): string {
  const e = escapeSummaryText;
  if (result.components.length === 0) return '## Release\n\nNothing to release.\n';
  const lines = [
    result.dryRun
      ? '## Release (dry run: nothing written)'
      : `## Release ${result.commit?.slice(0, 7) ?? ''}`,
    '',
    '| component | version | tag | status |',
    '|---|---|---|---|',
  ];
  for (const c of result.components) {
    const status = result.dryRun ? 'planned' : c.tagCreated ? 'tagged' : 'already tagged';
    const release = c.release ? ` · [release](${c.release.url})${c.release.created ? '' : ' (existed)'}` : '';
    lines.push(`| \`${e(c.component)}\` | ${e(c.version)} | \`${e(c.tag)}\` | ${status}${release} |`);
  }
  for (const c of result.components) {
    // the changelog is markdown relx wrote with commit text already escaped
    lines.push(
      '',
      `<details><summary>${e(c.component)} ${e(c.version)}</summary>`,
      '',
      c.changelog,
      '</details>',
    );
  }
  return `${lines.join('\n')}\n`;
}

/** bump-version's step summary, and where its full text is when GitHub's limit cuts it. */
export function renderVersionSummary(result: VersionStepResult): { markdown: string; whereFull: string } {
  if (result.kind === 'pull-requests') {
    const lines = result.pullRequests.map((p) =>
      p.pullRequest
        ? `- ${p.action} [#${p.pullRequest.number}](${p.pullRequest.url}) (\`${escapeSummaryText(p.branch)}\`)`
        : `- \`${escapeSummaryText(p.branch)}\`: nothing to release`,
    );
    return {
      markdown: `## Release pull request\n\n${lines.join('\n')}\n`,
      whereFull: 'the release pull request',
    };
  }
  if (result.mode === 'release-pr')
    return { markdown: result.results.map(renderRelease).join('\n'), whereFull: 'the release commit' };
  return {
    markdown: result.results.map(renderRelease).join('\n'),
    whereFull: 'the changelog files of the release commit (and its GitHub Releases)',
  };
}
