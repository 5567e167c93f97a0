import { relative, resolve, sep } from 'node:path';
import { readHead } from '../git/git-refs.js';
import { inputError, renderError } from '../relx-error.js';
import type { WriteBoundary } from '../release/write-boundary.js';
import { writeBoundaryFromEnvironment } from '../release/write-boundary-from-environment.js';
import type { ReleaseManifest } from './release-manifest.js';
import type { ReleaseNaming } from './release-naming.js';
import { readManifestFile, type WrittenManifest } from './write-manifest-files.js';
import {
  catchUpWithRemote,
  readInputDocument,
  recordReleaseManifest,
  writeReleaseManifest,
  type InputDocument,
} from './write-release-manifest.js';

export { namingSchemes } from './release-naming.js';

/** A document handed in as text (an action input) or as a file, with the field that named it. */
export type DocumentSource = InputDocument | { file: string; field: string };

/** What write-manifest and `relx manifest` are asked to write. */
export interface ManifestStepInput {
  cwd: string;
  published: DocumentSource;
  /** The release this one follows (relative to `cwd`); null: the latest in `dir` from another commit. */
  previous: string | null;
  compatibility: DocumentSource | null;
  /** The folder of the manifests, relative to `cwd`. */
  dir: string;
  naming: ReleaseNaming;
  now: Date;
  dryRun: boolean;
  /** Commit the manifest and its BOM; `push` (with `commit`) pushes the branch after catching up. */
  commit: boolean;
  push: boolean;
  remote: string;
  /** For the push; '' for the checkout's credentials. */
  token: string;
  /** The commit's author when git has none configured (the runner). */
  gitUser: { name: string; email: string } | null;
  /** How the detached-HEAD error names the push and its fix. */
  fields: { push: string; checkoutFix: string };
  log: { warning(line: string): void };
}

/** The release this one follows, for the summary; one that cannot be read says so, it is no first release. */
export type PreviousRelease = { manifest: ReleaseManifest } | { unreadable: string } | null;

export interface ManifestStepResult {
  manifest: ReleaseManifest;
  /** The manifest's YAML, as written (or as it would be on a dry run). */
  text: string;
  previous: PreviousRelease;
  /** null on a dry run; paths relative to `cwd`. */
  written: (WrittenManifest & { relativePath: string; relativeBomPath: string }) | null;
  /** With `commit`: the commit made (null: the branch held them already) and the branch pushed. */
  recorded: { commit: string | null; pushed: { remote: string; branch: string } | null } | null;
}

const readDocument = (cwd: string, source: DocumentSource): Promise<InputDocument> =>
  'file' in source ? readInputDocument(resolve(cwd, source.file), source.field) : Promise.resolve(source);

async function readPrevious(
  manifest: ReleaseManifest,
  file: string | null,
  dir: string,
  log: ManifestStepInput['log'],
): Promise<PreviousRelease> {
  const name = manifest.metadata.previous;
  if (!name) return null;
  return readManifestFile(file ?? resolve(dir, `${name}.yaml`)).then(
    (m) => ({ manifest: m }),
    (error: unknown) => {
      log.warning(`Cannot read the previous release ${name}: ${renderError(error)}`);
      return { unreadable: renderError(error) };
    },
  );
}

async function pushTarget(input: ManifestStepInput) {
  const branch = input.push && !input.dryRun ? (await readHead(input.cwd)).branch : null;
  if (input.push && !input.dryRun && !branch) {
    throw inputError('Cannot push: HEAD is detached.', {
      field: input.fields.push,
      fix: `Check out the branch (${input.fields.checkoutFix}).`,
    });
  }
  return branch ? { remote: input.remote, branch, ...(input.token ? { token: input.token } : {}) } : null;
}

function setGitUser(user: ManifestStepInput['gitUser']): void {
  if (!user) return;
  process.env.GIT_AUTHOR_NAME ||= user.name;
  process.env.GIT_AUTHOR_EMAIL ||= user.email;
  process.env.GIT_COMMITTER_NAME ||= user.name;
  process.env.GIT_COMMITTER_EMAIL ||= user.email;
}

/**
 * The test hook's points name a file relative to the repository (`write:releases/x.yaml`), so a
 * kill point names the same write in every clone of it.
 */
function repositoryRelative(boundary: WriteBoundary | undefined, cwd: string): WriteBoundary | undefined {
  if (!boundary) return undefined;
  const prefix = `write:${cwd}${sep}`;
  return (point) => boundary(point.replace(prefix, 'write:'));
}

/**
 * Writes the release manifest and its CycloneDX BOM from the published list, as write-manifest
 * and `relx manifest` do: caught up with the branch first, then committed and pushed when asked.
 */
export async function manifestStep(input: ManifestStepInput): Promise<ManifestStepResult> {
  const { cwd } = input;
  const target = await pushTarget(input);
  const boundary = repositoryRelative(writeBoundaryFromEnvironment(), cwd);
  const record = { cwd, push: input.commit ? target : null, ...(boundary ? { boundary } : {}) };
  await catchUpWithRemote(record);
  const dir = resolve(cwd, input.dir);
  const previousFile = input.previous ? resolve(cwd, input.previous) : null;
  const result = await writeReleaseManifest({
    published: await readDocument(cwd, input.published),
    ...(previousFile ? { previousFile } : {}),
    ...(input.compatibility ? { compatibility: await readDocument(cwd, input.compatibility) } : {}),
    dir,
    naming: input.naming,
    clock: { now: () => input.now },
    dryRun: input.dryRun,
    ...(boundary ? { boundary } : {}),
  });
  const previous = await readPrevious(result.manifest, previousFile, dir, input.log);
  const base = { manifest: result.manifest, text: result.text, previous, recorded: null };
  if (!result.written) return { ...base, written: null };
  const written = {
    ...result.written,
    relativePath: relative(cwd, result.written.path),
    relativeBomPath: relative(cwd, result.written.bomPath),
  };
  if (!input.commit) return { ...base, written };
  setGitUser(input.gitUser);
  const recorded = await recordReleaseManifest(result.written, record);
  return {
    ...base,
    written,
    recorded: { commit: recorded.commit, pushed: recorded.pushed && target ? target : null },
  };
}
