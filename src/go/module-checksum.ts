import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { runGit } from '../git/run-git.js';
import { configurationError } from '../relx-error.js';

/** One file of a module zip: its name inside the zip (`<module>@<version>/<path>`) and content. */
export interface ModuleFile {
  name: string;
  content: Buffer;
}

/**
 * Go's dirhash "h1:" (golang.org/x/mod/sumdb/dirhash Hash1): SHA-256 over the sorted lines
 * `<hex sha256 of the file>  <name>\n`, base64. What go.sum and the checksum database record.
 */
export function hash1(files: readonly ModuleFile[]): string {
  const lines = files
    .map((f) => {
      if (f.name.includes('\n'))
        throw new Error(`dirhash: file name with a newline: ${JSON.stringify(f.name)}`);
      return { name: f.name, line: `${createHash('sha256').update(f.content).digest('hex')}  ${f.name}\n` };
    })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const summary = createHash('sha256');
  for (const { line } of lines) summary.update(line);
  return `h1:${summary.digest('base64')}`;
}

/** A path in a vendor folder's package (vendor/modules.txt itself stays), as modzip leaves out. */
function isVendoredPackage(path: string): boolean {
  const at = path.startsWith('vendor/') ? 'vendor/'.length : path.indexOf('/vendor/') + '/vendor/'.length;
  if (!path.startsWith('vendor/') && !path.includes('/vendor/')) return false;
  return path.slice(at).includes('/');
}

interface TreeEntry {
  mode: string;
  sha: string;
  path: string;
}

/**
 * The files of the module zip Go makes from a tagged tree (cmd/go's modfetch over `git archive`,
 * then golang.org/x/mod/zip): regular files below the module's folder, without nested modules
 * (folders with their own go.mod) and vendored packages; the repository's LICENSE when the module
 * in a folder has none. Symbolic links and submodules are not files of a module.
 */
export function moduleZipEntries(
  entries: readonly TreeEntry[],
  folder: string,
): Array<TreeEntry & { zipPath: string }> {
  const prefix = folder === '' ? '' : `${folder}/`;
  const inside = entries
    .filter((e) => e.path.startsWith(prefix))
    .map((e) => ({ ...e, zipPath: e.path.slice(prefix.length) }));
  const nested = inside
    .filter((e) => e.zipPath !== 'go.mod' && e.zipPath.endsWith('/go.mod'))
    .map((e) => e.zipPath.slice(0, -'go.mod'.length));
  const files = inside.filter(
    (e) =>
      (e.mode === '100644' || e.mode === '100755') &&
      !nested.some((dir) => e.zipPath.startsWith(dir)) &&
      !isVendoredPackage(e.zipPath),
  );
  if (folder !== '' && !files.some((f) => f.zipPath === 'LICENSE')) {
    const license = entries.find((e) => e.path === 'LICENSE' && (e.mode === '100644' || e.mode === '100755'));
    if (license) files.push({ ...license, zipPath: 'LICENSE' });
  }
  return files;
}

/** Blob contents for these object ids, through one `git cat-file --batch`. */
function readBlobs(cwd: string, shas: readonly string[]): Promise<Buffer[]> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', ['cat-file', '--batch'], { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0)
        return reject(new Error(`git cat-file --batch failed (exit ${code}): ${stderr.trim()}`));
      const out = Buffer.concat(chunks);
      const blobs: Buffer[] = [];
      let at = 0;
      for (const sha of shas) {
        const newline = out.indexOf(10, at);
        const header = out.subarray(at, newline).toString('utf8').split(' ');
        if (header[0] !== sha || header[1] !== 'blob') {
          return reject(new Error(`git cat-file: expected blob ${sha}, got ${header.join(' ')}`));
        }
        const size = Number(header[2]);
        blobs.push(out.subarray(newline + 1, newline + 1 + size));
        at = newline + 1 + size + 1;
      }
      resolve(blobs);
    });
    child.stdin.end(shas.map((s) => `${s}\n`).join(''));
  });
}

export interface ModuleChecksum {
  /** The zip's h1: hash (go.sum `<module> <version> h1:…`). */
  sum: string;
  /** go.mod's h1: hash (go.sum `<module> <version>/go.mod h1:…`). */
  goModSum: string;
}

/**
 * The h1: checksums of module `modulePath` at `version`, from the tree of `commit` (its tag):
 * the files read with one `git ls-tree -r` and one `git cat-file --batch`.
 */
export async function goModuleChecksum(
  cwd: string,
  options: { commit: string; folder: string; modulePath: string; version: string },
): Promise<ModuleChecksum> {
  const listing = await runGit(cwd, ['ls-tree', '-r', '-z', '--full-tree', options.commit]);
  const entries = listing
    .split('\0')
    .filter(Boolean)
    .map((line) => {
      const tab = line.indexOf('\t');
      const [mode = '', , sha = ''] = line.slice(0, tab).split(' ');
      return { mode, sha, path: line.slice(tab + 1) };
    });
  const files = moduleZipEntries(entries, options.folder);
  const goMod = files.find((f) => f.zipPath === 'go.mod');
  if (!goMod) {
    throw configurationError(
      `${options.folder || 'The repository root'} has no go.mod at ${options.commit.slice(0, 12)}.`,
      {
        file: options.folder ? `${options.folder}/go.mod` : 'go.mod',
        fix: 'Tag a commit where the module has its go.mod.',
      },
    );
  }
  const blobs = await readBlobs(
    cwd,
    files.map((f) => f.sha),
  );
  const base = `${options.modulePath}@${options.version}`;
  const moduleFiles = files.map((f, i) => ({ name: `${base}/${f.zipPath}`, content: blobs[i] as Buffer }));
  const goModContent = moduleFiles.find((f) => f.name === `${base}/go.mod`)?.content ?? Buffer.alloc(0);
  // cmd/go hashes go.mod alone under the bare name `go.mod`.
  return { sum: hash1(moduleFiles), goModSum: hash1([{ name: 'go.mod', content: goModContent }]) };
}
