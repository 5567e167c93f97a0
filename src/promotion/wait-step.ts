import {
  engineStatusSources,
  parseCommit,
  parseEngineConnection,
  parseWaitDuration,
  type EngineConnectionInput,
  type EngineFields,
} from '../engine/engine-status-sources.js';
import { EnvironmentRevisions } from '../engine/environment-revisions.js';
import { waitForEngine, type EngineWaitResult } from '../engine/wait-for-engine.js';
import { inputError } from '../relx-error.js';
import type { GitOpsRemote } from './gitops-repository.js';

export { gitopsRemoteOfPromotion } from './gitops-url.js';

/** The names the wait's inputs have where it runs (the action's inputs, the CLI's flags), for errors. */
export interface WaitFields {
  commit: string;
  environment: string;
  timeout: string;
  interval: string;
  engine: string;
  argocd: EngineFields;
  flux: EngineFields;
}

/** What `relx wait` and promote-env's wait step are asked to wait for. */
export interface WaitStepInput {
  /** The promotion commit; '' for the commit that put the environment in its current state. */
  commit: string;
  /**
   * The environment in the GitOps repository: a later commit that leaves its release as ours
   * wrote it counts as reached. Null: only the commit itself counts (and `commit` is required).
   */
  environment: { name: string; remote: GitOpsRemote } | null;
  connection: EngineConnectionInput;
  timeout: string;
  /** Between readings; null for the default. */
  interval: string | null;
  fields: WaitFields;
  onProgress?: (line: string) => void;
  /** Checks a given commit before waiting (the CLI: on the GitOps branch) and gives its full SHA. */
  confirmCommit?: (commit: string) => Promise<string>;
}

export interface WaitStepResult extends EngineWaitResult {
  engine: 'argocd' | 'flux';
  /** What was waited on, e.g. `Argo CD application shop`. */
  what: string;
  /** The commit waited on (the environment's last when none was given). */
  commit: string;
  /** Set when no commit was given: the environment's current one was waited on. */
  changedNothing: boolean;
}

/**
 * After a promotion commit: wait until Argo CD or Flux has applied it and reports it healthy —
 * applied, failed, timeout (fail closed) or superseded. Without a commit (the promotion changed
 * nothing: a re-run after a failed or killed wait), the wait is on the commit that put the
 * environment in its current state — never skipped.
 */
export async function waitStep(input: WaitStepInput): Promise<WaitStepResult> {
  const { fields } = input;
  const timeoutMs = parseWaitDuration(input.timeout, fields.timeout);
  const intervalMs = input.interval !== null ? parseWaitDuration(input.interval, fields.interval) : null;
  const given = input.commit ? parseCommit(input.commit, fields.commit) : null;
  if (!given && !input.environment)
    throw inputError('Which commit?', {
      field: fields.commit,
      fix: `Pass ${fields.commit} (the promotion commit), or the GitOps repository and ${fields.environment} to wait on its current commit.`,
    });
  const connection = parseEngineConnection(input.connection, {
    engine: fields.engine,
    argocd: fields.argocd,
    flux: fields.flux,
  });
  const confirmed = given && input.confirmCommit ? await input.confirmCommit(given) : given;
  const revisions = input.environment
    ? await EnvironmentRevisions.open(input.environment.remote, input.environment.name, fields.environment)
    : null;
  try {
    const commit = confirmed ?? (await revisions!.lastCommit());
    if (!confirmed)
      input.onProgress?.(
        `The promotion changed nothing: waiting on ${commit.slice(0, 12)}, the commit that put ${input.environment?.name ?? ''} in its current state.`,
      );
    // a later commit of another environment moves the engine past ours: the clone tells whether ours still holds
    const source = engineStatusSources[connection.engine](connection, commit, {
      ...(input.onProgress ? { onProgress: input.onProgress } : {}),
      ...(revisions ? { ancestry: revisions } : {}),
    });
    const result = await waitForEngine(source, {
      timeoutMs,
      ...(intervalMs !== null ? { intervalMs } : {}),
      ...(input.onProgress ? { onProgress: input.onProgress } : {}),
    });
    return { ...result, engine: connection.engine, what: source.what, commit, changedNothing: !given };
  } finally {
    revisions?.close();
  }
}
