// The one imperative shell every action's main.ts uses: typed input readers, secrets, the GitHub
// client, outputs, the step summary, and the single place where an error becomes setFailed.
// @actions/* stays in actions/; the decisions stay in the core step each main.ts calls.
import { existsSync, readFileSync } from 'node:fs';
import * as core from '@actions/core';
import * as github from '@actions/github';
import type { GitHubRequest } from '../../src/github/github-request.js';
import { renderError } from '../../src/relx-error.js';
import { readRunnerContext, type RunnerContext } from '../../src/runner-context.js';
import { rememberSecret, scrubSecrets } from '../../src/secret-scrubber.js';
import { fitStepSummary } from '../../src/summary/fit-step-summary.js';

export type { RunnerContext };

/** Inputs as action.yml declares them (the runner passes defaults as INPUT_*). */
export const input = {
  /** The input's text; '' when unset. */
  text: (name: string): string => core.getInput(name),
  /** The input's text, or null when empty. */
  optional: (name: string): string | null => core.getInput(name) || null,
  /** Fails with the input's name when empty. */
  required: (name: string): string => core.getInput(name, { required: true }),
  /** YAML 1.2 booleans, as GitHub reads them; an unset input fails (action.yml gives every boolean a default). */
  boolean: (name: string): boolean => core.getBooleanInput(name),
  /** A secret input: masked in the log and scrubbed from everything relx writes. '' when unset. */
  secret: (name: string): string => {
    const value = core.getInput(name);
    if (value) secret(value);
    return value;
  },
};

/** Masks a value in the runner's log and scrubs it from every text relx renders. */
export function secret(value: string): void {
  core.setSecret(value);
  rememberSecret(value);
}

export const runner = (): RunnerContext => readRunnerContext();

/** Octokit's `request`, as relx's core takes it, against this run's API URL. */
export const githubRequest = (token: string, context: RunnerContext = runner()): GitHubRequest =>
  github.getOctokit(token, { baseUrl: context.apiUrl }).request as unknown as GitHubRequest;

export const log = {
  info: (line: string): void => core.info(scrubSecrets(line)),
  warning: (line: string): void => core.warning(scrubSecrets(line)),
};

/** Sets each output; null and undefined are left unset. Values are scrubbed of secrets. */
export function setOutputs(
  outputs: Readonly<Record<string, string | number | boolean | null | undefined>>,
): void {
  for (const [name, value] of Object.entries(outputs)) {
    if (value === null || value === undefined) continue;
    core.setOutput(name, typeof value === 'string' ? scrubSecrets(value) : String(value));
  }
}

/** Appends markdown to the step summary, cut to GitHub's limit with a pointer to the full text. */
export async function writeSummary(markdown: string, whereFull: string): Promise<void> {
  await core.summary.addRaw(fitStepSummary(scrubSecrets(markdown), { whereFull }).text).write();
}

/** Fails the step with `message` (scrubbed): for a step that ran but did not pass (a gate's verdict). */
export const fail = (message: string): void => core.setFailed(scrubSecrets(message));

/**
 * Runs an action's body; any error fails the step with relx's rendering of it (what, the field,
 * the fix), scrubbed of secrets. `onError` may set outputs first (e.g. `engine-status: error`).
 */
export async function runAction(
  body: () => Promise<void>,
  onError?: (message: string, error: unknown) => void,
): Promise<void> {
  try {
    await body();
  } catch (error) {
    const message = scrubSecrets(renderError(error));
    try {
      onError?.(message, error);
    } finally {
      core.setFailed(message);
    }
  }
}

/**
 * The inputs of a node step inside a composite action: action.yml passes them in `env:` as
 * INPUT_NPM_TOKEN, which `input` does not read for `npm-token` (it looks for INPUT_NPM-TOKEN).
 * These readers take either spelling.
 */
export const compositeInput = {
  /** The input's text; '' when unset. */
  text: (name: string): string => core.getInput(name.replaceAll('-', '_')) || core.getInput(name),
  /** A secret input, masked and scrubbed as `input.secret`. '' when unset. */
  secret: (name: string): string => {
    const value = compositeInput.text(name);
    if (value) secret(value);
    return value;
  },
};

/** Whether the job can mint an OIDC token (`permissions: id-token: write`), as npm provenance needs. */
export const canMintIdToken = (): boolean => Boolean(process.env.ACTIONS_ID_TOKEN_REQUEST_URL);

/** The payload of the event that started the run (GITHUB_EVENT_PATH), or {} without one. */
export function eventPayload(context: RunnerContext = runner()): Record<string, unknown> {
  if (!context.eventPath || !existsSync(context.eventPath)) return {};
  return JSON.parse(readFileSync(context.eventPath, 'utf8')) as Record<string, unknown>;
}

/** A notice annotation (scrubbed): for a step that ran and has not decided yet (a gate still baking). */
export const notice = (message: string): void => core.notice(scrubSecrets(message));
