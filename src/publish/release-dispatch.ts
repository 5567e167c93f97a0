import { createHash } from 'node:crypto';
import type { PublishedList } from '../manifest/published-list.js';
import { dispatchLimits, type RepositoryDispatch } from '../github/repository-dispatch.js';

export const defaultDispatchEventType = 'relx-release-published';

/**
 * The CI → CD hand-off: what CD needs to promote the release, in at most 10 top-level keys and
 * under 64 KB. The manifest travels whole when it fits (CD validates it before using it), always
 * with its path, SHA-256 and the commit holding it; without a manifest, the published list.
 */
export function releaseDispatch(input: {
  repository: string;
  eventType?: string;
  source: { repository: string; commit: string; runUrl: string | null };
  /** `commit`: the commit that holds the manifest file, so CD can fetch it when it does not fit. */
  manifest?: { path: string; text: string; name: string; commit?: string | null } | null;
  published?: PublishedList | null;
}): RepositoryDispatch {
  const payload: Record<string, unknown> = {
    schema_version: 1,
    release: input.manifest?.name ?? null,
    repository: input.source.repository,
    commit: input.source.commit,
    run_url: input.source.runUrl,
  };
  if (input.manifest) {
    payload.manifest_path = input.manifest.path;
    payload.manifest_sha256 = createHash('sha256').update(input.manifest.text).digest('hex');
    if (input.manifest.commit) payload.manifest_commit = input.manifest.commit;
    payload.manifest = input.manifest.text;
  }
  if (input.published) payload.published = input.published;
  // the content is a convenience: when it would not fit, CD fetches the manifest by path and commit
  if (Buffer.byteLength(JSON.stringify(payload)) > dispatchLimits.payloadBytes && input.manifest)
    delete payload.manifest;
  return { repository: input.repository, eventType: input.eventType || defaultDispatchEventType, payload };
}
