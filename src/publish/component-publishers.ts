import { join } from 'node:path';
import type { PublishedItem, PublishedKind } from '../manifest/published-list.js';
import { imageSource, splitImageReference, type ImageSource } from '../oci/image-source.js';
import { directoryArtifact, helmChartArtifact } from '../oci/oci-artifacts.js';
import { checkTag, pushImage } from '../oci/push-oci-content.js';
import { RegistryClient, type RegistryCredentials } from '../oci/registry-client.js';
import { configurationError } from '../relx-error.js';
import type { Component } from '../workspace/component.js';
import type { ComponentType } from '../workspace/relx-config.js';
import { goModuleTask } from '../go/go-module-publish.js';
import { releaseAssetsTask } from '../release-assets/release-assets-task.js';
import { packPackage, publishPackage, registryState, type PackedPackage } from './npm-registry.js';
import type { PublishReleaseOptions } from './publish-release.js';

/** One component's publication: checked first, published, or pinned when it is already there. */
export interface PublishTask {
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

/** What a publisher reads besides its component: the run's options, where to pack, the other components. */
export interface PublishContext {
  options: PublishReleaseOptions;
  packDir: string;
  byName: ReadonlyMap<string, Component>;
}

/** A component's task, or null when relx does not publish it (it says why through onProgress). */
export type ComponentPublisher = (
  context: PublishContext,
  component: Component,
  version: string,
) => Promise<PublishTask | null>;

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

/** An npm package: packed once, checked against the registry, published with its dist-tag. */
const publishNpmPackage: ComponentPublisher = async ({ options, packDir }, component, version) => {
  const name = component.name;
  if (component.private) {
    options.onProgress?.(`${name} is private: not published`);
    return null;
  }
  const registry = {
    url: component.publish?.registry ?? options.npm.registry,
    ...(options.npm.token ? { token: options.npm.token } : {}),
  };
  const dir = join(options.root, component.paths[0] ?? '');
  let packed: PackedPackage | null = null;
  const pack = async () => (packed ??= await packPackage(dir, packDir));
  return {
    component,
    kind: 'npm-package',
    version,
    reference: `npm:${name}@${version}`,
    async check() {
      const p = await pack();
      if (p.version !== version) {
        throw configurationError(`${dir}/package.json says ${p.version}, the release says ${version}.`, {
          field: 'version',
          fix: 'Publish from the release commit (bump-version writes the version).',
        });
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
  };
};

/** Where an OCI component's content comes from and the repository path it is pushed to. */
async function ociContent(
  { options, byName }: PublishContext,
  component: Component,
  version: string,
  target: ReturnType<typeof ociTarget>,
): Promise<{ source: ImageSource; path: string }> {
  const dir = join(options.root, component.paths[0] ?? '');
  if (component.type === 'container-image') {
    const built = options.builtFrom ?? options.commit;
    const values = { sha: built, shortSha: built.slice(0, 7), version };
    const template = need(
      component.publish?.source,
      component,
      'source',
      'ghcr.io/acme/ci/<name>:sha-{shortSha}',
    );
    const credentials = options.oci.sourceCredentials ?? options.oci.credentials;
    return { source: imageSource(fill(template, values), options.root, credentials), path: target.path };
  }
  if (component.type === 'helm-chart') {
    const image = component.dependsOn.find((d) => byName.get(d.name)?.type === 'container-image');
    const appVersion = image
      ? (options.released.get(image.name) ?? byName.get(image.name)?.version ?? undefined)
      : undefined;
    const chart = await helmChartArtifact(dir, version, appVersion ?? undefined);
    return { source: chart.source, path: `${target.path}/${chart.name}` };
  }
  const artifactName = component.name.replace(/^@/, '').replace(/\//g, '-');
  return { source: await directoryArtifact(dir, component.type, artifactName, version), path: target.path };
}

type OciKind = Extract<PublishedKind, 'container-image' | 'helm-chart' | 'terraform-module' | 'files'>;

/** An OCI component (image, chart, Terraform module, files): its content pushed under its version tag. */
const publishOciArtifact =
  (kind: OciKind): ComponentPublisher =>
  async (context, component, version) => {
    const { options } = context;
    const repository = need(component.publish?.repository, component, 'repository', 'ghcr.io/acme/<name>');
    const target = ociTarget(repository);
    const { source, path } = await ociContent(context, component, version, target);
    const client = target.client(options.oci.credentials);
    const prefix = component.type === 'container-image' ? '' : 'oci://';
    const reference = `${prefix}${target.host}/${path}:${version}`;
    return {
      component,
      kind,
      version,
      reference,
      async check() {
        return checkTag(client, path, version, (await source.root()).digest);
      },
      async publish() {
        const result = await pushImage(source, client, path, version, (m) =>
          options.onProgress?.(`${component.name}: ${m}`),
        );
        return { reference, digest: result.digest };
      },
      async pin() {
        return { digest: (await source.root()).digest };
      },
    };
  };

/** Versioned and tagged by relx; crates.io and PyPI uploads are the project's own step. */
const tagOnly: ComponentPublisher = async ({ options }, component) => {
  options.onProgress?.(
    `${component.name} (${component.type}): tagged; relx does not upload it to a registry`,
  );
  return null;
};

/** How each component type is published. */
export const componentPublishers: Record<ComponentType, ComponentPublisher> = {
  'npm-package': publishNpmPackage,
  'go-module': async ({ options }, component, version) => goModuleTask(options.root, component, version),
  'release-assets': async ({ options }, component, version) =>
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
  'cargo-crate': tagOnly,
  'python-package': tagOnly,
  'container-image': publishOciArtifact('container-image'),
  'helm-chart': publishOciArtifact('helm-chart'),
  'terraform-module': publishOciArtifact('terraform-module'),
  files: publishOciArtifact('files'),
};
