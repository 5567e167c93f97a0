import { isAbsolute } from 'node:path';
import { Command, Option } from 'commander';
import { manifestStep } from '../manifest/manifest-step.js';
import { namingSchemes, type ReleaseNaming } from '../manifest/release-naming.js';
import { defaultManifestDir } from '../manifest/write-manifest-files.js';
import { configurationError, inputError } from '../relx-error.js';

/** `relx manifest`: write the release manifest and its CycloneDX BOM from a published list. */
export function registerManifestCommand(program: Command): void {
  program
    .command('manifest')
    .description(
      'Write the release manifest (releases/<name>.yaml) and its CycloneDX BOM from the published list: every component pinned, unchanged ones carried over.',
    )
    .requiredOption('--published <file>', "publish-artifact's published list (JSON)")
    .option(
      '--previous <file>',
      'the manifest this release follows (default: the latest in --dir made from another commit)',
    )
    .option('--dir <dir>', 'folder of the manifests', defaultManifestDir)
    .addOption(
      new Option(
        '--naming <scheme>',
        'how the release is named (default: semver, or name with --name)',
      ).choices(namingSchemes),
    )
    .option('--name <name>', 'the release name (with --naming name, the default when given)')
    .option('--product <component>', 'with --naming semver: name the release after this component’s version')
    .option(
      '--compatibility <file>',
      'compatibility rows (YAML list of {component: range}); default: the previous ones',
    )
    .option('--now <iso-date>', 'the creation time (default: now)')
    .option('--commit', 'commit the manifest and its BOM (unless the branch holds them already)')
    .option('--push', 'with --commit: push the branch (after catching up with it first)')
    .option('--remote <name>', 'remote to push to', 'origin')
    .option('--dry-run', 'print the manifest and stop; write nothing')
    .option('--json', 'print the result as JSON (name, path, sha256, bomPath)')
    .action(writeManifest);
}

function parseNow(text: string | undefined): Date {
  const now = text ? new Date(text) : new Date();
  if (Number.isNaN(now.getTime())) {
    throw inputError(`--now "${text}" is not a date.`, {
      field: '--now',
      fix: 'Use an ISO date such as 2026-11-24T15:00:00Z.',
    });
  }
  return now;
}

async function writeManifest(options: ManifestOptions): Promise<void> {
  const now = parseNow(options.now);
  if (options.push && !options.commit) {
    throw inputError('--push needs --commit.', { field: '--push', fix: 'Add --commit.' });
  }
  const result = await manifestStep({
    cwd: process.cwd(),
    published: { file: options.published, field: '--published' },
    previous: options.previous ?? null,
    compatibility: options.compatibility ? { file: options.compatibility, field: '--compatibility' } : null,
    dir: options.dir,
    naming: namingFromOptions(options),
    now,
    dryRun: options.dryRun ?? false,
    commit: options.commit ?? false,
    push: options.push ?? false,
    remote: options.remote,
    token: '',
    gitUser: null,
    fields: { push: '--push', checkoutFix: 'the release branch' },
    log: { warning: () => undefined },
  });
  const written = result.written;
  if (!written) {
    process.stdout.write(result.text);
    return;
  }
  // paths as --dir gives them: relative to the working directory unless it is absolute
  const path = isAbsolute(options.dir) ? written.path : written.relativePath;
  const bomPath = isAbsolute(options.dir) ? written.bomPath : written.relativeBomPath;
  if (options.json) {
    const { name, sha256 } = written;
    process.stdout.write(
      `${JSON.stringify({ name, path, sha256, bomPath, written: written.written }, null, 2)}\n`,
    );
    return;
  }
  process.stdout.write(
    written.written
      ? `Wrote release ${written.name}: ${path} (sha256 ${written.sha256}) and ${bomPath}\n`
      : `Release ${written.name} is already written with this content: ${path} (sha256 ${written.sha256})\n`,
  );
}

function namingFromOptions(options: ManifestOptions): ReleaseNaming {
  const scheme = options.naming ?? (options.name ? 'name' : 'semver');
  if (scheme === 'name') {
    if (!options.name) {
      throw configurationError('--naming name needs the name.', {
        field: '--name',
        fix: 'Pass --name <name>.',
      });
    }
    return { scheme, name: options.name };
  }
  if (options.name) {
    throw configurationError(`--name is for --naming name, not ${scheme}.`, {
      field: '--name',
      fix: 'Drop --name, or use --naming name.',
    });
  }
  if (scheme === 'semver') return options.product ? { scheme, product: options.product } : { scheme };
  return { scheme };
}

interface ManifestOptions {
  published: string;
  previous?: string;
  dir: string;
  naming?: (typeof namingSchemes)[number];
  name?: string;
  product?: string;
  compatibility?: string;
  now?: string;
  commit?: boolean;
  push?: boolean;
  remote: string;
  dryRun?: boolean;
  json?: boolean;
}
