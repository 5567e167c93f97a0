import { resolve } from 'node:path';
import {
  describeMadeCommits,
  pushVerifiedStep,
  type PushVerifiedStepInput,
} from '../../../../src/github/push-verified-step.js';
import { githubRequest, input, log, runAction, runner, setOutputs } from '../../../shell/action-shell.js';

function readInputs(): PushVerifiedStepInput {
  const context = runner();
  return {
    cwd: resolve(context.workspace, input.text('working-directory') || '.'),
    branch: input.optional('branch'),
    remote: 'origin',
    owner: context.owner,
    repo: context.repo,
    token: input.secret('token'),
    github: (token) => githubRequest(token, context),
    missingFix: 'Check out the branch (or set `branch`), and pass `token` (contents: write).',
  };
}

/** The checkout's new commits (write-manifest's, with `push: false`) made through the API instead of pushed. */
export async function run(): Promise<void> {
  await runAction(async () => {
    const result = await pushVerifiedStep(readInputs());
    for (const line of describeMadeCommits(result.made)) log.info(line);
    setOutputs({ commit: result.commit });
  });
}
