import semver from 'semver';
import { inputError } from '../relx-error.js';
import {
  goModuleSumPattern,
  manifestVersions,
  type CompatibilityRow,
  type ReleaseManifest,
} from './release-manifest.js';

/** One floating or missing pin: which component, which field, what is wrong. */
export interface ManifestViolation {
  component: string;
  /** `components.images[api].digest` — the category, the component and the field. */
  field: string;
  message: string;
}

const sha256Digest = /^sha256:[a-f0-9]{64}$/;
const sha512Integrity = /^sha512-[A-Za-z0-9+/]{86}==$/;

/** Why a version is not an exact SemVer version, or null when it is one. */
function floatingVersion(version: string): string | null {
  if (version === 'latest') return 'is `latest`, which floats';
  if (semver.valid(version) === version) return null;
  if (semver.validRange(version) !== null) return `is the range "${version}", not an exact version`;
  return `"${version}" is not an exact SemVer version`;
}

/** Every pin that floats or is missing, in category and name order. Empty means every component is pinned. */
export function findManifestViolations(manifest: ReleaseManifest): ManifestViolation[] {
  const violations: ManifestViolation[] = [];
  const add = (category: string, component: string, name: string, message: string) =>
    violations.push({ component, field: `components.${category}[${component}].${name}`, message });
  const seen = new Map<string, string>();
  const claim = (category: string, component: string) => {
    const first = seen.get(component);
    if (first) add(category, component, 'name', `is also listed under ${first}; a component is pinned once`);
    else seen.set(component, category);
  };

  for (const p of manifest.components.packages) {
    claim('packages', p.name);
    const floating = floatingVersion(p.version);
    if (floating) add('packages', p.name, 'version', `version ${floating}`);
    if (p.integrity === undefined) add('packages', p.name, 'integrity', 'has no integrity (sha512-…)');
    else if (!sha512Integrity.test(p.integrity)) {
      add('packages', p.name, 'integrity', `integrity "${p.integrity}" is not a sha512-… SRI hash`);
    }
  }
  for (const i of manifest.components.images) {
    claim('images', i.name);
    if (i.tag === 'latest')
      add('images', i.name, 'tag', 'tag is `latest`, which floats; tag the image with its version');
    if (i.repository.includes('@') || /:[^/]*$/.test(i.repository)) {
      add(
        'images',
        i.name,
        'repository',
        `repository "${i.repository}" carries a tag or digest; give them in tag and digest`,
      );
    }
    if (i.digest === undefined)
      add('images', i.name, 'digest', `tag ${i.tag} has no digest; pin the image by sha256 digest`);
    else if (!sha256Digest.test(i.digest))
      add('images', i.name, 'digest', `digest "${i.digest}" is not sha256:<64 hex>`);
  }
  for (const i of manifest.components.infrastructure) {
    claim('infrastructure', i.name);
    const floating = floatingVersion(i.version);
    if (floating) add('infrastructure', i.name, 'version', `version ${floating}`);
    if (/[:@]latest$/.test(i.reference))
      add('infrastructure', i.name, 'reference', 'reference points at `latest`, which floats');
    if (i.digest === undefined)
      add('infrastructure', i.name, 'digest', `${i.kind} has no digest; pin it by sha256 digest`);
    else if (!sha256Digest.test(i.digest)) {
      add('infrastructure', i.name, 'digest', `digest "${i.digest}" is not sha256:<64 hex>`);
    }
  }
  for (const m of manifest.components.modules ?? []) {
    claim('modules', m.name);
    const floating = floatingVersion(m.version.replace(/^v/, ''));
    if (floating || !m.version.startsWith('v'))
      add('modules', m.name, 'version', `version "${m.version}" is not an exact Go module version (v1.2.3)`);
    if (!/^[0-9a-f]{40}$/.test(m.commit))
      add('modules', m.name, 'commit', 'has no commit; pin the module at the commit its tag points at');
    if (!goModuleSumPattern.test(m.sum))
      add(
        'modules',
        m.name,
        'sum',
        `sum "${m.sum}" is not an h1: checksum; pin the module by the h1: go.sum records`,
      );
  }
  for (const a of manifest.components.assets ?? []) {
    claim('assets', a.name);
    const floating = floatingVersion(a.version);
    if (floating) add('assets', a.name, 'version', `version ${floating}`);
    if (!sha256Digest.test(a.checksums))
      add('assets', a.name, 'checksums', 'has no sha256 digest of its checksums.txt');
    for (const f of a.files) {
      if (!sha256Digest.test(f.digest))
        add('assets', a.name, `files[${f.name}].digest`, `digest "${f.digest}" is not sha256:<64 hex>`);
    }
  }
  return violations;
}

