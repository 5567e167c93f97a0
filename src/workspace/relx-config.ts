import { posix } from 'node:path';
import { z } from 'zod';

/**
 * `relx.config.yaml` at the repository root. Every field is optional: with no file at all, relx
 * discovers npm/pnpm/yarn workspaces and applies the defaults below. Unknown keys are errors, so
 * a typo never silently changes a release. The JSON Schema in schema/ is generated from this
 * (relx-config-schema.test.ts); editors pick it up from the file's first line:
 *   # yaml-language-server: $schema=https://relx.dev/schema/relx.config.schema.json
 * or from a `$schema:` key, which is why the schema allows one.
 */

export const componentTypes = [
  'npm-package',
  'container-image',
  'helm-chart',
  'terraform-module',
  'go-module',
  'cargo-crate',
  'python-package',
  'release-assets',
  'files',
] as const;
export const bumpLevels = ['major', 'minor', 'patch', 'none'] as const;
export const dependencyKinds = [
  'dependencies',
  'devDependencies',
  'peerDependencies',
  'optionalDependencies',
  'dependsOn',
] as const;

/** Component names reach tags, file names, registries and CI logs: letters, digits, @ / . _ - only. */
export const componentNamePattern = /^[A-Za-z0-9@][A-Za-z0-9@/._-]*$/;
const name = z
  .string()
  .regex(
    componentNamePattern,
    'a component name of letters, digits, @, /, ., _ and - (no spaces or shell characters)',
  );
/** A path from the config stays inside the repository: relx reads, versions and publishes what is there. Use `repositoryPath` for every path setting. */
export function isInsideRepository(path: string): boolean {
  const normalized = posix.normalize(path.replaceAll('\\', '/'));
  return (
    !/[\0\r\n]/.test(path) &&
    !posix.isAbsolute(normalized) &&
    !/^[A-Za-z]:/.test(normalized) &&
    normalized !== '..' &&
    !normalized.startsWith('../')
  );
}
export const repositoryPath = z
  .string()
  .min(1)
  .refine(isInsideRepository, {
    message: 'must stay inside the repository (a relative path without `..` leaving it)',
    params: {
      fix: 'Use a folder relative to the repository root, inside it, e.g. services/api; relx never reads, versions or publishes outside the repository.',
    },
  });

/**
 * An OCI repository name as the distribution spec defines it: a registry host (optional port),
 * then lower-case path components separated by `/`, each of [a-z0-9] joined by `.`, `_`, `__`
 * or dashes. Nothing else: names reach registry URLs, manifests and logs.
 */
const ociHost =
  '[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*(?::[0-9]+)?';
const ociPathComponent = '[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*';
export const ociRepositoryPattern = new RegExp(`^${ociHost}(?:/${ociPathComponent})+$`);

const calverFormat = z
  .string()
  .regex(
    /^(YYYY|YY|0Y)\.(MM|0M)(\.(DD|0D))?\.(PATCH|MICRO)$/,
    'a CalVer format such as YYYY.MM.PATCH or YYYY.0M.MICRO',
  )
  .describe(
    'CalVer format: YYYY|YY|0Y, MM|0M, optional DD|0D, then PATCH|MICRO (a counter reset each period).',
  );
const tagFormat = z
  .string()
  .refine((f) => f.includes('{version}'), 'must contain {version}')
  .describe(
    'Tag template: {name} the component name, {unscopedName} the name without its npm scope (@acme/core → core), {dir} the last segment of its folder (packages/core-lib → core-lib), and {version}; e.g. "{name}@{version}", "{unscopedName}-v{version}", "v{version}". Unset: each component follows the convention its existing tags use, "{name}@{version}" when it has none.',
  );
export const defaultTagFormat = '{name}@{version}';
const bootstrapCommit = z
  .string()
  .regex(/^[0-9a-fA-F]{7,40}$/, 'a commit sha')
  .describe(
    'For a component with no tag for its current version: the commit its history starts after (that commit excluded), instead of the commit that last set the version in its version file.',
  );
