import semver from 'semver';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { pushAuthEnv } from '../git/git-write.js';
import { resolveCommit } from '../git/git-refs.js';
import { runGit } from '../git/run-git.js';
import { conflictError, inputError } from '../relx-error.js';
import {
  actionReleaseTags,
  layoutActionRelease,
  pinActionUses,
  pinsUses,
  rewriteActionMetadata,
  type PinnedUse,
  type PinOptions,
  type ReleaseTreeEntry,
  type TreeEntry,
} from './action-release-tree.js';

/** The name the templates and READMEs use the actions by. */
export const defaultActionRepository = 'relx-dev/relx';

export interface ActionReleaseOptions {
  /** The version to release, `1.4.2` or `v1.4.2`. */
  version: string;
  /** The commit whose tree is laid out (default HEAD). */
  source?: string;
  /** `owner/name` the actions are used as in the templates (default relx-dev/relx). */
  repository?: string;
  push?: { remote: string; token?: string } | null;
  dryRun?: boolean;
  onProgress?: (message: string) => void;
}

export interface ActionReleaseResult {
  tag: string;
  majorTag: string | null;
  /** The commit the tags point to. */
  commit: string | null;
  /** The commit holding the actions that the released `uses:` are pinned to: `commit`'s parent, or `commit` when nothing needed pinning. */
  actionsCommit: string | null;
  /** Every `uses:` of a released action, rewritten to `actionsCommit`. */
  pinned: PinnedUse[];
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

type ReleaseTags = ReturnType<typeof actionReleaseTags>;

function readReleaseTags(version: string): ReleaseTags {
  try {
    return actionReleaseTags(version);
  } catch {
    throw inputError(`"${version}" is not a release version.`, {
      field: '--version',
      fix: 'Give a SemVer version such as 1.4.2 (the source release of relx itself).',
    });
  }
}

/** The source commit's tree laid out as a release; refused when it holds no action to release. */
async function laidOutSource(cwd: string, source: string): Promise<ReleaseTreeEntry[]> {
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
  return laidOut;
}

/** The release's trees, before any commit: the actions as laid out, and how to pin their uses:. */
interface ReleaseTrees {
  source: string;
  actionsTree: string;
  needsPins: boolean;
  pinTree: (actionsCommit: string) => Promise<{ tree: string; pinned: PinnedUse[] }>;
}

/** A re-run: the tag must hold this very release (and, pinned, point into its own parent). */
async function verifyRerun(
  cwd: string,
  tags: ReleaseTags,
  commit: string,
  trees: ReleaseTrees,
): Promise<{ actionsCommit: string | null; pinned: PinnedUse[] }> {
  const actionsCommit = trees.needsPins ? await firstParent(cwd, commit) : commit;
  const expected =
    trees.needsPins && actionsCommit
      ? await trees.pinTree(actionsCommit)
      : { tree: trees.actionsTree, pinned: [] };
  const same =
    actionsCommit !== null &&
    (await treeOf(cwd, actionsCommit)) === trees.actionsTree &&
    (await treeOf(cwd, commit)) === expected.tree;
  if (!same) {
    throw conflictError(`Tag ${tags.release} already holds another release tree (${commit.slice(0, 7)}).`, {
      fix: `A released version never changes: release the next version instead of ${tags.release}.`,
    });
  }
  return { actionsCommit, pinned: expected.pinned };
}

/** The release commit(s) with the source and the previous release as parents, and the tag. */
async function createRelease(
  cwd: string,
  tags: ReleaseTags,
  trees: ReleaseTrees,
  repository: string,
  progress: (message: string) => void,
): Promise<{ commit: string; actionsCommit: string; pinned: PinnedUse[] }> {
  const previous = tags.major ? await tagCommit(cwd, tags.major) : null;
  const parents = [...(previous ? ['-p', previous] : []), '-p', trees.source];
  const message = `release ${tags.release}\n\nActions laid out from ${trees.source}.\n`;
  const actionsCommit = (
    await runGit(cwd, ['commit-tree', trees.actionsTree, ...parents], { input: message })
  ).trim();
  let commit = actionsCommit;
  let pinned: PinnedUse[] = [];
  if (trees.needsPins) {
    // The release commit's own SHA is known only once it is written, so the uses: are pinned to
    // its parent, the commit above: same actions, same bundles, only these lines differ.
    const second = await trees.pinTree(actionsCommit);
    pinned = second.pinned;
    const pinMessage = `release ${tags.release}: pin relx's actions\n\nTemplates and composite actions use ${repository}/<action>@${actionsCommit} # ${tags.release}.\n`;
    commit = (
      await runGit(cwd, ['commit-tree', second.tree, '-p', actionsCommit], { input: pinMessage })
    ).trim();
    progress(`pinned ${pinned.length} uses: to ${actionsCommit.slice(0, 7)}`);
  }
  await runGit(cwd, ['tag', '-a', tags.release, '-m', `relx ${tags.release}`, commit]);
  progress(`tagged ${tags.release} at ${commit.slice(0, 7)}`);
  return { commit, actionsCommit, pinned };
}

/** Moves `vX` to the release when it may move, then pushes the tag(s) atomically. */
async function moveAndPushTags(
  cwd: string,
  tags: ReleaseTags,
  commit: string,
  push: ActionReleaseOptions['push'],
  progress: (message: string) => void,
): Promise<void> {
  const moveMajor = tags.major !== null && (await majorMayMove(cwd, tags.major, tags.release));
  if (tags.major && moveMajor) {
    await runGit(cwd, ['tag', '-f', tags.major, commit]);
    progress(`moved ${tags.major} to ${tags.release}`);
  } else if (tags.major) {
    progress(`${tags.major} stays on a later release`);
  }
  if (!push) return;
  const refspecs = [`refs/tags/${tags.release}:refs/tags/${tags.release}`];
  if (tags.major && moveMajor) refspecs.push(`+refs/tags/${tags.major}:refs/tags/${tags.major}`);
  await runGit(cwd, ['push', '--atomic', '--porcelain', push.remote, ...refspecs], {
    env: pushAuthEnv(push.token),
  });
  progress(`pushed ${refspecs.length} tag(s) to ${push.remote}`);
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
  const tags = readReleaseTags(options.version);
  const progress = options.onProgress ?? (() => {});
  const source = await resolveCommit(cwd, options.source ?? 'HEAD');
  const laidOut = await laidOutSource(cwd, source);
  const files = laidOut.map((e) => e.path);
  const metadata = await laidOutEntries(cwd, laidOut);
  const repository = options.repository ?? defaultActionRepository;
  const actions = new Set(
    laidOut.filter((e) => /(^|\/)action\.ya?ml$/.test(e.path)).map((e) => posix.dirname(e.path)),
  );
  const pinTree = (actionsCommit: string) =>
    pinnedTree(cwd, metadata, { repository, actions, commit: actionsCommit, tag: tags.release });
  // Whether anything is to be pinned does not depend on the commit: ask with a placeholder.
  const planned = await pinTree('0'.repeat(40));
  const trees: ReleaseTrees = {
    source,
    actionsTree: await writeTree(cwd, metadata),
    needsPins: planned.pinned.length > 0,
    pinTree,
  };
  if (options.dryRun) {
    // objects may have been hashed into the repository, unreferenced; no ref is written
    const placeholder = (to: string) => to.replace('0'.repeat(40), '<actions commit>');
    const pinned = planned.pinned.map((p) => ({ ...p, to: placeholder(p.to) }));
    return {
      tag: tags.release,
      majorTag: tags.major,
      commit: null,
      actionsCommit: null,
      created: false,
      files,
      pinned,
    };
  }

  const existing = await tagCommit(cwd, tags.release);
  const release = existing
    ? { commit: existing, created: false, ...(await verifyRerun(cwd, tags, existing, trees)) }
    : { created: true, ...(await createRelease(cwd, tags, trees, repository, progress)) };
  if (existing) progress(`${tags.release} already released at ${existing.slice(0, 7)}`);
  await moveAndPushTags(cwd, tags, release.commit, options.push, progress);
  return {
    tag: tags.release,
    majorTag: tags.major,
    commit: release.commit,
    actionsCommit: release.actionsCommit,
    created: release.created,
    files,
    pinned: release.pinned,
  };
}

/** The release tree's entries, action.yml files rewritten for their new depth. */
async function laidOutEntries(cwd: string, laidOut: readonly ReleaseTreeEntry[]): Promise<TreeEntry[]> {
  const entries: TreeEntry[] = [];
  for (const entry of laidOut) {
    let sha = entry.sha;
    if (entry.rewrite) {
      const text = await runGit(cwd, ['cat-file', 'blob', entry.sha]);
      sha = await writeBlob(cwd, rewriteActionMetadata(text));
    }
    entries.push({ mode: entry.mode, sha, path: entry.path });
  }
  return entries;
}

/** The tree with every `uses:` of a released action pinned to `options.commit` (see pinActionUses). */
async function pinnedTree(
  cwd: string,
  entries: readonly TreeEntry[],
  options: PinOptions,
): Promise<{ tree: string; pinned: PinnedUse[] }> {
  const pinned: PinnedUse[] = [];
  const pinnedEntries: TreeEntry[] = [];
  for (const entry of entries) {
    if (!pinsUses(entry.path)) {
      pinnedEntries.push(entry);
      continue;
    }
    const text = await runGit(cwd, ['cat-file', 'blob', entry.sha]);
    const result = pinActionUses(entry.path, text, options);
    pinned.push(...result.pinned);
    pinnedEntries.push(
      result.pinned.length > 0 ? { ...entry, sha: await writeBlob(cwd, result.text) } : entry,
    );
  }
  // A composite action pinned to the commit above reaches its siblings as they are there; a sibling
  // that itself uses a sibling would be reached unpinned: refuse rather than release that.
  const withPins = new Set(pinned.map((p) => p.file));
  for (const use of pinned) {
    const target = /@/.test(use.to) ? use.to.slice(options.repository.length + 1, use.to.indexOf('@')) : '';
    if (/(^|\/)action\.ya?ml$/.test(use.file) && [...withPins].some((f) => posix.dirname(f) === target)) {
      throw inputError(
        `${use.file}:${use.line} uses ${target}, which itself uses another action of this release.`,
        {
          file: use.file,
          field: 'uses',
          fix: 'A composite action may use sibling actions that use no other relx action (one release pins one level).',
        },
      );
    }
  }
  return { tree: await writeTree(cwd, pinnedEntries), pinned };
}

const writeBlob = async (cwd: string, text: string) =>
  (await runGit(cwd, ['hash-object', '-w', '--stdin'], { input: text })).trim();

async function writeTree(cwd: string, entries: readonly TreeEntry[]): Promise<string> {
  const index = mkdtempSync(join(tmpdir(), 'relx-action-release-'));
  try {
    const env = { GIT_INDEX_FILE: join(index, 'index') };
    const lines = entries.map((e) => `${e.mode} ${e.sha}\t${e.path}`);
    await runGit(cwd, ['update-index', '--add', '--index-info'], { input: `${lines.join('\n')}\n`, env });
    return (await runGit(cwd, ['write-tree'], { env })).trim();
  } finally {
    rmSync(index, { recursive: true, force: true });
  }
}

const treeOf = async (cwd: string, commit: string) =>
  (await runGit(cwd, ['rev-parse', `${commit}^{tree}`])).trim();

async function firstParent(cwd: string, commit: string): Promise<string | null> {
  const [, parent] = (await runGit(cwd, ['rev-list', '--parents', '-n', '1', commit])).trim().split(' ');
  return parent ?? null;
}
