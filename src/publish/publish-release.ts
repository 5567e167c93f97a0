import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PublishedItem, PublishedKind, PublishedList } from '../manifest/published-list.js';
import type { RegistryCredentials } from '../oci/registry-client.js';
import { conflictError, RelxError, renderError } from '../relx-error.js';
import { topologicalOrder } from '../workspace/component-graph.js';
import type { Component } from '../workspace/component.js';
import type { GitHubRequest } from '../github/github-request.js';
import { atBoundary, type WriteBoundary } from '../release/write-boundary.js';
import { componentPublishers, type PublishContext, type PublishTask } from './component-publishers.js';

export { distTagOf } from './component-publishers.js';

export interface PublishReleaseOptions {
  root: string;
  components: readonly Component[];
  /** component → version released at `commit` */
  released: ReadonlyMap<string, string>;
  commit: string;
  /** The commit CI built the images from ({sha} in image sources); default `commit`. */
  builtFrom?: string;
  repository: string;
  runUrl: string | null;
  /** GitHub, for release-assets components (their files go on the component's GitHub Release). */
  github?: GitHubRequest;
  npm: { registry: string; token?: string; distTag?: string; provenance: boolean };
  /** Per component, the dist-tag of a maintenance line's release (line-dist-tags.ts); `npm.distTag` wins. */
  distTags?: ReadonlyMap<string, string>;
  oci: { credentials: RegistryCredentials; sourceCredentials?: RegistryCredentials };
  dryRun: boolean;
  onProgress?: (message: string) => void;
  /** Test hook around every registry write (see release/write-boundary.ts); none in production. */
  boundary?: WriteBoundary;
}

export type Outcome = 'published' | 'skipped' | 'planned' | 'failed' | 'not attempted';

export interface ComponentOutcome {
  component: string;
  kind: PublishedKind;
  version: string;
  reference: string;
  outcome: Outcome;
  error?: string;
}

export interface PublishReleaseResult {
  list: PublishedList;
  outcomes: ComponentOutcome[];
  /** Set when publishing stopped part-way: what failed. A re-run finishes the rest. */
  failure: RelxError | null;
}

type Task = PublishTask;

/** Everything to publish, in dependency order (a library before what depends on it). Nothing runs yet. */
async function planTasks(options: PublishReleaseOptions, packDir: string): Promise<Task[]> {
  const byName = new Map(options.components.map((c) => [c.name, c]));
  const order = topologicalOrder(options.components, [
    'dependencies',
    'peerDependencies',
    'optionalDependencies',
    'dependsOn',
  ]);
  const context: PublishContext = { options, packDir, byName };
  const tasks: Task[] = [];
  for (const name of order) {
    const component = byName.get(name);
    const version = options.released.get(name);
    if (!component || !version) continue;
    const task = await componentPublishers[component.type](context, component, version);
    if (task) tasks.push(task);
  }
  return tasks;
}

/**
 * Publishes each released component exactly once. First every target is checked: a version that
 * exists with other content stops the run before anything is published. Then each is published
 * in dependency order; what is already there with the same content is skipped. When something
 * fails part-way, the result says exactly what was published and what was not.
 */
export async function publishRelease(options: PublishReleaseOptions): Promise<PublishReleaseResult> {
  const progress = options.onProgress ?? (() => {});
  const packDir = mkdtempSync(join(tmpdir(), 'relx-pack-'));
  try {
    const tasks = await planTasks(options, packDir);
    const states = await checkTasks(tasks);
    const items: PublishedItem[] = [];
    const outcomes: ComponentOutcome[] = [];
    let failure: RelxError | null = null;
    for (const task of tasks) {
      const base = {
        component: task.component.name,
        kind: task.kind,
        version: task.version,
        reference: task.reference,
      };
      if (failure) {
        outcomes.push({ ...base, outcome: 'not attempted' });
        continue;
      }
      try {
        if (states.get(task) === 'same') {
          items.push({ ...base, ...(await task.pin()), skipped: true });
          outcomes.push({ ...base, outcome: 'skipped' });
          progress(`${task.reference}: already published, skipped`);
        } else if (options.dryRun) {
          outcomes.push({ ...base, outcome: 'planned' });
          progress(`${task.reference}: would publish`);
        } else {
          const published = await atBoundary(options.boundary, `publish:${task.reference}`, () =>
            task.publish(),
          );
          items.push({ ...base, ...published, skipped: false });
          outcomes.push({ ...base, outcome: 'published' });
          progress(`${task.reference}: published`);
        }
      } catch (error) {
        failure =
          error instanceof RelxError
            ? error
            : new RelxError('transient', renderError(error), { fix: 'Re-run.' });
        outcomes.push({ ...base, outcome: 'failed', error: renderError(error) });
      }
    }
    return {
      list: {
        schemaVersion: 1,
        kind: 'PublishedList',
        source: {
          repository: options.repository,
          commit: options.commit,
          ...(options.runUrl ? { runUrl: options.runUrl } : {}),
        },
        items,
      },
      outcomes,
      failure,
    };
  } finally {
    rmSync(packDir, { recursive: true, force: true });
  }
}

/**
 * Checks every target before anything is published: a version that exists with other content
 * (a conflict) stops the run, naming every such version at once.
 */
async function checkTasks(tasks: readonly Task[]): Promise<Map<Task, 'absent' | 'same'>> {
  const states = new Map<Task, 'absent' | 'same'>();
  const conflicts: string[] = [];
  for (const task of tasks) {
    try {
      states.set(task, await task.check());
    } catch (error) {
      if (error instanceof RelxError && error.kind === 'conflict') conflicts.push(error.message);
      else throw error;
    }
  }
  if (conflicts.length > 0) {
    throw conflictError(
      `Nothing was published: ${conflicts.length === 1 ? conflicts[0] : `\n  ${conflicts.join('\n  ')}`}`,
      {
        field: 'version',
        fix: 'A published version never changes: release new versions of these components.',
      },
    );
  }
  return states;
}
