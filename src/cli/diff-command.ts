import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { changelogEntriesBetween } from '../changelog/changelog-entries.js';
import {
  addChangelogEntries,
  diffManifests,
  renderManifestDiff,
  type ChangelogSource,
} from '../manifest/diff-manifests.js';
import type { ReleaseManifest } from '../manifest/release-manifest.js';
import { defaultManifestDir, readManifestFile } from '../manifest/write-manifest-files.js';
import { readEnvironment } from '../promotion/environment-status.js';
import { inputError } from '../relx-error.js';
import { loadWorkspace } from '../workspace/load-workspace.js';
import { gitopsRemote } from './gitops-remote.js';

/** `relx diff <a> <b>`: what changed between two releases. Reads only. */
export function registerDiffCommand(program: Command): void {
  program
    .command('diff')
    .description(
      'What changed between two releases: version changes, added and removed components. Reads only.',
    )
    .argument('[a]', 'the earlier release: a manifest file, or a release name in --dir')
    .argument('[b]', 'the later release: a manifest file, or a release name in --dir')
    .option('--dir <dir>', 'folder of the manifests, for release names', defaultManifestDir)
    .option('--env <env>', 'instead of a and b: the last two releases an environment ran')
    .option('--gitops <url-or-path>', 'the GitOps repository, with --env')
    .option('--cwd <dir>', 'the source repository, whose CHANGELOG.md files give the entries in between', '.')
    .option('--no-changelog', 'only the version changes')
    .option('--json', 'print the diff as JSON')
    .action(
      async (
        a: string | undefined,
        b: string | undefined,
        options: {
          dir: string;
          env?: string;
          gitops?: string;
          cwd: string;
          changelog: boolean;
          json?: boolean;
        },
      ) => {
        let before: ReleaseManifest;
        let after: ReleaseManifest;
        if (options.env) {
          const { releases } = await readEnvironment(await gitopsRemote(options.gitops), options.env);
          const [latest, earlier] = releases;
          if (!latest || !earlier) {
            throw inputError(`${options.env} has run fewer than two releases.`, {
              field: '--env',
              fix: 'See `relx history --env ' + options.env + '`.',
            });
          }
          [before, after] = [earlier, latest];
        } else {
          if (!a || !b)
            throw inputError('diff needs two releases, or --env.', {
              field: '<a> <b>',
              fix: 'relx diff 1.3.0 1.4.0, or relx diff --env prod.',
            });
          [before, after] = await Promise.all([
            readManifestFile(manifestFile(a, options.dir)),
            readManifestFile(manifestFile(b, options.dir)),
          ]);
        }
        let diff = diffManifests(before, after);
        if (options.changelog && diff.changed.some((c) => c.change === 'version')) {
          const source = await changelogSource(resolve(options.cwd));
          if (source) diff = await addChangelogEntries(diff, source);
        }
        process.stdout.write(options.json ? `${JSON.stringify(diff, null, 2)}\n` : renderManifestDiff(diff));
      },
    );
}

/**
 * Entries from each component's CHANGELOG.md in the source repository (what bump-version wrote),
 * or none when `cwd` is not a relx repository — the diff alone still answers.
 */
async function changelogSource(cwd: string): Promise<ChangelogSource | null> {
  const workspace = await loadWorkspace(cwd).catch(() => null);
  if (!workspace) return null;
  const folders = new Map(workspace.components.map((c) => [c.name, c.paths[0] ?? '']));
  return {
    entriesBetween: async (component, from, to) => {
      const folder = folders.get(component);
      if (folder === undefined) return [];
      const text = await readFile(join(cwd, folder, 'CHANGELOG.md'), 'utf8').catch(() => '');
      return changelogEntriesBetween(text, from, to);
    },
  };
}

/** A path when it names a file (or ends in .yaml), else the release of that name in `dir`. */
function manifestFile(release: string, dir: string): string {
  if (existsSync(release) || /\.ya?ml$/.test(release)) return release;
  return join(dir, `${release}.yaml`);
}