const versioning = z.enum(['semver', 'calver']).describe('Versioning scheme.');
export const buildMetadata = z
  .string()
  .refine(
    (t) => /^[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*$/.test(t.replaceAll('{shortSha}', 'a').replaceAll('{sha}', 'a')),
    'dot-separated identifiers of letters, digits and -, with {sha} or {shortSha}, e.g. "sha.{shortSha}"',
  )
  .describe(
    'SemVer build metadata appended to each new version, e.g. "sha.{shortSha}" gives 1.4.0+sha.abc1234. {sha} is the released commit in full, {shortSha} its first 7 characters.',
  );

export const releaseRuleSchema = z
  .object({
    type: z.string().min(1).describe('Conventional Commit type, e.g. feat, fix, build.'),
    scope: z
      .string()
      .min(1)
      .optional()
      .describe('Only commits with this scope; a rule with a scope wins over one without.'),
    bump: z.enum(bumpLevels).describe('The bump this commit asks for.'),
  })
  .strict();

export const publishConfigSchema = z
  .object({
    registry: z
      .string()
      .regex(/^https?:\/\/\S+$/, 'an http(s) URL')
      .optional()
      .describe(
        "npm packages: the registry (default: the publish step's npm-registry input, else registry.npmjs.org).",
      ),
    access: z.enum(['public', 'restricted']).default('public').describe('npm packages: who may install it.'),
    source: z
      .string()
      .regex(
        /^[\w.:/@{}-]+$/,
        'an image reference or oci-layout:<dir>[:tag], with {sha}, {shortSha} or {version}',
      )
      .refine((s) => !s.startsWith('oci-layout:') || isInsideRepository(s.slice(11).split(':')[0] ?? ''), {
        message: 'the oci-layout folder must stay inside the repository',
        params: { fix: 'Use oci-layout:<dir> with a folder relative to the repository root, inside it.' },
      })
      .optional()
      .describe(
        'Images: what CI built, e.g. ghcr.io/acme/ci/api:sha-{shortSha} or oci-layout:services/api/oci:{version}. Promoted by digest, never rebuilt.',
      ),
    repository: z
      .string()
      .max(255)
      .regex(
        ociRepositoryPattern,
        'an OCI repository name: registry/namespace[/name], lower case, e.g. ghcr.io/acme/api',
      )
      .optional()
      .describe(
        'Images, charts, modules: where the release goes. A chart is pushed to <repository>/<chart name>.',
      ),
  })
  .strict()
  .describe('Where and how the component is published.');
export type PublishConfig = z.infer<typeof publishConfigSchema>;

export const channelSchema = z
  .object({
    branch: z.string().min(1).describe('Branch name; `*` matches any characters, e.g. "release/*".'),
    prerelease: z
      .string()
      .regex(/^[0-9A-Za-z-]+$/, 'a SemVer pre-release identifier such as rc, beta, next')
      .optional()
      .describe('Pre-release identifier for this branch (1.3.0-rc.0); absent means stable releases.'),
  })
  .strict();

/** An npm dist-tag: npm refuses a tag that reads as a SemVer range (1.x), so a letter comes first. */
export const distTagPattern = /^[A-Za-z][A-Za-z0-9._-]*$/;

export const maintenanceLineSchema = z
  .object({
    branch: z
      .string()
      .min(1)
      .describe('Branch name; `*` matches any characters, e.g. "release/*" or "release/1.x".'),
    range: z
      .string()
      .min(1)
      .optional()
      .describe(
        'The SemVer range the branch may release in, e.g. ">=1.0.0 <2.0.0". Default: from the last segment of the branch name — 1.x or v1 → >=1.0.0 <2.0.0 (fixes and features), 1.4.x or v1.4 → >=1.4.0 <1.5.0 (fixes only).',
      ),
    distTag: z
      .string()
      .regex(distTagPattern, 'an npm dist-tag starting with a letter, e.g. release-1.x (npm refuses 1.x)')
      .optional()
      .describe(
        "npm dist-tag of its releases. Default: latest when the version is the highest of all the component's tags, else release-<segment> (release/1.x → release-1.x). `latest` is refused for a version below another tag.",
      ),
  })
  .strict()
  .describe(
    'A maintenance line: the current version is the highest tag within the range reachable from the branch (so 1.4.2 → 1.4.3 while v2.0.0 exists on main); a change that would leave the range, and any breaking change, is refused.',
  );
export type MaintenanceLineConfig = z.infer<typeof maintenanceLineSchema>;

export const releaseTrainSchema = z
  .object({
    name: name.describe('Train name, as `relx train cut --train <name>` names it, e.g. sdk.'),
    components: z
      .array(name)
      .min(1)
      .describe('The components the train carries; they release only by the train.'),
    from: z
      .string()
      .min(1)
      .default('main')
      .describe("The default branch trains are cut from; the train's components do not release there."),
    branch: z
      .string()
      .refine((b) => b.includes('{major}') && b.includes('{minor}'), 'must contain {major} and {minor}')
      .default('release/v{major}.{minor}')
      .describe('The train branch, with {major} and {minor} of the train version.'),
  })
  .strict()
  .describe(
    'A release train: `relx train cut` branches release/vX.Y from the default branch, `relx train finish` releases X.Y.0 on it (then the next patch); fixes merged to the train branch release as X.Y.Z.',
  );
export type ReleaseTrainConfig = z.infer<typeof releaseTrainSchema>;

/** Updater names, as in src/version-files/version-file-updaters.ts (checked when the workspace loads, listing them). */
export const versionFileSchema = z
  .object({
    file: repositoryPath.describe(
      'The file, relative to the repository root, e.g. services/api/pyproject.toml.',
    ),
    updater: z
      .string()
      .min(1)
      .optional()
      .describe(
        'How its version is written: package-json, chart-yaml, pyproject-toml, cargo-toml, go-mod, marker-line (the line marked `x-relx-version`), json-path or yaml-path (with `path`). Default: from the file name (package.json, Chart.yaml, pyproject.toml, Cargo.toml, go.mod), else marker-line.',
      ),
    path: z
      .string()
      .min(1)
      .optional()
      .describe('json-path and yaml-path: where the version is, e.g. `image.tag` or `spec.versions[0]`.'),
  })
  .strict()
  .describe('A file whose version relx bumps with the component.');
export type VersionFileConfig = z.infer<typeof versionFileSchema>;

export const componentConfigSchema = z
  .object({
    name: name.describe('Component name; for an npm workspace package, its package name.'),
    type: z
      .enum(componentTypes)
      .optional()
      .describe('Defaults to npm-package when the path holds a package.json.'),
    path: repositoryPath.optional().describe('Folder of the component, relative to the repository root.'),
    paths: z
      .array(repositoryPath)
      .min(1)
      .optional()
      .describe('Several folders; commits touching any of them count.'),
    version: z
      .string()
      .min(1)
      .optional()
      .describe('Initial version when the component has no tag and no version file.'),
    versioning: versioning.optional(),
    calverFormat: calverFormat.optional(),
    buildMetadata: buildMetadata.optional(),
    tagFormat: tagFormat.optional(),
    bootstrapCommit: bootstrapCommit.optional(),
    dependsOn: z
      .array(name)
      .optional()
      .describe('Components this one bundles or requires, e.g. a service image and its libraries.'),
    versionFiles: z
      .array(versionFileSchema)
      .min(1)
      .optional()
      .describe(
        "Files that hold the component's version, bumped with it; the first is where its version is read. Default: its type's own (package.json, Chart.yaml, pyproject.toml, Cargo.toml, go.mod). A listed file that is missing, or has no version where its updater looks, is an error before anything is written.",
      ),
    assets: z
      .array(
        z.string().min(1).refine(isInsideRepository, {
          message: 'must stay inside the repository (a relative glob without `..`)',
        }),
      )
      .min(1)
      .optional()
      .describe(
        'release-assets: the files CI built to attach to the GitHub Release, as globs relative to the repository root (`dist/orion-*`); uploaded with a checksums.txt.',
      ),
    majorVersionPath: z
      .enum(['refuse', 'rewrite'])
      .optional()
      .describe(
        'go-module: a major version 2 or more needs `/vN` at the end of the module path. refuse (default): the release stops and says so; rewrite: relx rewrites the module path in go.mod and the imports of the module inside the repository.',
      ),
    publish: publishConfigSchema.optional(),
  })
  .strict();

const releasePullRequestSchema = z
  .object({
    enabled: z
      .boolean()
      .default(true)
      .describe(
        'Release through a pull request: a push to the default branch opens or updates it, merging it releases. The action input `mode` overrides this.',
      ),
    branch: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._/-]*$/, 'a branch name of letters, digits, . _ / and -')
      .default('relx/release')
      .describe(
        "The pull request's branch (a group's is `<branch>--<group>`); relx rebuilds it on every push.",
      ),
    groups: z
      .array(z.object({ name: name, components: z.array(name).min(1) }).strict())
      .default([])
      .describe(
        'One release pull request per group of components; components in no group share the default one.',
      ),
    verifiedCommits: z
      .boolean()
      .default(true)
      .describe(
        "Make the release commit and tags through GitHub's git data API, so GitHub signs them; nothing is pushed with git.",
      ),
    environments: z
      .array(z.string().min(1))
      .default([])
      .describe('The environments a release goes to, in order, as the pull request body shows them.'),
  })
  .strict()
  .describe('Reviewed releases: a release pull request holds the version files and changelogs until merged.');

