import type { PlannedComponent } from '../release-plan/release-plan.js';

/**
 * The trailer that ties a release commit to the plan it applied. A re-run finds it on HEAD and
 * knows the commit is already made: this is what makes bump-version resumable.
 */
export const releaseTrailer = 'Relx-Release-Of';

export const defaultReleaseCommitTitle = 'chore(release): {releases}';

/** `chore(release): a@1.3.0, b@0.4.2`, a line per component, and the trailer. */
export function renderReleaseCommitMessage(
  released: readonly PlannedComponent[],
  planHead: string,
  title = defaultReleaseCommitTitle,
): string {
  const list = released.map((c) => c.nextTag ?? `${c.name}@${c.nextVersion}`).join(', ');
  const lines = released.map(
    (c) => `- ${c.name} ${c.currentVersion ?? '(new)'} → ${c.nextVersion} (${c.bump})`,
  );
  return `${title.replaceAll('{releases}', list)}\n\n${lines.join('\n')}\n\n${releaseTrailer}: ${planHead}\n`;
}

/** The plan head a release commit applied, or null when the message is not a release commit's. */
export function releasedPlanHead(message: string): string | null {
  const match = new RegExp(`^${releaseTrailer}: ([0-9a-f]{40})\\s*$`, 'm').exec(message);
  return match?.[1] ?? null;
}
