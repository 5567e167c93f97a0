import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { diffManifests, renderManifestDiff } from '../manifest/diff-manifests.js';
import { defaultManifestDir, readManifestFile } from '../manifest/write-manifest-files.js';

/** `relx diff <a> <b>`: what changed between two releases. Reads only. */
export function registerDiffCommand(program: Command): void {
  program
    .command('diff')
    .description(
      'What changed between two releases: version changes, added and removed components. Reads only.',
    )
    .argument('<a>', 'the earlier release: a manifest file, or a release name in --dir')
    .argument('<b>', 'the later release: a manifest file, or a release name in --dir')
    .option('--dir <dir>', 'folder of the manifests, for release names', defaultManifestDir)
    .option('--json', 'print the diff as JSON')
    .action(async (a: string, b: string, options: { dir: string; json?: boolean }) => {
      const [before, after] = await Promise.all([
        readManifestFile(manifestFile(a, options.dir)),
        readManifestFile(manifestFile(b, options.dir)),
      ]);
      const diff = diffManifests(before, after);
      process.stdout.write(options.json ? `${JSON.stringify(diff, null, 2)}\n` : renderManifestDiff(diff));
    });
}

/** A path when it names a file (or ends in .yaml), else the release of that name in `dir`. */
function manifestFile(release: string, dir: string): string {
  if (existsSync(release) || /\.ya?ml$/.test(release)) return release;
  return join(dir, `${release}.yaml`);
}
