import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { conflictError, configurationError } from '../relx-error.js';
import { globToRegExp } from '../workspace/workspace-glob.js';

/** A file CI built, to attach to a component's GitHub Release. */
export interface ReleaseAsset {
  /** The asset's name on the release: the file's name. */
  name: string;
  content: Buffer;
  /** `sha256:<hex>`, as GitHub reports an asset's digest. */
  digest: string;
}

export const checksumsFileName = 'checksums.txt';

const sha256 = (content: Buffer) => `sha256:${createHash('sha256').update(content).digest('hex')}`;

/** Every file under `root` matching one of `globs` (`dist/cli-*`, `out/**\/*.tar.gz`), by its file name. */
export async function collectReleaseAssets(root: string, globs: readonly string[]): Promise<ReleaseAsset[]> {
  const patterns = globs.map(globToRegExp);
  const found = new Map<string, string>();
  const walk = async (dir: string) => {
    for (const entry of await readdir(join(root, dir), { withFileTypes: true }).catch(() => [])) {
      const path = dir ? `${dir}/${entry.name}` : entry.name;
      if (entry.isDirectory() && entry.name !== '.git' && entry.name !== 'node_modules') await walk(path);
      else if (entry.isFile() && patterns.some((p) => p.test(path))) {
        const other = found.get(entry.name);
        if (other) {
          throw configurationError(`Two release assets are named ${entry.name}: ${other} and ${path}.`, {
            field: 'assets',
            fix: 'Give each file CI builds its own name (e.g. with the platform in it): assets are attached by name.',
          });
        }
        if (entry.name === checksumsFileName) continue;
        found.set(entry.name, path);
      }
    }
  };
  await walk('');
  if (found.size === 0) {
    throw configurationError(`No file matches the release assets ${globs.map((g) => `"${g}"`).join(', ')}.`, {
      field: 'assets',
      fix: 'Build the assets before this step, or correct the globs (relative to the repository root).',
    });
  }
  const assets: ReleaseAsset[] = [];
  for (const [name, path] of [...found].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const content = await readFile(join(root, path));
    assets.push({ name, content, digest: sha256(content) });
  }
  return assets;
}

/** `checksums.txt` as `sha256sum` and GoReleaser write it: `<hex>  <name>` per line, sorted by name. */
export function renderChecksums(assets: readonly ReleaseAsset[]): string {
  return [...assets]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((a) => `${a.digest.replace(/^sha256:/, '')}  ${a.name}\n`)
    .join('');
}

/** The assets with the checksums file that lists them. */
export function withChecksums(assets: readonly ReleaseAsset[]): ReleaseAsset[] {
  const content = Buffer.from(renderChecksums(assets));
  return [...assets, { name: checksumsFileName, content, digest: sha256(content) }];
}

export interface ExistingAsset {
  name: string;
  /** `sha256:<hex>`; null when GitHub reports none. */
  digest: string | null;
}

export interface AssetUploadPlan {
  upload: ReleaseAsset[];
  /** Already on the release with the same content. */
  present: ReleaseAsset[];
}

/**
 * What a (re-)run uploads: the assets the release lacks. One of the same name with other content
 * (or no digest to compare) stops the run before anything is uploaded: a published asset never
 * changes. Pure.
 */
export function planAssetUploads(
  assets: readonly ReleaseAsset[],
  existing: readonly ExistingAsset[],
  tag: string,
): AssetUploadPlan {
  const byName = new Map(existing.map((e) => [e.name, e]));
  const conflicts: string[] = [];
  const plan: AssetUploadPlan = { upload: [], present: [] };
  for (const asset of assets) {
    const there = byName.get(asset.name);
    if (!there) plan.upload.push(asset);
    else if (there.digest === asset.digest) plan.present.push(asset);
    else
      conflicts.push(
        `${asset.name} is on release ${tag} with ${there.digest ?? 'an unknown digest'}, not ${asset.digest}`,
      );
  }
  if (conflicts.length > 0) {
    throw conflictError(`Nothing was uploaded: ${conflicts.join('; ')}.`, {
      field: 'assets',
      fix: `A released asset never changes: build the same bytes again (a reproducible build), or release a new version; delete the asset on GitHub only if it was a mistake.`,
    });
  }
  return plan;
}
