import { isMap, isSeq, parseDocument, YAMLMap, type Document } from 'yaml';
import type { ReleaseManifest } from '../manifest/release-manifest.js';
import { inputError } from '../relx-error.js';
import type { OverlayConfig } from './gitops-config.js';

/**
 * Overlay files are edited in place through the YAML document model, so comments, key order and
 * everything relx does not own stay as they were. Pure: text in, text out.
 */

export interface Pin {
  digest: string | null;
  version: string;
  repository: string | null;
  reference: string;
}

export function pinOf(manifest: ReleaseManifest, component: string): Pin | null {
  const image = manifest.components.images.find((i) => i.name === component);
  if (image) {
    return {
      digest: image.digest ?? null,
      version: image.tag,
      repository: image.repository,
      reference: `${image.repository}@${image.digest ?? ''}`,
    };
  }
  const infra = manifest.components.infrastructure.find((i) => i.name === component);
  if (infra) {
    return {
      digest: infra.digest ?? null,
      version: infra.version,
      repository: null,
      reference: `${infra.reference.replace(/:[^:/@]+$/, '')}@${infra.digest ?? ''}`,
    };
  }
  const pkg = manifest.components.packages.find((p) => p.name === component);
  if (pkg)
    return { digest: null, version: pkg.version, repository: null, reference: `${pkg.name}@${pkg.version}` };
  return null;
}

/** Kustomize `images:` entry for the image, pinned by digest only (a tag beside it would be ignored, and misleading). */
export function pinKustomizeImage(document: Document, name: string, digest: string): void {
  let images = document.get('images', true);
  if (!isSeq(images)) {
    document.set('images', document.createNode([]));
    images = document.get('images', true);
  }
  if (!isSeq(images)) return;
  let entry = images.items.find((item) => isMap(item) && item.get('name') === name) as YAMLMap | undefined;
  if (!entry) {
    entry = document.createNode({ name }) as YAMLMap;
    images.items.push(entry);
  }
  entry.delete('newTag');
  entry.set('digest', digest);
}

export function applyOverlay(
  text: string,
  overlay: OverlayConfig,
  manifest: ReleaseManifest,
  file: string,
): string {
  const pin = pinOf(manifest, overlay.component);
  if (!pin) {
    throw inputError(`The overlay for ${overlay.component} names a component the manifest does not have.`, {
      file,
      field: 'overlays.component',
      fix: 'Name a component of the release manifest, or remove the overlay.',
    });
  }
  const document = parseDocument(text);
  if (document.errors.length > 0) {
    throw inputError(`The overlay ${file} is not valid YAML.`, {
      file,
      fix: 'Fix the file in the GitOps repository.',
    });
  }
  const kustomize =
    overlay.kustomizeImage !== undefined || (!overlay.path && /kustomization\.ya?ml$/.test(overlay.file));
  if (kustomize) {
    const name = overlay.kustomizeImage ?? pin.repository;
    if (!name || !pin.digest) {
      throw inputError(`${overlay.component} has no image digest to pin in ${file}.`, {
        file,
        field: 'overlays.kustomizeImage',
        fix: 'Kustomize overlays pin images by digest: use them for image components.',
      });
    }
    pinKustomizeImage(document, name, pin.digest);
  } else {
    if (!overlay.path) {
      throw inputError(`The overlay ${file} for ${overlay.component} needs a path.`, {
        field: 'overlays.path',
        fix: 'Give the YAML path to set, e.g. image.digest.',
      });
    }
    const value =
      overlay.value === 'digest' ? pin.digest : overlay.value === 'version' ? pin.version : pin.reference;
    if (!value) {
      throw inputError(`${overlay.component} has no ${overlay.value} to write to ${file}.`, {
        field: 'overlays.value',
        fix: 'Use value: version for packages, digest or reference for images and charts.',
      });
    }
    document.setIn(overlay.path.split('.'), value);
  }
  return document.toString();
}
