import type { GitHubPullRequests } from '../github/pull-requests.js';
import type { ReleasePlan } from '../release-plan/release-plan.js';
import { previewCommentMarker, renderPreviewComment } from './release-pull-request-body.js';

export interface PreviewResult {
  action: 'created' | 'updated' | 'unchanged' | 'none';
  commentId: number | null;
}

/**
 * Keeps one preview comment on pull request `number`, found by its hidden marker: created when
 * merging would release something, updated when that changes. With nothing to release no
 * comment is made; an earlier one is updated to say so rather than deleted, so the thread still
 * reads in order (a reviewer saw it). Reads only git history: the pull request's code never runs.
 */
export async function updatePreviewComment(
  pulls: GitHubPullRequests,
  number: number,
  plan: ReleasePlan,
): Promise<PreviewResult> {
  const existing = await pulls.findComment(number, previewCommentMarker);
  const body = renderPreviewComment(plan, existing !== null);
  if (body === null) return { action: 'none', commentId: null };
  if (!existing)
    return { action: 'created', commentId: await pulls.createComment(number, body, previewCommentMarker) };
  if (existing.body === body) return { action: 'unchanged', commentId: existing.id };
  await pulls.updateComment(existing.id, body);
  return { action: 'updated', commentId: existing.id };
}