/** How one compatibility row fares: the components whose version is outside its range (or absent). */
export interface CompatibilityRowCheck {
  row: CompatibilityRow;
  offending: Array<{ component: string; range: string; version: string | null }>;
}

export interface CompatibilityCheck {
  /** Index of the first satisfied row; null when rows were declared and none is satisfied. */
  satisfiedRow: number | null;
  rows: CompatibilityRowCheck[];
}

/** Checks the manifest's versions against its declared rows; with no rows there is nothing to satisfy. */
export function checkCompatibility(manifest: ReleaseManifest): CompatibilityCheck {
  const versions = manifestVersions(manifest);
  const rows = manifest.compatibility.map((row) => ({
    row,
    offending: Object.entries(row)
      .map(([component, range]) => ({ component, range, version: versions.get(component) ?? null }))
      .filter(({ version, range }) => version === null || !semver.satisfies(version, range)),
  }));
  if (rows.length === 0) return { satisfiedRow: 0, rows };
  const satisfied = rows.findIndex((r) => r.offending.length === 0);
  return { satisfiedRow: satisfied === -1 ? null : satisfied, rows };
}

function renderRow(row: CompatibilityRow): string {
  return `{${Object.entries(row)
    .map(([c, r]) => `${c}: ${r}`)
    .join(', ')}}`;
}

/** The rows and, for each, the versions that miss it. */
export function renderCompatibilityFailure(check: CompatibilityCheck): string {
  return check.rows
    .map(
      ({ row, offending }, index) =>
        `  row ${index + 1} ${renderRow(row)}: ${offending
          .map((o) =>
            o.version === null
              ? `${o.component} is not in the release`
              : `${o.component} ${o.version} is not in ${o.range}`,
          )
          .join('; ')}`,
    )
    .join('\n');
}

/**
 * Refuses a manifest that does not pin everything (each violation names the component and field)
 * or whose versions satisfy no declared compatibility row (each row with its offending versions).
 */
export function validateManifest(manifest: ReleaseManifest, file?: string): void {
  const invalidRange = manifest.compatibility.flatMap((row, index) =>
    Object.entries(row)
      .filter(([, range]) => semver.validRange(range) === null)
      .map(([component, range]) => ({ field: `compatibility[${index}].${component}`, range })),
  );
  const [badRange] = invalidRange;
  if (badRange) {
    throw inputError(`"${badRange.range}" is not a SemVer range.`, {
      ...(file ? { file } : {}),
      field: badRange.field,
      fix: 'Write a range such as 1.9.x, ^2.1.0 or ">=1.4.0 <2.0.0".',
    });
  }
  const violations = findManifestViolations(manifest);
  const [first] = violations;
  if (first) {
    const lines = violations.map((v) => `  ${v.component} (${v.field}): ${v.message}`);
    throw inputError(
      violations.length === 1
        ? `Component ${first.component} is not pinned: ${first.message}.`
        : `${violations.length} components are not pinned:\n${lines.join('\n')}`,
      {
        ...(file ? { file } : {}),
        field: first.field,
        fix: 'Pin every image by sha256 digest, every package at an exact version with its integrity, every infrastructure component at an exact version with its digest.',
      },
    );
  }
  const compatibility = checkCompatibility(manifest);
  if (compatibility.satisfiedRow === null) {
    throw inputError(
      `The release satisfies none of the ${compatibility.rows.length} compatibility rows:\n${renderCompatibilityFailure(compatibility)}`,
      {
        ...(file ? { file } : {}),
        field: 'compatibility',
        fix: 'Release versions that one row allows, or declare the new combination as a row.',
      },
    );
  }
}
