import { createHash } from 'node:crypto';
import { z } from 'zod';
import { schemaInputError } from '../manifest/schema-issues.js';
import { inputError } from '../relx-error.js';

/**
 * What CD receives from CI: the `relx-release-published` dispatch's client_payload. It is
 * attacker-controlled data until checked: the manifest is promoted only when its exact bytes hash
 * to `manifest_sha256`, whether it came in the payload or, when too large for one, was fetched
 * from the source repository by path and commit.
 */
const sha1 = /^[0-9a-f]{40}$/;
export const handoffSchema = z.object({
  schema_version: z.literal(1),
  release: z.string().nullable().optional(),
  repository: z
    .string()
    .regex(/^[\w.-]+\/[\w.-]+$/, 'owner/name')
    .describe('The source repository, where the manifest is committed.'),
  commit: z.string().regex(sha1, 'a full commit SHA').optional(),
  run_url: z.string().nullable().optional(),
  manifest_path: z
    .string()
    .regex(/^(?!\/)(?!.*(^|\/)\.\.?(\/|$))[\w@./-]+$/, 'a path inside the repository, without . or ..'),
  manifest_sha256: z.string().regex(/^[0-9a-f]{64}$/, '64 lower-case hex digits'),
  manifest_commit: z.string().regex(sha1, 'a full commit SHA').optional(),
  manifest: z.string().optional(),
});

export type ReleaseHandoff = z.infer<typeof handoffSchema>;

/** Where a manifest too large for the payload is read from: one file of a repository at one commit. */
export interface ManifestSource {
  readonly name: string;
  readFile(repository: string, path: string, commit: string): Promise<Uint8Array>;
}

export const sha256Of = (bytes: Uint8Array | string) => createHash('sha256').update(bytes).digest('hex');

const fix =
  'Promote only what CI handed over: re-send the dispatch from the release run (publish-artifact/dispatch), never an edited payload.';

/** Stops unless the exact bytes hash to `expected`: nothing is promoted from a payload that was altered. */
export function verifyManifestBytes(bytes: Uint8Array | string, expected: string, source: string): void {
  const wanted = expected.trim().toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(wanted)) {
    throw inputError(`"${expected}" is not a SHA-256.`, {
      field: 'manifest-sha256',
      fix: 'Pass the 64 hex digits write-manifest gave as `sha256` (the dispatch carries it as manifest_sha256).',
    });
  }
  const actual = sha256Of(bytes);
  if (actual !== wanted) {
    throw inputError(
      `The manifest ${source} is not the one CI handed over: its SHA-256 is ${actual}, manifest_sha256 says ${wanted}.`,
      { field: 'manifest_sha256', fix },
    );
  }
}

export function parseHandoff(json: string, source: string): ReleaseHandoff {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw inputError(`${source} is not JSON.`, {
      field: 'handoff',
      fix: 'Pass the dispatch payload as JSON: handoff: ${{ toJSON(github.event.client_payload) }}.',
    });
  }
  const result = handoffSchema.safeParse(value);
  if (!result.success) {
    throw schemaInputError(
      'The release hand-off',
      result.error.issues,
      source,
      'Send it with publish-artifact/dispatch and a manifest (write-manifest’s `path`).',
    );
  }
  return result.data;
}

/**
 * The manifest text the hand-off names, verified: the payload's own copy, or — when the payload
 * could not hold it — the file at `manifest_path` in `repository` at `manifest_commit`.
 */
export async function receiveHandoffManifest(
  handoff: ReleaseHandoff,
  source: ManifestSource | null,
): Promise<{ text: string; sha256: string; origin: string }> {
  if (handoff.manifest !== undefined) {
    verifyManifestBytes(handoff.manifest, handoff.manifest_sha256, 'in the dispatch payload');
    return { text: handoff.manifest, sha256: handoff.manifest_sha256, origin: 'the dispatch payload' };
  }
  const commit = handoff.manifest_commit ?? handoff.commit;
  if (!commit) {
    throw inputError('The hand-off carries no manifest and no commit to fetch it from.', {
      field: 'manifest_commit',
      fix: 'Send the dispatch with publish-artifact/dispatch after write-manifest committed and pushed the manifest.',
    });
  }
  if (!source) {
    throw inputError('The manifest was too large for the dispatch payload and no source to fetch it from.', {
      field: 'source-token',
      fix: 'Give a token that may read the source repository (contents: read).',
    });
  }
  const where = `${handoff.repository}:${handoff.manifest_path}@${commit.slice(0, 12)}`;
  const bytes = await source.readFile(handoff.repository, handoff.manifest_path, commit);
  verifyManifestBytes(bytes, handoff.manifest_sha256, where);
  const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  return { text, sha256: handoff.manifest_sha256, origin: `${where} (${source.name})` };
}
