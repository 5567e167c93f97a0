import { createHash } from 'node:crypto';
import { link, mkdir, readdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { atBoundary, type WriteBoundary } from '../release/write-boundary.js';
import { conflictError, inputError } from '../relx-error.js';
import { renderCycloneDxBom } from './cyclonedx-bom.js';
import { parseReleaseManifest, renderReleaseManifest, type ReleaseManifest } from './release-manifest.js';
import { validateManifest } from './validate-manifest.js';

export const defaultManifestDir = 'releases';

export interface WrittenManifest {
  name: string;
  /** `releases/<name>.yaml` (joined onto the dir as given). */
  path: string;
  /** SHA-256 (hex) of the manifest file's bytes. */
  sha256: string;
  bomPath: string;
  /** false when the same release was already there (a re-run): nothing was written. */
  written: boolean;
}

export const manifestPaths = (dir: string, name: string) => ({
  path: join(dir, `${name}.yaml`),
  bomPath: join(dir, `${name}.cdx.json`),
});

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

async function readIfExists(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/** Same release: the same bytes once the creation time is set aside (a re-run writes a later time). */
export function isSameRelease(a: ReleaseManifest, b: ReleaseManifest): boolean {
  const at = { ...a, metadata: { ...a.metadata, createdAt: b.metadata.createdAt } };
  return renderReleaseManifest(at) === renderReleaseManifest(b);
}

/**
 * Writes `<dir>/<name>.yaml` and its CycloneDX BOM `<dir>/<name>.cdx.json`. Validates first: an
 * invalid manifest writes nothing. A name is written once: an existing manifest of the same release
 * is a no-op (its BOM is completed if missing), one with other content is a conflict. The BOM is
 * written before the manifest, so a manifest on disk always has its BOM; the manifest is the
 * release's record, so a BOM without one is left from a run killed between the two and is
 * replaced. Each file appears whole or not at all (written aside, then linked or renamed in).
 */
export async function writeManifestFiles(
  manifest: ReleaseManifest,
  dir: string,
  boundary?: WriteBoundary,
): Promise<WrittenManifest> {
  validateManifest(manifest);
  const { path, bomPath } = manifestPaths(dir, manifest.metadata.name);
  const existingText = await readIfExists(path);
  if (existingText !== null) {
    const existing = parseReleaseManifest(existingText, path);
    if (!isSameRelease(manifest, existing)) {
      throw conflictError(`Release ${manifest.metadata.name} exists already with other content.`, {
        file: path,
        fix: 'A release name is written once: name this release differently (--name, or the next in its scheme), or remove the file if it was never published.',
      });
    }
    const bom = renderCycloneDxBom(existing);
    const existingBom = await readIfExists(bomPath);
    if (existingBom === null) await atBoundary(boundary, `write:${bomPath}`, () => replaceFile(bomPath, bom));
    else if (existingBom !== bom) {
      throw conflictError(`The BOM of release ${manifest.metadata.name} does not match its manifest.`, {
        file: bomPath,
        fix: `Delete ${bomPath} to have it written again from the manifest.`,
      });
    }
    return { name: manifest.metadata.name, path, sha256: sha256(existingText), bomPath, written: false };
  }
  const text = renderReleaseManifest(manifest);
  const bom = renderCycloneDxBom(manifest);
  await mkdir(dir, { recursive: true });
  if ((await readIfExists(bomPath)) !== bom) {
    await atBoundary(boundary, `write:${bomPath}`, () => replaceFile(bomPath, bom));
  }
  await atBoundary(boundary, `write:${path}`, () => createFile(path, text));
  return { name: manifest.metadata.name, path, sha256: sha256(text), bomPath, written: true };
}

const partial = (path: string) => `${path}.partial`;

/** Writes `path` whole: aside first, then renamed over it. */
async function replaceFile(path: string, text: string): Promise<void> {
  await writeFile(partial(path), text);
  await rename(partial(path), path);
}

/** Creates `path` whole, never over an existing file (link fails when it exists). */
async function createFile(path: string, text: string): Promise<void> {
  await writeFile(partial(path), text);
  try {
    await link(partial(path), path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      throw conflictError(`${path} was written meanwhile by another run.`, {
        file: path,
        fix: 'Run again: a manifest of the same release is then found identical and kept.',
      });
    }
    throw error;
  } finally {
    await unlink(partial(path)).catch(() => undefined);
  }
}

/** Reads and parses one manifest file; a missing file is an input error naming it. */
export async function readManifestFile(path: string): Promise<ReleaseManifest> {
  const text = await readIfExists(path);
  if (text === null) {
    throw inputError(`Manifest ${path} does not exist.`, { file: path, fix: 'Check the path.' });
  }
  return parseReleaseManifest(text, path);
}

/** Every manifest in `dir` (none when it does not exist), oldest first by createdAt, then name. */
export async function readManifestHistory(dir: string): Promise<ReleaseManifest[]> {
  let files: string[];
  try {
    files = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const manifests = await Promise.all(
    files.filter((f) => f.endsWith('.yaml')).map((f) => readManifestFile(join(dir, f))),
  );
  return manifests.sort(
    (a, b) =>
      a.metadata.createdAt.localeCompare(b.metadata.createdAt) ||
      a.metadata.name.localeCompare(b.metadata.name),
  );
}

/**
 * What a new release follows from the history: the latest manifest made from another commit, and
 * the names taken. Manifests of the same commit are earlier runs of this very release, which a re-run
 * must reproduce (and find identical), not follow.
 */
export function releaseHistoryContext(
  history: readonly ReleaseManifest[],
  commit: string,
): { previous: ReleaseManifest | null; existingNames: string[] } {
  const others = history.filter((m) => m.metadata.source.commit !== commit);
  return { previous: others.at(-1) ?? null, existingNames: others.map((m) => m.metadata.name) };
}
