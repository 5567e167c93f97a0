import { spawn } from 'node:child_process';
import { StringDecoder } from 'node:string_decoder';
import { parseReleaseManifest, type ReleaseManifest } from '../manifest/release-manifest.js';
import { pinnedComponents } from '../manifest/diff-manifests.js';
import { validateManifest } from '../manifest/validate-manifest.js';
import { asGitError, GitCommandError, runGit } from '../git/run-git.js';
import {
  checkEnvironment,
  environmentFolder,
  gitopsConfigFile,
  parseGitOpsConfig,
  releaseFile,
  type GitOpsConfig,
} from '../promotion/gitops-config.js';
import { GitOpsClone, type GitOpsRemote } from '../promotion/gitops-repository.js';
import { inputError } from '../relx-error.js';
import { loadWorkspace } from '../workspace/load-workspace.js';
import { parsePromotionMessage } from '../promotion/promotion-commit.js';
import { parseCanonicalManifest } from './canonical-manifest.js';
import type { SourceCommit, SourceHistory } from './change-lead-time.js';
import type { PromotionCommit, ReleaseFacts } from './promotion-timeline.js';

const noBlob = /^0+$/;
const recordStart = /^[0-9a-f]{40,64} \d+\0/;
/** `Relx-Manifest` and `Relx-Environment` of another environment's promotion, in relx's trailer order. */
const otherEnvironment = /^Relx-Manifest: (.+)\nRelx-Environment: ([a-z0-9-]+)$/m;

/** The `Relx-Canary` trailer, read the way parsePromotionMessage reads the others. */
function canaryTrailer(message: string): string | null {
  for (const line of message.trimEnd().split('\n').reverse()) {
    const match = /^(Relx-[A-Za-z-]+): (.*)$/.exec(line);
    if (!match) break;
    if (match[1] === 'Relx-Canary') return match[2] ?? '';
  }
  return null;
}

/**
 * The manifest file a promotion of `environment` wrote: its release.yaml, else another
 * `…release.yaml` in its folder (a canary's `canary-release.yaml`). Overlays (`canary-route.yaml`)
 * are not manifests; a commit that writes none is matched to its release by name.
 */
function manifestBlob(
  files: ReadonlyMap<string, string>,
  config: GitOpsConfig,
  environment: string,
): string | null {
  const main = files.get(releaseFile(config, environment));
  if (main) return main;
  const folder = `${environmentFolder(config, environment)}/`;
  for (const [path, blob] of files) {
    const name = path.slice(path.lastIndexOf('/') + 1);
    if (path.startsWith(folder) && /(^|[-_.])release\.ya?ml$/.test(name)) return blob;
  }
  return null;
}

/**
 * Every promotion in the GitOps repository's history, oldest first, in ONE `git log` pass
 * (`--raw` gives each commit's blobs, so no commit is visited twice), and the manifests of
 * `environment`'s promotions in one `git cat-file --batch` (each distinct manifest read once).
 */
export async function readPromotionCommits(
  dir: string,
  ref: string,
  config: GitOpsConfig,
  environment: string,
): Promise<PromotionCommit[]> {
  const commits: Array<PromotionCommit & { blob: string | null }> = [];
  const otherBlobs = new Map<string, string>();
  const args = ['log', '-z', '--topo-order', '--reverse', '--raw', '--no-abbrev', '--no-renames'];
  await streamRecords(dir, [...args, '--format=%x1e%H %ct%x00%B', ref, '--'], (record) => {
    const tokens = record.split('\0');
    const [head = '', message = ''] = tokens;
    const files = new Map<string, string>();
    for (let i = 2; i + 1 < tokens.length; i += 2) {
      const blob = (tokens[i] ?? '').trim().split(' ')[3] ?? '';
      if (!noBlob.test(blob)) files.set(tokens[i + 1] ?? '', blob);
    }
    if (!message.includes(`Relx-Environment: ${environment}`)) {
      // another environment's promotion: only which manifest it wrote, for the lookup below
      const other = otherEnvironment.exec(message);
      const blob = other ? manifestBlob(files, config, other[2] ?? '') : null;
      if (other && blob && !otherBlobs.has(other[1] ?? '')) otherBlobs.set(other[1] ?? '', blob);
      return;
    }
    const parsed = parsePromotionMessage(message);
    if (!parsed || parsed.environment !== environment) return;
    const [commit = '', time = '0'] = head.split(' ');
    commits.push({
      ...parsed,
      commit,
      time: Number(time),
      canary: message.includes('Relx-Canary:') ? canaryTrailer(message) : null,
      release: null,
      blob: manifestBlob(files, config, parsed.environment),
    });
  });
  // A commit of the environment that writes no manifest (a canary's step or abort) is about the
  // release it names: the blob another commit (of this environment, else of any) wrote for it.
  const blobByName = new Map<string, string>();
  for (const c of commits) if (c.blob) blobByName.set(c.manifest, c.blob);
  const mine = commits.map((c) => ({
    c,
    blob: c.blob ?? blobByName.get(c.manifest) ?? otherBlobs.get(c.manifest) ?? null,
  }));
  const blobs = [...new Set(mine.map((m) => m.blob).filter((b): b is string => b !== null))];
  const contents = await readBlobs(dir, blobs);
  const facts = new Map<string, ReleaseFacts | null>();
  for (const [blob, text] of contents) facts.set(blob, releaseFacts(text, blob));
  return mine.map(({ c: { blob: _, ...c }, blob }) => ({
    ...c,
    release: blob ? (facts.get(blob) ?? null) : null,
  }));
}

