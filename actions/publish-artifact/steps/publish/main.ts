import { resolve } from 'node:path';
import { parseReleased, publishStep, type PublishStepInput } from '../../../../src/publish/publish-step.js';
import {
  renderPublishFailure,
  renderPublishSummary,
} from '../../../../src/publish/render-publish-summary.js';
import {
  canMintIdToken,
  compositeInput,
  fail,
  githubRequest,
  log,
  runAction,
  runner,
  setOutputs,
  writeSummary,
} from '../../../shell/action-shell.js';

/** The publish step's inputs (composite env: INPUT_NPM_TOKEN or INPUT_NPM-TOKEN), as the core takes them. */
function readInputs(): PublishStepInput {
  const input = compositeInput.text;
  const npmToken = compositeInput.secret('npm-token');
  const ociPassword = compositeInput.secret('oci-password');
  const githubToken = compositeInput.secret('github-token');
  const context = runner();
  const ociUser = input('oci-username');
  return {
    root: resolve(context.workspace, input('working-directory') || '.'),
    configFile: input('config') || null,
    released: input('released') ? parseReleased(input('released')) : null,
    branch: null,
    runnerBranch: context.branch,
    repository: context.repository,
    runUrl: context.runUrl,
    npm: {
      registry: input('npm-registry') || 'https://registry.npmjs.org/',
      ...(npmToken ? { token: npmToken } : {}),
      ...(input('dist-tag') ? { distTag: input('dist-tag') } : {}),
      provenance: canMintIdToken() && input('provenance') !== 'false',
    },
    oci: {
      credentials: {
        ...(ociUser ? { username: ociUser } : {}),
        ...(ociPassword ? { password: ociPassword } : {}),
      },
    },
    ...(githubToken ? { github: githubRequest(githubToken, context) } : {}),
    dryRun: input('dry-run') === 'true',
    filesDir: context.temp,
    onProgress: (message) => log.info(message),
  };
}

/** Publishes what bump-version released, once; the list goes to write-manifest and attestation. */
export async function run(): Promise<void> {
  await runAction(async () => {
    const inputs = readInputs();
    const result = await publishStep(inputs);
    setOutputs({
      published: JSON.stringify(result.list),
      'published-file': result.files?.published,
      'checksums-file': result.files?.checksums ?? '',
    });
    await writeSummary(
      renderPublishSummary(result, inputs.dryRun),
      `the \`published-file\` output (${result.files?.published ?? 'relx-published.json'})`,
    );
    if (result.failure) fail(renderPublishFailure(result));
  });
}
