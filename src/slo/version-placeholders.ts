import type { ReleaseManifest } from '../manifest/release-manifest.js';
import { manifestVersions } from '../manifest/release-manifest.js';
import { inputError } from '../relx-error.js';
import type { LabelMatcher } from './label-matchers.js';
import type { SloPolicy } from './slo-policy.js';

/**
 * `{canaryVersion}` and `{stableVersion}` in a selector's values name the versions the GitOps
 * repository says run in the environment. They are filled in as data, inside an already parsed
 * matcher value (escaped again when the query is rendered; regex-escaped for `=~`/`!~`), and
 * only after the version has been checked to be a Kubernetes label value — the only thing the
 * `app.kubernetes.io/version` label relx writes can hold. A version cannot change a query's shape.
 */
export const versionPlaceholders = ['canaryVersion', 'stableVersion'] as const;
export type VersionPlaceholder = (typeof versionPlaceholders)[number];

const placeholderPattern = /\{([A-Za-z][A-Za-z0-9]*)\}/g;
/** A Kubernetes label value: at most 63 characters, alphanumerics at both ends, `-_.` inside. */
export const labelValuePattern = /^[A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?$/;

const selectorFields = ['selector', 'baseline', 'canary'] as const;

/** The placeholders a policy's selectors use. */
export function policyPlaceholders(policy: SloPolicy): Set<VersionPlaceholder> {
  const used = new Set<VersionPlaceholder>();
  for (const field of selectorFields)
    for (const m of policy[field])
      for (const [, name] of m.value.matchAll(placeholderPattern))
        if ((versionPlaceholders as readonly string[]).includes(name ?? ''))
          used.add(name as VersionPlaceholder);
  return used;
}

/** Refuses a misspelt placeholder (`{canaryversion}` would match nothing, silently) and one in a custom query. */
export function checkVersionPlaceholders(policy: SloPolicy, source: string): void {
  for (const field of selectorFields) {
    for (const m of policy[field]) {
      for (const [text, name] of m.value.matchAll(placeholderPattern)) {
        if ((versionPlaceholders as readonly string[]).includes(name ?? '')) continue;
        throw inputError(
          `${field}: ${text} in ${m.name}${m.op}"${m.value}" is not a placeholder relx knows.`,
          {
            file: source,
            field,
            fix: 'Use {canaryVersion} or {stableVersion} (spelt exactly so).',
          },
        );
      }
    }
  }
  for (const [name, query] of Object.entries(policy.queries ?? {})) {
    const found = versionPlaceholders.find((p) => query?.includes(`{${p}}`));
    if (found) {
      throw inputError(`queries.${name} uses {${found}}, which is filled in only in selectors.`, {
        file: source,
        field: `queries.${name}`,
        fix: `Put version="{${found}}" in canary or baseline; the custom query gets it through {selector}.`,
      });
    }
  }
}

/** What the gate compares: the environment's two releases and the component whose versions it names. */
export interface GateTarget {
  environment: string;
  component: string;
  canaryRelease: string | null;
  canaryVersion: string | null;
  stableRelease: string | null;
  stableVersion: string | null;
}

/** The manifests the environment runs, as the GitOps repository records them. */
export interface EnvironmentReleases {
  stable: ReleaseManifest | null;
  canary: { release: string; manifest: ReleaseManifest } | null;
}

/**
 * The component the placeholders name: the policy's `component`, else the manifests' only image.
 * Pure; an ambiguous or unknown component is an error naming `component`.
 */
export function gateComponent(policy: SloPolicy, releases: EnvironmentReleases, source: string): string {
  const manifest = releases.canary?.manifest ?? releases.stable;
  const images = manifest?.components.images.map((i) => i.name) ?? [];
  if (policy.component) return policy.component;
  if (images.length === 1) return images[0] as string;
  throw inputError(
    images.length === 0
      ? 'The SLO policy names {canaryVersion}/{stableVersion} but the release has no image to take them from.'
      : `The SLO policy names {canaryVersion}/{stableVersion} but the release has ${images.length} images (${images.join(', ')}): whose version?`,
    { file: source, field: 'component', fix: 'Set component: <name> in the policy, e.g. component: api.' },
  );
}

/** The target's versions, checked: each one used must exist and be a label value. Pure. */
export function resolveGateTarget(
  policy: SloPolicy,
  releases: EnvironmentReleases,
  environment: string,
  source: string,
): GateTarget {
  const used = policyPlaceholders(policy);
  const component = gateComponent(policy, releases, source);
  const versionIn = (manifest: ReleaseManifest | null, side: 'canary' | 'stable') => {
    if (!manifest) return null;
    const version = manifestVersions(manifest).get(component);
    if (version === undefined && used.has(`${side}Version`)) {
      throw inputError(
        `The ${side} release ${manifest.metadata.name} in ${environment} has no component ${component}.`,
        {
          file: source,
          field: 'component',
          fix: `Name a component of the release (${[...manifestVersions(manifest).keys()].join(', ')}).`,
        },
      );
    }
    return version ?? null;
  };
  const target: GateTarget = {
    environment,
    component,
    canaryRelease: releases.canary?.release ?? null,
    canaryVersion: versionIn(releases.canary?.manifest ?? null, 'canary'),
    stableRelease: releases.stable?.metadata.name ?? null,
    stableVersion: versionIn(releases.stable, 'stable'),
  };
  for (const placeholder of used) {
    const side = placeholder === 'canaryVersion' ? 'canary' : 'stable';
    const version = target[placeholder];
    if (version === null) {
      throw inputError(
        side === 'canary'
          ? `The SLO policy compares {canaryVersion}, but no canary is in progress in ${environment}.`
          : `The SLO policy compares {stableVersion}, but ${environment} has no stable release yet.`,
        {
          field: side === 'canary' ? 'canary' : 'baseline',
          fix:
            side === 'canary'
              ? `Start one first (relx promote --env ${environment} --manifest … --canary 5), or gate without {canaryVersion}.`
              : `Promote a release to ${environment} first.`,
        },
      );
    }
    if (!labelValuePattern.test(version)) {
      throw inputError(
        `The ${side} version of ${component} (${JSON.stringify(version)}) cannot be an app.kubernetes.io/version label value, so no series can carry it.`,
        {
          field: 'component',
          fix: 'Version images with tags of at most 63 letters, digits, . _ - (starting and ending with a letter or digit).',
        },
      );
    }
  }
  return target;
}

const regexSpecial = /[.*+?^${}()|[\]\\]/g;

/** The policy with the placeholders filled in. A version in a regex matcher matches itself only. Pure. */
export function fillVersionPlaceholders(policy: SloPolicy, target: GateTarget): SloPolicy {
  const fill = (m: LabelMatcher): LabelMatcher => ({
    ...m,
    value: m.value.replace(placeholderPattern, (text, name: string) => {
      const version = (versionPlaceholders as readonly string[]).includes(name)
        ? target[name as VersionPlaceholder]
        : null;
      if (version === null) return text;
      return m.op === '=~' || m.op === '!~' ? version.replace(regexSpecial, '\\$&') : version;
    }),
  });
  return {
    ...policy,
    selector: policy.selector.map(fill),
    baseline: policy.baseline.map(fill),
    canary: policy.canary.map(fill),
  };
}