/**
 * Runs git and hands each `\x1e`-separated record to `onRecord` as its bytes arrive, so parsing
 * overlaps git's walk instead of waiting for all of it (as src/git/git-log.ts does for plans).
 */
function streamRecords(
  dir: string,
  args: readonly string[],
  onRecord: (record: string) => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', ['-c', 'core.quotepath=off', ...args], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, LC_ALL: 'C', GIT_FLUSH: '0' },
    });
    const decoder = new StringDecoder('utf8');
    const err: Buffer[] = [];
    let rest = '';
    let failure: unknown = null;
    // A record starts `\x1e<sha> <time>\0`; a \x1e inside a message is not a record's start.
    const take = (text: string, final: boolean) => {
      const parts = text.split('\x1e');
      const records: string[] = [];
      for (const part of parts) {
        if (records.length === 0 || recordStart.test(part)) records.push(part);
        else records[records.length - 1] += `\x1e${part}`;
      }
      rest = final ? '' : (records.pop() ?? '');
      for (const record of records) if (record !== '') onRecord(record);
    };
    child.stdout.on('data', (chunk: Buffer) => {
      try {
        take(rest + decoder.write(chunk), false);
      } catch (error) {
        failure = error;
        child.kill();
      }
    });
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', (error) => reject(asGitError(error, dir)));
    child.on('close', (code) => {
      if (failure) return reject(failure);
      if (code !== 0)
        return reject(asGitError(new GitCommandError(args, code, Buffer.concat(err).toString()), dir));
      try {
        take(rest + decoder.end(), true);
      } catch (error) {
        return reject(error);
      }
      resolve();
    });
  });
}

const verified = (dir: string, ref: string) =>
  runGit(dir, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]).then(
    () => true,
    () => false,
  );

/**
 * The promotions of the GitOps repository. A repository on this machine (a path, e.g. the CI
 * checkout) is read in place — reading writes nothing, and a fetch of a long history costs more
 * than the metrics; a URL is fetched into a private clone of the branch its config names, as `relx status` does.
 */
export async function readGitOpsPromotions(
  remote: GitOpsRemote,
  environment: string,
): Promise<PromotionCommit[]> {
  const local = !/^[a-z][a-z0-9+.-]*:\/\//i.test(remote.url) && !/^[\w.-]+@[\w.-]+:/.test(remote.url);
  if (local && (await verified(remote.url, 'HEAD'))) {
    const dir = remote.url;
    const atHead = await runGit(dir, ['show', `HEAD:${gitopsConfigFile}`]).catch(() => null);
    // the configured branch, else the repository's default (HEAD): where promotions land
    const head = (
      await runGit(dir, ['symbolic-ref', '--quiet', '--short', 'HEAD']).catch(() => 'main')
    ).trim();
    const branch = parseGitOpsConfig(atHead).branch || head;
    const ref = [`refs/heads/${branch}`, `refs/remotes/origin/${branch}`];
    const found = (await verified(dir, ref[0] as string))
      ? ref[0]
      : (await verified(dir, ref[1] as string))
        ? ref[1]
        : null;
    if (!found) {
      throw inputError(`${dir} has no branch ${branch}.`, {
        field: '--gitops',
        fix: `Fetch ${branch}, or name the branch the environments are on in ${gitopsConfigFile} (branch:).`,
      });
    }
    const config = parseGitOpsConfig(
      await runGit(dir, ['show', `${found}:${gitopsConfigFile}`]).catch(() => null),
    );
    checkEnvironment(config, environment, '--env');
    return readPromotionCommits(dir, found as string, config, environment);
  }
  const { clone, config } = await GitOpsClone.openConfigured(remote);
  try {
    checkEnvironment(config, environment, '--env');
    if (!(await verified(clone.dir, 'HEAD'))) return [];
    return await readPromotionCommits(clone.dir, 'HEAD', config, environment);
  } finally {
    clone.close();
  }
}