export const relxConfigSchema = z
  .object({
    $schema: z.string().optional(),
    discoverWorkspaces: z
      .boolean()
      .default(true)
      .describe(
        'Discover npm, pnpm, yarn and lerna workspace packages as npm-package components, with the release settings of lerna.json and nx.json (fixed versioning becomes a lockstep group).',
      ),
    exclude: z
      .array(z.string().min(1))
      .default([])
      .describe(
        'Folders discovery leaves out (globs: `*` in one folder name, `**` across folders), e.g. test fixtures, playgrounds and examples: ["playground/**", "**/__tests__/**"]. A folder is left out with everything below it.',
      ),
    tagFormat: tagFormat.optional(),
    bootstrapCommit: bootstrapCommit.optional(),
    versioning: versioning.default('semver'),
    calverFormat: calverFormat.default('YYYY.MM.PATCH'),
    buildMetadata: buildMetadata.optional(),
    preMajorBreaking: z
      .enum(['major', 'minor'])
      .default('major')
      .describe('The bump a breaking change gives a component below 1.0.0.'),
    rules: z
      .array(releaseRuleSchema)
      .default([])
      .describe('Release rules, applied before the defaults (feat → minor, fix/perf → patch).'),
    channels: z
      .array(channelSchema)
      .default([])
      .describe('Pre-release channels by branch; unlisted branches release stable versions.'),
    maintenance: z
      .array(maintenanceLineSchema)
      .default([])
      .describe(
        'Maintenance lines by branch: the range each may release in and its npm dist-tag. The first matching line wins.',
      ),
    trains: z
      .array(releaseTrainSchema)
      .default([])
      .describe('Release trains: components shipped by a cut and a finish.'),
    propagation: z
      .object({
        bump: z
          .enum(['none', 'patch', 'same'])
          .default('patch')
          .describe(
            'What a dependent gets when a dependency is bumped: nothing, at least a patch, or the same bump.',
          ),
        through: z
          .array(z.enum(dependencyKinds))
          .default(['dependencies', 'peerDependencies', 'optionalDependencies', 'dependsOn'])
          .describe(
            'Which dependency kinds carry a bump to dependents (devDependencies do not ship, so not by default).',
          ),
      })
      .strict()
      .default({
        bump: 'patch',
        through: ['dependencies', 'peerDependencies', 'optionalDependencies', 'dependsOn'],
      }),
    lockstep: z
      .array(
        z
          .object({ name: name, components: z.array(name).min(2) })
          .strict()
          .describe('Members share one version: any bump bumps them all.'),
      )
      .default([]),
    components: z
      .array(componentConfigSchema)
      .default([])
      .describe('Components to declare, or discovered ones to refine.'),
    commits: z
      .object({
        nested: z
          .enum(['off', 'release-please'])
          .default('off')
          .describe(
            "Several changes in one commit. off: a commit is its header and its footers, as semantic-release, conventional-recommended-bump and Nx read it; a body's bulleted list of squashed commits (`* feat: …`) or quoted release notes never counts. release-please: also release-please's documented forms, for repositories that release with it: each paragraph after a blank line that starts with an unbulleted Conventional Commit header of a known type, and each BEGIN_NESTED_COMMIT … END_NESTED_COMMIT block, is a change of its own. Either way a BEGIN_COMMIT_OVERRIDE … END_COMMIT_OVERRIDE block replaces the commit's message and a `Release-As: X.Y.Z` (or `Release-As: <component>@X.Y.Z`) footer sets the next version.",
          ),
      })
      .strict()
      .default({ nested: 'off' })
      .describe('How commit messages are read.'),
    releasePullRequest: releasePullRequestSchema.optional(),
  })
  .strict();

export type RelxConfig = z.infer<typeof relxConfigSchema>;
export type ComponentConfig = z.infer<typeof componentConfigSchema>;
export type ReleaseRule = z.infer<typeof releaseRuleSchema>;
export type Channel = z.infer<typeof channelSchema>;
export type ComponentType = (typeof componentTypes)[number];
export type BumpLevel = (typeof bumpLevels)[number];
export type DependencyKind = (typeof dependencyKinds)[number];
