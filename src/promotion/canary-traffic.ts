import { isMap, isSeq, parseAllDocuments, parseDocument, type Document, type YAMLMap } from 'yaml';
import type { ReleaseManifest } from '../manifest/release-manifest.js';
import { inputError } from '../relx-error.js';
import { pinKustomizeImage, pinOf, type Pin } from './environment-overlays.js';
import type { CanaryTraffic } from './gitops-config.js';

/**
 * The traffic split as clusters write it: Kustomize workloads pinned by digest and labelled with
 * their version, Gateway API HTTPRoute weights, Helm values, an Argo Rollouts Rollout. Pure: the
 * files as they are in, the files as they must be out, edited through the YAML document model so
 * everything relx does not own stays as it was.
 */

/** The standard label metrics tell the canary from the stable workload by. */
export const versionLabel = 'app.kubernetes.io/version';

export interface TrafficSplit {
  stable: ReleaseManifest;
  /** null: no canary runs — the canary workload idles on the stable release, with no traffic. */
  canary: ReleaseManifest | null;
  /** The canary's share, 0–99 (0 when none runs). */
  weight: number;
}

const labelValue = /^[A-Za-z0-9]([A-Za-z0-9_.-]{0,61}[A-Za-z0-9])?$/;

function pinFor(manifest: ReleaseManifest, component: string, file: string, field: string): Pin {
  const pin = pinOf(manifest, component);
  if (!pin) {
    throw inputError(`${manifest.metadata.name} has no component ${component} for ${file}.`, {
      file,
      field,
      fix: 'Name a component of the release manifest in canary.<env>.traffic.',
    });
  }
  if (!labelValue.test(pin.version)) {
    throw inputError(`${component} ${pin.version} is not a valid ${versionLabel} label value.`, {
      file,
      field,
      fix: 'Label values are at most 63 letters, digits, _ . - (no +build metadata): version the component so.',
    });
  }
  return pin;
}

function parseYaml(text: string, file: string): Document {
  const document = parseDocument(text);
  if (document.errors.length > 0)
    throw inputError(`${file} is not valid YAML.`, { file, fix: 'Fix the file in the GitOps repository.' });
  return document;
}

/** The `labels:` entry that carries the version, with includeTemplates so pods carry it too. */
function labelKustomizeVersion(document: Document, version: string): void {
  let labels = document.get('labels', true);
  if (!isSeq(labels)) {
    document.set('labels', document.createNode([]));
    labels = document.get('labels', true);
  }
  if (!isSeq(labels)) return;
  const entry = labels.items.find((item) => {
    const pairs = isMap(item) ? item.get('pairs', true) : null;
    return isMap(pairs) && pairs.has(versionLabel);
  }) as YAMLMap | undefined;
  if (entry) {
    entry.setIn(['pairs', versionLabel], version);
    entry.set('includeTemplates', true);
  } else {
    labels.items.push(document.createNode({ pairs: { [versionLabel]: version }, includeTemplates: true }));
  }
}

function renderKustomizeWorkload(text: string, file: string, pin: Pin, imageName: string | undefined) {
  const name = imageName ?? pin.repository;
  if (!name || !pin.digest) {
    throw inputError(`The component for ${file} has no image digest to pin.`, {
      file,
      field: 'canary.traffic.component',
      fix: 'Kustomize workloads are pinned by digest: name an image component.',
    });
  }
  const document = parseYaml(text, file);
  pinKustomizeImage(document, name, pin.digest);
  labelKustomizeVersion(document, pin.version);
  return document.toString();
}

/** Each YAML document of a file (a Kubernetes file may hold several), edited by `edit`, put back. */
function editDocuments(text: string, file: string, edit: (documents: Document[]) => void): string {
  const documents = parseAllDocuments(text);
  if (!Array.isArray(documents) || documents.some((d) => d.errors.length > 0))
    throw inputError(`${file} is not valid YAML.`, { file, fix: 'Fix the file in the GitOps repository.' });
  edit(documents);
  // a document after the first keeps its own `---` when it had one (the yaml library writes it back)
  return documents
    .map((d, i) => {
      const text = d.toString();
      return i === 0 || text.startsWith('---') ? text : `---\n${text}`;
    })
    .join('');
}

function findResource(
  documents: Document[],
  kind: string,
  name: string | undefined,
  file: string,
  field: string,
) {
  const found = documents.filter(
    (d) => d.get('kind') === kind && (name === undefined || d.getIn(['metadata', 'name']) === name),
  );
  if (found.length !== 1) {
    throw inputError(
      `${file} holds ${found.length === 0 ? 'no' : found.length} ${kind}${name ? ` named ${name}` : ''}.`,
      {
        file,
        field,
        fix:
          found.length === 0 ? `Add the ${kind} to ${file}, or fix the name.` : `Name the ${kind} to edit.`,
      },
    );
  }
  return found[0] as Document;
}

