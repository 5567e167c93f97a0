import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { GitHubRequest } from '../github/github-request.js';
import { readRepositoryFile } from '../github/repository-contents.js';
import { inputError } from '../relx-error.js';
import type { WriteBoundary } from '../release/write-boundary.js';
import type { GitOpsRemote } from './gitops-repository.js';
import {
  parseCanaryRequest,
  type CanaryFlagNames,
  type CanaryOptions,
  type CanaryRequest,
} from './plan-canary.js';
import {
  promoteCanary,
  promoteEnvironment,
  readManifestForPromotion,
  rollbackComponent,
  rollbackEnvironment,
  type PromotionContext,
  type PromotionResult,
} from './promote-environment.js';
export { gitopsRemoteOfPromotion } from './gitops-url.js';
import { parseHandoff, receiveHandoffManifest, verifyManifestBytes } from './release-handoff.js';

/** The names the promotion's inputs have where it runs (the action's inputs, the CLI's flags), for errors. */
export interface PromoteFields {
  manifest: string;
  canary: CanaryFlagNames;
  /** The fix for a promotion without a manifest. */
  noManifestFix: string;
}

/** What `relx promote` (and `relx rollback`) and promote-env's promote step are asked to do. */
export interface PromoteStepInput {
  /** The directory a relative manifest path is read from. */
  workspace: string;
  remote: GitOpsRemote;
  environment: string;
  approvedBy: string | null;
  run: string | null;
  dryRun: boolean;
  /** The release manifest file; null for none (a rollback, a running canary). */
  manifest: string | null;
  /** The SHA-256 the manifest's bytes must have; null to take them as they are. */
  manifestSha256: string | null;
  hotfix: boolean;
  /** The canary step asked for (canary weight, complete, abort with its reason and gate report). */
  canary: CanaryOptions;
  /** A rollback: the whole environment, or one component (to `version`, else its previous one). */
  rollback: { whole: boolean; component: string | null; version: string | null };
  fields: PromoteFields;
  onProgress?: (message: string) => void;
  /** Test hook around every write into the GitOps clone. */
  boundary?: WriteBoundary;
}

/** The manifest file, its exact bytes checked against the expected SHA-256 when one is given. */
async function readManifestFile(input: PromoteStepInput, file: string) {
  const bytes = await readFile(resolve(input.workspace, file)).catch(() => {
    throw inputError(`Cannot read the manifest ${file}.`, {
      field: input.fields.manifest,
      fix: 'Check the path (relative to the workspace).',
    });
  });
  if (input.manifestSha256) verifyManifestBytes(bytes, input.manifestSha256, file);
  return readManifestForPromotion(bytes.toString('utf8'), file);
}

function contextOf(input: PromoteStepInput, dryRun: boolean): PromotionContext {
  return {
    ...(input.boundary ? { boundary: input.boundary } : {}),
    remote: input.remote,
    environment: input.environment,
    approvedBy: input.approvedBy,
    run: input.run,
    dryRun,
    ...(input.onProgress ? { onProgress: input.onProgress } : {}),
  };
}

async function promoteCanaryStep(
  input: PromoteStepInput,
  request: NonNullable<ReturnType<typeof parseCanaryRequest>>,
  dryRun: boolean,
): Promise<PromotionResult> {
  const manifest = input.manifest ? await readManifestFile(input, input.manifest) : null;
  return promoteCanary(contextOf(input, dryRun), { ...request, manifest } as CanaryRequest);
}

async function promoteManifest(input: PromoteStepInput, dryRun: boolean): Promise<PromotionResult> {
  if (!input.manifest)
    throw inputError('No manifest to promote.', {
      field: input.fields.manifest,
      fix: input.fields.noManifestFix,
    });
  const manifest = await readManifestFile(input, input.manifest);
  return promoteEnvironment(contextOf(input, dryRun), manifest, { hotfix: input.hotfix });
}

/**
 * One promotion: a canary step, a rollback (of a component or the whole environment), or the
 * environment made to run the manifest — a GitOps commit, in environment order, with audit trailers.
 */
export async function promoteStep(input: PromoteStepInput): Promise<PromotionResult> {
  const canary = parseCanaryRequest({ ...input.canary, hotfix: input.hotfix }, input.fields.canary);
  const { component, version, whole } = input.rollback;
  if (canary && (component || whole)) {
    const names = input.fields.canary;
    throw inputError('A canary step and a rollback cannot go together.', {
      field:
        canary.action === 'step' ? names.canary : canary.action === 'complete' ? names.complete : names.abort,
      fix: `Abort the canary (${names.abort}) first; the stable release keeps running meanwhile.`,
    });
  }
  const context = contextOf(input, input.dryRun);
  if (canary) return promoteCanaryStep(input, canary, input.dryRun);
  if (component) return rollbackComponent(context, component, version ?? undefined);
  if (whole) return rollbackEnvironment(context, version ?? undefined);
  return promoteManifest(input, input.dryRun);
}

/**
 * Whether the environment already runs what the promotion would write (CD handed the same
 * release twice): the promotion tried as a dry run. Never fails: what cannot be told is `false`,
 * with the error, and the promotion itself then says what is wrong.
 */
export async function alreadyRunsStep(
  input: PromoteStepInput,
): Promise<{ alreadyRuns: boolean; error: unknown }> {
  try {
    const canary = parseCanaryRequest({ ...input.canary, hotfix: input.hotfix }, input.fields.canary);
    const result = canary ? await promoteCanaryStep(input, canary, true) : await promoteManifest(input, true);
    return { alreadyRuns: result.status === 'unchanged', error: null };
  } catch (error) {
    return { alreadyRuns: false, error };
  }
}

export interface ReceivedManifest {
  /** The verified manifest, written to a file the next steps promote. */
  file: string;
  sha256: string;
  release: string;
  origin: string;
}

/**
 * A dispatch's hand-off → its manifest, verified against manifest_sha256 (from the payload, or
 * fetched from the source repository when too large for it) → a file in `dir`. A manifest that
 * does not verify stops here, before any deployment is recorded.
 */
export async function receiveHandoffStep(input: {
  handoff: string;
  source: string;
  github: GitHubRequest;
  dir: string;
}): Promise<ReceivedManifest> {
  const handoff = parseHandoff(input.handoff, input.source);
  const received = await receiveHandoffManifest(handoff, {
    name: 'GitHub contents API',
    readFile: (repository, path, commit) => readRepositoryFile(input.github, repository, path, commit),
  });
  const manifest = readManifestForPromotion(received.text, handoff.manifest_path);
  const file = join(input.dir, `relx-handoff-${received.sha256.slice(0, 16)}.yaml`);
  await writeFile(file, received.text);
  return { file, sha256: received.sha256, release: manifest.metadata.name, origin: received.origin };
}
