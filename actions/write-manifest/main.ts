import { relative, resolve } from 'node:path';
import * as core from '@actions/core';
import { readHead } from '../../src/git/git-refs.js';
import { diffManifests } from '../../src/manifest/diff-manifests.js';
import type { ReleaseManifest } from '../../src/manifest/release-manifest.js';
import { namingSchemes, type ReleaseNaming } from '../../src/manifest/release-naming.js';
import { readManifestFile } from '../../src/manifest/write-manifest-files.js';
import {
  catchUpWithRemote,
  readInputDocument,
  recordReleaseManifest,
  writeReleaseManifest,
  type InputDocument,
} from '../../src/manifest/write-release-manifest.js';
import { writeBoundaryFromEnvironment } from '../../src/release/write-boundary-from-environment.js';
import { escapeSummaryText } from '../../src/release-plan/render-plan.js';
import { fitStepSummary } from '../../src/summary/fit-step-summary.js';
import { configurationError, inputError, renderError } from '../../src/relx-error.js';

interface Inputs {
  published: string | null;
  publishedFile: string | null;
  previous: string | null;
  directory: string;
  naming: ReleaseNaming;
  compatibility: string | null;
  workingDirectory: string;
  commit: boolean;
  push: boolean;
  token: string;
  dryRun: boolean;
  gitUserName: string;
  gitUserEmail: string;
}

function readNaming(): ReleaseNaming {
  const scheme = core.getInput('naming') || 'semver';
  const name = core.getInput('name');
  const product = core.getInput('product');
  switch (scheme) {
    case 'name':
      if (!name)
        throw configurationError('naming: name needs the name.', { field: 'name', fix: 'Set `name`.' });
      return { scheme, name };
    case 'semver':
      return product ? { scheme, product } : { scheme };
    case 'calver':
    case 'sequence':
      return { scheme };
    default:
      throw configurationError(`Unknown naming "${scheme}".`, {
        field: 'naming',
        fix: `Use one of: ${namingSchemes.join(', ')}.`,
      });
  }
}

function readInputs(): Inputs {
  return {
    published: core.getInput('published') || null,
    publishedFile: core.getInput('published-file') || null,
    previous: core.getInput('previous') || null,
    directory: core.getInput('directory') || 'releases',
    naming: readNaming(),
    compatibility: core.getInput('compatibility') || null,
    workingDirectory: resolve(process.env.GITHUB_WORKSPACE ?? '.', core.getInput('working-directory') || '.'),
    commit: core.getBooleanInput('commit'),
    push: core.getBooleanInput('push'),
    token: core.getInput('token'),
    dryRun: core.getBooleanInput('dry-run'),
    gitUserName: core.getInput('git-user-name'),
    gitUserEmail: core.getInput('git-user-email'),
  };
}

async function publishedDocument(inputs: Inputs): Promise<InputDocument> {
  if (inputs.published) return { text: inputs.published, source: 'input `published`' };
  if (inputs.publishedFile) {
    return readInputDocument(resolve(inputs.workingDirectory, inputs.publishedFile), 'published-file');
  }
  throw inputError('No published list.', {
    field: 'published',
    fix: "Pass publish-artifact's `published` output as `published`, or a file as `published-file`.",
  });
}

