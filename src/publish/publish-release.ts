import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PublishedItem, PublishedKind, PublishedList } from '../manifest/published-list.js';
import { imageSource, splitImageReference, type ImageSource } from '../oci/image-source.js';
import { directoryArtifact, helmChartArtifact } from '../oci/oci-artifacts.js';
import { checkTag, pushImage } from '../oci/push-oci-content.js';
import { RegistryClient, type RegistryCredentials } from '../oci/registry-client.js';
import { configurationError, conflictError, RelxError, renderError } from '../relx-error.js';
import { topologicalOrder } from '../workspace/component-graph.js';
import type { Component } from '../workspace/component.js';
import { goModuleTask } from '../go/go-module-publish.js';
import type { GitHubRequest } from '../github/github-request.js';
import { releaseAssetsTask } from '../release-assets/release-assets-task.js';
import { packPackage, publishPackage, registryState, type PackedPackage } from './npm-registry.js';
import { atBoundary, type WriteBoundary } from '../release/write-boundary.js';

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

interface Task {
  component: Component;
  kind: PublishedKind;
  version: string;
  reference: string;
  /** Is it already there? 'same' → skip; throws on a conflict. */
  check(): Promise<'absent' | 'same'>;
  publish(): Promise<Omit<PublishedItem, 'component' | 'kind' | 'version' | 'skipped'>>;
  pin(): Promise<
    Partial<Pick<PublishedItem, 'reference' | 'digest' | 'integrity' | 'registry' | 'commit' | 'assets'>>
  >;
}

/** A dist-tag from the version: 1.3.0 → latest; 1.3.0-rc.2 → rc. */
export const distTagOf = (version: string) =>
  /^[^-+]+-([0-9A-Za-z]+)/.exec(version)?.[1]?.replace(/^\d+$/, 'next') ?? 'latest';

const fill = (template: string, values: Record<string, string>) =>
  template.replace(/\{(sha|shortSha|version)\}/g, (_, key: string) => values[key] ?? '');

function need<T>(value: T | undefined, component: Component, field: string, example: string): T {
  if (value === undefined) {
    throw configurationError(`${component.name} (${component.type}) has no publish.${field}.`, {
      field: `components[${component.name}].publish.${field}`,
      fix: `Add publish: { ${field}: ${example} } to ${component.name} in relx.config.yaml.`,
    });
  }
  return value;
}

function ociTarget(repository: string): {
  client: (c: RegistryCredentials) => RegistryClient;
  host: string;
  path: string;
} {
  const { host, repository: path } = splitImageReference(`${repository.replace(/^oci:\/\//, '')}:x`);
  return { host, path, client: (credentials) => new RegistryClient(host, credentials) };
}

/** Everything to publish, in dependency order (a library before what depends on it). Nothing runs yet. */
async function planTasks(options: PublishReleaseOptions, packDir: string): Promise<Task[]> {
  const byName = new Map(options.components.map((c) => [c.name, c]));
  const order = topologicalOrder(options.components, [
    'dependencies',
    'peerDependencies',
    'optionalDependencies',
    'dependsOn',
  ]);
  const tasks: Task[] = [];
  for (const name of order) {
    const component = byName.get(name);
    const version = options.released.get(name);
    if (!component || !version) continue;
    const built = options.builtFrom ?? options.commit;
    const values = { sha: built, shortSha: built.slice(0, 7), version };
    switch (component.type) {
      case 'npm-package': {
        if (component.private) {
          options.onProgress?.(`${name} is private: not published`);
          continue;
        }
        const registry = {
          url: component.publish?.registry ?? options.npm.registry,
          ...(options.npm.token ? { token: options.npm.token } : {}),
        };
        const dir = join(options.root, component.paths[0] ?? '');
        let packed: PackedPackage | null = null;
        const pack = async () => (packed ??= await packPackage(dir, packDir));
        tasks.push({
          component,
          kind: 'npm-package',
          version,
          reference: `npm:${name}@${version}`,
          async check() {
            const p = await pack();
            if (p.version !== version) {
              throw configurationError(
                `${dir}/package.json says ${p.version}, the release says ${version}.`,
                {
                  field: 'version',
                  fix: 'Publish from the release commit (bump-version writes the version).',
                },
              );
            }
            return registryState(registry, p);
          },
          async publish() {
            const p = await pack();
            await publishPackage(registry, p, {
              distTag: options.npm.distTag ?? options.distTags?.get(name) ?? distTagOf(version),
              access: component.publish?.access ?? 'public',
              provenance: options.npm.provenance,
            });
            return { reference: `npm:${name}@${version}`, registry: registry.url, integrity: p.integrity };
          },
          async pin() {
            return { registry: registry.url, integrity: (await pack()).integrity };
          },
        });
        break;
      }
      case 'go-module':
        tasks.push(goModuleTask(options.root, component, version));
        break;
      case 'release-assets':
        tasks.push(
          releaseAssetsTask(
            {
              root: options.root,
              repository: options.repository,
              commit: options.commit,
              ...(options.github ? { github: options.github } : {}),
            },
            component,
            version,
          ),
        );
        break;
      case 'cargo-crate':
      case 'python-package':
        // Versioned and tagged by relx; crates.io and PyPI uploads are the project's own step.
        options.onProgress?.(`${name} (${component.type}): tagged; relx does not upload it to a registry`);
        continue;
      case 'container-image':
      case 'helm-chart':
      case 'terraform-module':
      case 'files': {
        const repository = need(
          component.publish?.repository,
          component,
          'repository',
          'ghcr.io/acme/<name>',
        );
        let source: ImageSource;
        let path: string;
        const target = ociTarget(repository);
        if (component.type === 'container-image') {
          const template = need(
            component.publish?.source,
            component,
            'source',
            'ghcr.io/acme/ci/<name>:sha-{shortSha}',
          );
          source = imageSource(
            fill(template, values),
            options.root,
            options.oci.sourceCredentials ?? options.oci.credentials,
          );
          path = target.path;
        } else if (component.type === 'helm-chart') {
          const image = component.dependsOn.find((d) => byName.get(d.name)?.type === 'container-image');
          const appVersion = image
            ? (options.released.get(image.name) ?? byName.get(image.name)?.version ?? undefined)
            : undefined;
          const chart = await helmChartArtifact(
            join(options.root, component.paths[0] ?? ''),
            version,
            appVersion ?? undefined,
          );
          source = chart.source;
          path = `${target.path}/${chart.name}`;
        } else {
          source = await directoryArtifact(
            join(options.root, component.paths[0] ?? ''),
            component.type,
            name.replace(/^@/, '').replace(/\//g, '-'),
            version,
          );
          path = target.path;
        }
        const client = target.client(options.oci.credentials);
        const prefix = component.type === 'container-image' ? '' : 'oci://';
        const reference = `${prefix}${target.host}/${path}:${version}`;
        tasks.push({
          component,
          kind: component.type,
          version,
          reference,
          async check() {
            return checkTag(client, path, version, (await source.root()).digest);
          },
          async publish() {
            const result = await pushImage(source, client, path, version, (m) =>
              options.onProgress?.(`${name}: ${m}`),
            );
            return { reference, digest: result.digest };
          },
          async pin() {
            return { digest: (await source.root()).digest };
          },
        });
        break;
      }
    }
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
