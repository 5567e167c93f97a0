import { readFile } from 'node:fs/promises';
import { relative } from 'node:path';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import {
  commitFiles,
  fastForwardFromRemote,
  pushBranchWithRetry,
  type PushTarget,
} from '../git/git-write.js';
import { runGit } from '../git/run-git.js';
import { assertNoStaleIndexLock } from '../release/index-lock.js';
import { atBoundary, type WriteBoundary } from '../release/write-boundary.js';
import { inputError } from '../relx-error.js';
import { assembleManifest, type Clock } from './assemble-manifest.js';
import { parsePublishedList } from './published-list.js';
import {
  compatibilityRowSchema,
  renderReleaseManifest,
  type CompatibilityRow,
  type ReleaseManifest,
} from './release-manifest.js';
import type { ReleaseNaming } from './release-naming.js';
import { schemaInputError } from './schema-issues.js';
import { validateManifest } from './validate-manifest.js';
import {
  readManifestFile,
  readManifestHistory,
  releaseHistoryContext,
  writeManifestFiles,
  type WrittenManifest,
} from './write-manifest-files.js';

/**
 * The whole write-manifest step, shared by `relx manifest` and the write-manifest action: read the
 * published list and the history, assemble (plan), validate, then write unless it is a dry run.
 */
/** A document handed in, and where it came from (a file, or an action input), for error messages. */
export interface InputDocument {
  text: string;
  source: string;
}

export interface WriteReleaseManifestOptions {
  /** The published list (JSON). */
  published: InputDocument;
  /** The release this one follows; default: the latest manifest in `dir` made from another commit. */
  previousFile?: string;
  dir: string;
  naming: ReleaseNaming;
  /** Compatibility rows (a YAML or JSON list); default: the previous manifest's rows. */
  compatibility?: InputDocument;
  clock: Clock;
  dryRun: boolean;
  /** Test hook around every write (see write-boundary.ts); none in production. */
  boundary?: WriteBoundary;
}

export interface ReleaseManifestResult {
  manifest: ReleaseManifest;
  /** The manifest's YAML, as written (or as it would be). */
  text: string;
  /** null on a dry run. */
  written: WrittenManifest | null;
}

/** Reads a file handed in by `field`; an unreadable one is an input error naming both. */
export async function readInputDocument(path: string, field: string): Promise<InputDocument> {
  try {
    return { text: await readFile(path, 'utf8'), source: path };
  } catch {
    throw inputError(`Cannot read ${path}.`, { file: path, field, fix: 'Check the path.' });
  }
}

/** Compatibility rows from a YAML (or JSON) list of `{component: range}` rows. */
export function parseCompatibilityRows(text: string, file: string): CompatibilityRow[] {
  const document = parseDocument(text);
  const result = z.array(compatibilityRowSchema).safeParse(document.toJS());
  if (document.errors.length > 0 || !result.success) {
    throw schemaInputError(
      'The compatibility matrix',
      result.success ? [] : result.error.issues,
      file,
      'Write a YAML list of rows, each mapping component names to SemVer ranges, e.g. `- {cli: 1.9.x, api: ">=1.4.0 <2.0.0"}`.',
    );
  }
  return result.data;
}

export async function writeReleaseManifest(
  options: WriteReleaseManifestOptions,
): Promise<ReleaseManifestResult> {
  const published = parsePublishedList(options.published.text, options.published.source);
  const history = await readManifestHistory(options.dir);
  const context = releaseHistoryContext(history, published.source.commit);
  const previous = options.previousFile ? await readManifestFile(options.previousFile) : context.previous;
  const compatibility = options.compatibility
    ? parseCompatibilityRows(options.compatibility.text, options.compatibility.source)
    : undefined;
  const manifest = assembleManifest({
    published,
    previous,
    naming: options.naming,
    clock: options.clock,
    existingNames: context.existingNames,
    ...(compatibility ? { compatibility } : {}),
  });
  if (options.dryRun) {
    validateManifest(manifest);
    return { manifest, text: renderReleaseManifest(manifest), written: null };
  }
  const written = await writeManifestFiles(manifest, options.dir, options.boundary);
  // A re-run finds the release written before: report that one, with its own creation time.
  const kept = written.written ? manifest : await readManifestFile(written.path);
  return { manifest: kept, text: renderReleaseManifest(kept), written };
}

export interface RecordManifestOptions {
  /** The repository the manifest is committed in. */
  cwd: string;
  /** Push the branch there too; null: commit only. */
  push: PushTarget | null;
  boundary?: WriteBoundary;
}

/**
 * Before writing: a re-run checks out the commit it started from, so bring the branch up to what
 * the remote holds, and an earlier attempt's manifest is found (and reproduced, not renamed).
 */
export async function catchUpWithRemote(options: RecordManifestOptions): Promise<void> {
  if (options.push) await fastForwardFromRemote(options.cwd, options.push);
}

/**
 * Commits the manifest and its BOM unless HEAD already holds them as they are, then pushes. The
 * files decide, not whether this run wrote them: a run killed after writing and before its commit
 * leaves them on disk, and its re-run must still commit and push them.
 */
export async function recordReleaseManifest(
  written: WrittenManifest,
  options: RecordManifestOptions,
): Promise<{ commit: string | null; pushed: boolean }> {
  const { cwd, boundary } = options;
  const paths = [relative(cwd, written.path), relative(cwd, written.bomPath)];
  const pending = await runGit(cwd, ['status', '--porcelain', '--untracked-files=all', '--', ...paths]);
  let commit: string | null = null;
  if (pending.trim() !== '') {
    await assertNoStaleIndexLock(cwd);
    commit = await atBoundary(boundary, 'commit', () =>
      commitFiles(cwd, paths, `chore(release): manifest ${written.name}`),
    );
  }
  const push = options.push;
  if (push) await atBoundary(boundary, 'push', () => pushBranchWithRetry(cwd, push));
  return { commit, pushed: push !== null };
}