export async function run(): Promise<void> {
  try {
    const inputs = readInputs();
    if (inputs.token) core.setSecret(inputs.token);
    const cwd = inputs.workingDirectory;
    if (inputs.push && !inputs.commit) {
      throw inputError('push needs commit: true.', { field: 'push', fix: 'Set `commit: true` as well.' });
    }
    const branch = inputs.push && !inputs.dryRun ? (await readHead(cwd)).branch : null;
    if (inputs.push && !inputs.dryRun && !branch) {
      throw inputError('Cannot push: HEAD is detached.', {
        field: 'push',
        fix: 'Check out the branch (actions/checkout with `ref: ${{ github.ref_name }}`).',
      });
    }
    const target = branch
      ? { remote: 'origin', branch, ...(inputs.token ? { token: inputs.token } : {}) }
      : null;
    const boundary = writeBoundaryFromEnvironment();
    const record = { cwd, push: inputs.commit ? target : null, ...(boundary ? { boundary } : {}) };
    await catchUpWithRemote(record);
    const dir = resolve(cwd, inputs.directory);
    const previousFile = inputs.previous ? resolve(cwd, inputs.previous) : undefined;
    const result = await writeReleaseManifest({
      published: await publishedDocument(inputs),
      ...(previousFile ? { previousFile } : {}),
      ...(inputs.compatibility
        ? { compatibility: { text: inputs.compatibility, source: 'input `compatibility`' } }
        : {}),
      dir,
      naming: inputs.naming,
      clock: { now: () => new Date() },
      dryRun: inputs.dryRun,
      ...(boundary ? { boundary } : {}),
    });
    const { manifest } = result;
    const previous = await readPrevious(manifest, previousFile ?? null, dir);
    core.setOutput('name', manifest.metadata.name);
    if (!result.written) {
      core.info(result.text);
      const summary = renderSummary(manifest, previous, 'dry run: nothing written');
      await core.summary.addRaw(fitStepSummary(summary, { whereFull: 'the log of this step' }).text).write();
      return;
    }
    const path = relative(cwd, result.written.path);
    const bomPath = relative(cwd, result.written.bomPath);
    if (inputs.commit) {
      process.env.GIT_AUTHOR_NAME ||= inputs.gitUserName;
      process.env.GIT_AUTHOR_EMAIL ||= inputs.gitUserEmail;
      process.env.GIT_COMMITTER_NAME ||= inputs.gitUserName;
      process.env.GIT_COMMITTER_EMAIL ||= inputs.gitUserEmail;
      const recorded = await recordReleaseManifest(result.written, record);
      core.info(
        recorded.commit
          ? `Committed ${path} and ${bomPath} as ${recorded.commit}.`
          : `${path} and ${bomPath} are committed already.`,
      );
      if (recorded.pushed && target) core.info(`Pushed ${target.branch} to ${target.remote}.`);
    }
    // set once recorded: the dispatch that follows must hand over a manifest that is on the branch
    core.setOutput('path', path);
    core.setOutput('sha256', result.written.sha256);
    core.setOutput('bom-path', bomPath);
    const status = result.written.written ? `written to \`${escapeSummaryText(path)}\`` : 'already written';
    const summary = renderSummary(manifest, previous, status);
    await core.summary.addRaw(fitStepSummary(summary, { whereFull: `the manifest ${path}` }).text).write();
  } catch (error) {
    core.setFailed(renderError(error));
  }
}

type Previous = { manifest: ReleaseManifest } | { unreadable: string } | null;

/** The release this one follows, for the summary; one that cannot be read says so, it is no first release. */
async function readPrevious(manifest: ReleaseManifest, file: string | null, dir: string): Promise<Previous> {
  const name = manifest.metadata.previous;
  if (!name) return null;
  return readManifestFile(file ?? resolve(dir, `${name}.yaml`)).then(
    (m) => ({ manifest: m }),
    (error: unknown) => {
      core.warning(`Cannot read the previous release ${name}: ${renderError(error)}`);
      return { unreadable: renderError(error) };
    },
  );
}

function renderSummary(manifest: ReleaseManifest, previousRead: Previous, status: string): string {
  const e = escapeSummaryText;
  const previous = previousRead && 'manifest' in previousRead ? previousRead.manifest : null;
  const changes = previous ? diffManifests(previous, manifest) : null;
  const changed = new Map(changes?.changed.map((c) => [c.name, `${e(c.from)} → ${e(c.to)}`]) ?? []);
  const added = new Set(changes?.added.map((c) => c.name) ?? []);
  const rows = [
    ...manifest.components.packages.map((p) => [p.name, 'package', p.version, p.integrity ?? '']),
    ...manifest.components.images.map((i) => [i.name, 'image', i.tag, i.digest ?? '']),
    ...manifest.components.infrastructure.map((i) => [i.name, i.kind, i.version, i.digest ?? '']),
  ];
  const lines = [
    `## Release manifest ${e(manifest.metadata.name)} (${status})`,
    '',
    previous
      ? `Follows ${e(previous.metadata.name)}.`
      : previousRead && 'unreadable' in previousRead
        ? `Follows ${e(manifest.metadata.previous ?? '')}, whose manifest could not be read (${e(previousRead.unreadable)}): changes not shown.`
        : 'The first release.',
    '',
    '| component | kind | version | pin | change |',
    '|---|---|---|---|---|',
    ...rows.map(([name = '', kind = '', version = '', pin = '']) => {
      const change = changed.get(name) ?? (added.has(name) ? 'added' : previousRead ? 'carried over' : 'new');
      return `| \`${e(name)}\` | ${e(kind)} | ${e(version)} | \`${e(pin.slice(0, 19))}…\` | ${change} |`;
    }),
  ];
  if (changes && changes.removed.length > 0) {
    lines.push('', `Removed: ${changes.removed.map((c) => `\`${e(c.name)}\``).join(', ')}`);
  }
  return `${lines.join('\n')}\n`;
}