/** The facts of a manifest; null when it does not parse (then it is also not a valid manifest). */
function releaseFacts(text: string, blob: string): ReleaseFacts | null {
  let manifest: ReleaseManifest;
  try {
    manifest = parseCanonicalManifest(text) ?? parseReleaseManifest(text, blob);
  } catch {
    return null;
  }
  let valid = true;
  try {
    validateManifest(manifest);
  } catch {
    valid = false;
  }
  const pins: Record<string, string> = {};
  for (const c of pinnedComponents(manifest).values()) pins[c.name] = `${c.version}@${c.pin ?? ''}`;
  return {
    name: manifest.metadata.name,
    createdAt: Math.floor(Date.parse(manifest.metadata.createdAt) / 1000),
    sourceCommit: manifest.metadata.source.commit,
    pins,
    valid,
  };
}

/** `git cat-file --batch` over `objects`: one process for all of them; missing ones are left out. */
export function readBlobs(dir: string, objects: readonly string[]): Promise<Map<string, string>> {
  const args = ['cat-file', '--batch'];
  return new Promise((resolve, reject) => {
    if (objects.length === 0) return resolve(new Map());
    const child = spawn('git', args, {
      cwd: dir,
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, LC_ALL: 'C' },
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', (error) => reject(asGitError(error, dir)));
    child.on('close', (code) => {
      if (code !== 0)
        return reject(asGitError(new GitCommandError(args, code, Buffer.concat(err).toString()), dir));
      const data = Buffer.concat(out);
      const result = new Map<string, string>();
      for (let at = 0, i = 0; at < data.length && i < objects.length; i++) {
        const eol = data.indexOf(10, at);
        const header = data.toString('utf8', at, eol).split(' ');
        at = eol + 1;
        if (header[1] === 'missing') continue;
        const size = Number(header[2]);
        result.set(objects[i] as string, data.toString('utf8', at, at + size));
        at += size + 1;
      }
      resolve(result);
    });
    child.stdin.end(`${objects.join('\n')}\n`);
  });
}

/**
 * The source commits metrics need, in one `git log` pass: from the releases delivered in the
 * period back to what was delivered before it (`exclude`). Commits the repository does not have
 * are found first by one `git cat-file --batch-check` and reported as missing.
 */
export async function readSourceHistory(
  dir: string | null,
  revisions: { include: readonly string[]; exclude: readonly string[] },
): Promise<SourceHistory> {
  const wanted = [...revisions.include, ...revisions.exclude];
  const present = dir === null || wanted.length === 0 ? new Set<string>() : await presentCommits(dir, wanted);
  const missing = new Set(revisions.include.filter((sha) => !present.has(sha)));
  const include = revisions.include.filter((sha) => present.has(sha));
  const commits = new Map<string, SourceCommit>();
  if (dir === null || include.length === 0) return { commits, missing, componentPaths: null };
  const stdin = [...include, ...revisions.exclude.filter((sha) => present.has(sha)).map((sha) => `^${sha}`)];
  const [log, componentPaths] = await Promise.all([
    runGit(dir, ['log', '--stdin', '-z', '--name-only', '--no-renames', '--format=%x1e%H %at %P%x00'], {
      input: `${stdin.join('\n')}\n`,
    }),
    readComponentPaths(dir),
  ]);
  for (const record of log.split('\x1e')) {
    const [head = '', ...rest] = record.split('\0');
    const [sha, time, ...parents] = head.split(' ');
    if (!sha) continue;
    const files = rest.map((f) => f.replace(/^\n/, '')).filter(Boolean);
    commits.set(sha, { sha, authorTime: Number(time), parents: parents.filter(Boolean), files });
  }
  return { commits, missing, componentPaths };
}

/** The folders of each component the source repository declares or discovers; null when it cannot be loaded. */
async function readComponentPaths(dir: string): Promise<Record<string, string[]> | null> {
  try {
    const workspace = await loadWorkspace(dir);
    if (workspace.components.length === 0) return null;
    return Object.fromEntries(workspace.components.map((c) => [c.name, c.paths]));
  } catch {
    return null; // not a relx workspace: lead time per component goes by the pins alone
  }
}

async function presentCommits(dir: string, shas: readonly string[]): Promise<Set<string>> {
  const isRepository = await runGit(dir, ['rev-parse', '--git-dir']).then(
    () => true,
    () => false,
  );
  if (!isRepository) return new Set();
  const out = await runGit(dir, ['cat-file', '--batch-check=%(objectname) %(objecttype)'], {
    input: `${shas.map((s) => `${s}^{commit}`).join('\n')}\n`,
  });
  const present = new Set<string>();
  out.split('\n').forEach((line, i) => {
    if (line.endsWith(' commit') && shas[i]) present.add(shas[i] as string);
  });
  return present;
}
