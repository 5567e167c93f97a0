import { resolve } from 'node:path';
import { manifestStep, namingSchemes, type ManifestStepInput } from '../../src/manifest/manifest-step.js';
import { renderManifestRecorded, renderManifestSummary } from '../../src/manifest/render-manifest-summary.js';
import type { ReleaseNaming } from '../../src/manifest/release-naming.js';
import { configurationError, inputError } from '../../src/relx-error.js';
import { input, log, runAction, runner, setOutputs, writeSummary } from '../shell/action-shell.js';

function readNaming(): ReleaseNaming {
  const scheme = input.text('naming') || 'semver';
  const name = input.text('name');
  const product = input.text('product');
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

function readPublished(): ManifestStepInput['published'] {
  const published = input.text('published');
  if (published) return { text: published, source: 'input `published`' };
  const file = input.text('published-file');
  if (file) return { file, field: 'published-file' };
  throw inputError('No published list.', {
    field: 'published',
    fix: "Pass publish-artifact's `published` output as `published`, or a file as `published-file`.",
  });
}

function readInputs(): ManifestStepInput {
  const naming = readNaming();
  const cwd = resolve(runner().workspace, input.text('working-directory') || '.');
  const commit = input.boolean('commit');
  const push = input.boolean('push');
  const dryRun = input.boolean('dry-run');
  const token = input.secret('token');
  if (push && !commit) {
    throw inputError('push needs commit: true.', { field: 'push', fix: 'Set `commit: true` as well.' });
  }
  const compatibility = input.text('compatibility');
  return {
    cwd,
    published: readPublished(),
    previous: input.optional('previous'),
    compatibility: compatibility ? { text: compatibility, source: 'input `compatibility`' } : null,
    dir: input.text('directory') || 'releases',
    naming,
    now: new Date(),
    dryRun,
    commit,
    push,
    remote: 'origin',
    token,
    gitUser: { name: input.text('git-user-name'), email: input.text('git-user-email') },
    fields: { push: 'push', checkoutFix: 'actions/checkout with `ref: ${{ github.ref_name }}`' },
    log,
  };
}

/** Writes the release manifest and its BOM, commits and pushes them when asked; outputs once recorded. */
export async function run(): Promise<void> {
  await runAction(async () => {
    const result = await manifestStep(readInputs());
    setOutputs({ name: result.manifest.metadata.name });
    if (!result.written) {
      log.info(result.text);
      await writeSummary(renderManifestSummary(result), 'the log of this step');
      return;
    }
    for (const line of renderManifestRecorded(result)) log.info(line);
    // set once recorded: the dispatch that follows must hand over a manifest that is on the branch
    setOutputs({
      path: result.written.relativePath,
      sha256: result.written.sha256,
      'bom-path': result.written.relativeBomPath,
    });
    await writeSummary(renderManifestSummary(result), `the manifest ${result.written.relativePath}`);
  });
}
