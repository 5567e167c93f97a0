import semver from 'semver';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pushAuthEnv } from '../git/git-write.js';
import { resolveCommit } from '../git/git-refs.js';
import { runGit } from '../git/run-git.js';
import { conflictError, inputError } from '../relx-error.js';
import {
  actionReleaseTags,
  layoutActionRelease,
  rewriteActionMetadata,
  type TreeEntry,
} from './action-release-tree.js';

export interface ActionReleaseOptions {
  /** The version to release, `1.4.2` or `v1.4.2`. */
  version: string;
  /** The commit whose tree is laid out (default HEAD). */
  source?: string;
  push?: { remote: string; token?: string } | null;
  dryRun?: boolean;
  onProgress?: (message: string) => void;
}

export interface ActionReleaseResult {
  tag: string;
  majorTag: string | null;
  commit: string | null;
  /** false when the tag already held this very tree (a re-run). */
  created: boolean;
  files: string[];
}

const tagCommit = async (cwd: string, tag: string) => {
  try {
    return await resolveCommit(cwd, `refs/tags/${tag}`);
  } catch {
    return null;
  }
};

/** `v1` moves forward only: a patch to an older line (v1.4.3 after v1.5.0) leaves it where it is. */
async function majorMayMove(cwd: string, major: string, release: string): Promise<boolean> {
  const current = await tagCommit(cwd, major);
  if (!current) return true;
  const releasesThere = (await runGit(cwd, ['tag', '--points-at', current, '--list', `${major}.*`]))
    .split('\n')
    .map((t) => semver.valid(t.trim()))
    .filter((v): v is string => v !== null);
  const target = semver.valid(release) ?? '0.0.0';
  return releasesThere.every((v) => semver.lte(v, target));
}

/**
 * Lays out the release tree of the source commit (see action-release-tree.ts), commits it with
 * the source and the previous release as parents, tags `vX.Y.Z` and moves `vX`, then pushes both
 * tags atomically. A re-run finds the tag on the same tree and only makes sure `vX` follows it; a
 * `vX.Y.Z` that holds another tree is never moved.
 */
export async function publishActionRelease(
  cwd: string,
  options: ActionReleaseOptions,
): Promise<ActionReleaseResult> {
  let tags: ReturnType<typeof actionReleaseTags>;
  try {
    tags = actionReleaseTags(options.version);
  } catch {
    throw inputError(`"${options.version}" is not a release version.`, {
      field: '--version',
      fix: 'Give a SemVer version such as 1.4.2 (the source release of relx itself).',
    });
  }
  const progress = options.onProgress ?? (() => {});
  const source = await resolveCommit(cwd, options.source ?? 'HEAD');
  const listing = await runGit(cwd, ['ls-tree', '-r', '-z', '--full-tree', source]);
  const entries: TreeEntry[] = listing
    .split('\0')
    .filter(Boolean)
    .map((line) => {
      const [meta = '', path = ''] = line.split('\t');
      const [mode = '', , sha = ''] = meta.split(' ');
      return { mode, sha, path };
    });
  const laidOut = layoutActionRelease(entries);
  if (!laidOut.some((e) => /^[^/]+\/action\.ya?ml$/.test(e.path))) {
    throw inputError(`${source.slice(0, 7)} has no actions/<name>/action.yml to release.`, {
      fix: 'Release from a commit of the relx repository (or one laid out the same way).',
    });
  }
  if (options.dryRun) {
    return {
      tag: tags.release,
      majorTag: tags.major,
      commit: null,
      created: false,
      files: laidOut.map((e) => e.path),
    };
  }

  const index = mkdtempSync(join(tmpdir(), 'relx-action-release-'));
  let tree: string;
  try {
    const lines: string[] = [];
    for (const entry of laidOut) {
      let sha = entry.sha;
      if (entry.rewrite) {
        const text = await runGit(cwd, ['cat-file', 'blob', entry.sha]);
        sha = (
          await runGit(cwd, ['hash-object', '-w', '--stdin'], { input: rewriteActionMetadata(text) })
        ).trim();
      }
      lines.push(`${entry.mode} ${sha}\t${entry.path}`);
    }
    const env = { GIT_INDEX_FILE: join(index, 'index') };
    await runGit(cwd, ['update-index', '--add', '--index-info'], { input: `${lines.join('\n')}\n`, env });
    tree = (await runGit(cwd, ['write-tree'], { env })).trim();
  } finally {
    rmSync(index, { recursive: true, force: true });
  }

  let commit = await tagCommit(cwd, tags.release);
  let created = false;
  if (commit) {
    const existingTree = (await runGit(cwd, ['rev-parse', `${commit}^{tree}`])).trim();
    if (existingTree !== tree) {
      throw conflictError(`Tag ${tags.release} already holds another release tree (${commit.slice(0, 7)}).`, {
        fix: `A released version never changes: release the next version instead of ${tags.release}.`,
      });
    }
    progress(`${tags.release} already released at ${commit.slice(0, 7)}`);
  } else {
    const previous = tags.major ? await tagCommit(cwd, tags.major) : null;
    const parents = [...(previous ? ['-p', previous] : []), '-p', source];
    const message = `release ${tags.release}\n\nActions laid out from ${source}.\n`;
    commit = (await runGit(cwd, ['commit-tree', tree, ...parents], { input: message })).trim();
    await runGit(cwd, ['tag', '-a', tags.release, '-m', `relx ${tags.release}`, commit]);
    created = true;
    progress(`tagged ${tags.release} at ${commit.slice(0, 7)}`);
  }
  const moveMajor = tags.major !== null && (await majorMayMove(cwd, tags.major, tags.release));
  if (tags.major && moveMajor) {
    await runGit(cwd, ['tag', '-f', tags.major, commit]);
    progress(`moved ${tags.major} to ${tags.release}`);
  } else if (tags.major) {
    progress(`${tags.major} stays on a later release`);
  }
  if (options.push) {
    const refspecs = [`refs/tags/${tags.release}:refs/tags/${tags.release}`];
    if (tags.major && moveMajor) refspecs.push(`+refs/tags/${tags.major}:refs/tags/${tags.major}`);
    await runGit(cwd, ['push', '--atomic', '--porcelain', options.push.remote, ...refspecs], {
      env: pushAuthEnv(options.push.token),
    });
    progress(`pushed ${refspecs.length} tag(s) to ${options.push.remote}`);
  }
  return { tag: tags.release, majorTag: tags.major, commit, created, files: laidOut.map((e) => e.path) };
}