function renderRouteWeights(
  text: string,
  traffic: Extract<CanaryTraffic, { kind: 'httproute' }>,
  file: string,
  weight: number,
) {
  return editDocuments(text, file, (documents) => {
    const route = findResource(documents, 'HTTPRoute', traffic.route, file, 'canary.traffic.route');
    const rules = route.getIn(['spec', 'rules'], true);
    let matched = 0;
    for (const rule of isSeq(rules) ? rules.items : []) {
      const refs = isMap(rule) ? rule.get('backendRefs', true) : null;
      if (!isSeq(refs)) continue;
      const byName = (n: string) =>
        refs.items.find((r) => isMap(r) && r.get('name') === n) as YAMLMap | undefined;
      const stable = byName(traffic.stable);
      if (!stable) continue;
      matched++;
      stable.set('weight', 100 - weight);
      const canary = byName(traffic.canary);
      if (canary) canary.set('weight', weight);
      else {
        const port = stable.get('port');
        refs.items.push(
          route.createNode({ name: traffic.canary, ...(port !== undefined ? { port } : {}), weight }),
        );
      }
    }
    if (matched === 0) {
      throw inputError(`No rule of the HTTPRoute in ${file} sends traffic to ${traffic.stable}.`, {
        file,
        field: 'canary.traffic.stable',
        fix: "Name the stable workload's Service as the route's backendRefs do.",
      });
    }
  });
}

/** Recorded on the Rollout so each step is a change in the folder, though the Rollout shifts the traffic itself. */
export const rolloutWeightAnnotation = 'relx.dev/canary-weight';

function renderRollout(
  text: string,
  traffic: Extract<CanaryTraffic, { kind: 'argo-rollout' }>,
  file: string,
  pin: Pin,
  weight: number,
) {
  return editDocuments(text, file, (documents) => {
    const rollout = findResource(documents, 'Rollout', traffic.rollout, file, 'canary.traffic.rollout');
    const containers = rollout.getIn(['spec', 'template', 'spec', 'containers'], true);
    const container = (isSeq(containers) ? containers.items : []).find(
      (c) =>
        isMap(c) &&
        (traffic.container
          ? c.get('name') === traffic.container
          : String(c.get('image') ?? '').replace(/[@:][^/]*$/, '') === pin.repository),
    ) as YAMLMap | undefined;
    if (!container || !pin.digest) {
      throw inputError(`The Rollout in ${file} has no container running ${traffic.component}.`, {
        file,
        field: 'canary.traffic.container',
        fix: `Name the container (container:), or give it the image ${pin.repository ?? ''}.`,
      });
    }
    container.set('image', pin.reference);
    rollout.setIn(['spec', 'template', 'metadata', 'labels', versionLabel], pin.version);
    rollout.setIn(['metadata', 'annotations', rolloutWeightAnnotation], String(weight));
  });
}

/** The files of `traffic` (paths relative to `folder`) as the split requires, by path. */
export function renderTraffic(
  traffic: readonly CanaryTraffic[],
  folder: string,
  current: ReadonlyMap<string, string | null>,
  split: TrafficSplit,
): Map<string, string> {
  const files = new Map<string, string>();
  const text = (path: string) => files.get(path) ?? current.get(path) ?? '';
  const canary = split.canary ?? split.stable;
  for (const entry of traffic) {
    if (entry.kind === 'kustomize') {
      for (const [which, manifest] of [
        ['stable', split.stable],
        ['canary', canary],
      ] as const) {
        const path = `${folder}/${entry[which]}`;
        const pin = pinFor(manifest, entry.component, path, 'canary.traffic.component');
        files.set(path, renderKustomizeWorkload(text(path), path, pin, entry.kustomizeImage));
      }
    } else if (entry.kind === 'httproute') {
      const path = `${folder}/${entry.file}`;
      files.set(path, renderRouteWeights(text(path), entry, path, split.weight));
    } else if (entry.kind === 'helm') {
      const path = `${folder}/${entry.file}`;
      const pin = pinFor(canary, entry.component, path, 'canary.traffic.component');
      const document = parseYaml(text(path), path);
      document.setIn(entry.enabled.split('.'), split.canary !== null);
      document.setIn(entry.weight.split('.'), split.weight);
      if (pin.digest) document.setIn(entry.digest.split('.'), pin.digest);
      document.setIn(entry.version.split('.'), pin.version);
      files.set(path, document.toString());
    } else {
      const path = `${folder}/${entry.file}`;
      const pin = pinFor(canary, entry.component, path, 'canary.traffic.component');
      files.set(path, renderRollout(text(path), entry, path, pin, split.weight));
    }
  }
  return files;
}

/** The paths, relative to the repository, of every file `traffic` writes. */
export function trafficFiles(traffic: readonly CanaryTraffic[], folder: string): string[] {
  return traffic.flatMap((t) =>
    t.kind === 'kustomize' ? [`${folder}/${t.stable}`, `${folder}/${t.canary}`] : [`${folder}/${t.file}`],
  );
}
