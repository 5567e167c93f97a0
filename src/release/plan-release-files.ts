import type { PlannedComponent, ReleasePlan } from '../release-plan/release-plan.js';
import { insertChangelogSection, renderChangelogSection } from '../changelog/render-changelog.js';
import type { Component } from '../workspace/component.js';
import { updaterNameForFile, versionFileUpdater } from '../version-files/version-file-updaters.js';
import type { VersionFileChange } from '../version-files/version-file-change.js';
import {
  checkedContent,
  componentVersionFiles,
  type VersionFileSpec,
} from '../version-files/read-version-file.js';
import { dependencyKey, planGoModuleFiles } from '../go/go-module-release-files.js';

export interface ReleaseFilesInput {
  plan: ReleasePlan;
  components: readonly Component[];
  readFile: (path: string) => Promise<string | null>;
  /** `YYYY-MM-DD` for the changelog headings. */
  date: string;
  repositoryUrl: string | null;
  /** Every file of the plan's commit (repository-relative): a Go module's v2+ rewrites its imports. */
  listFiles?: () => Promise<string[]>;
}

export interface ReleaseFiles {
  /** Repository-relative path → new content, only for files that change. */
  files: Map<string, string>;
  /** Each released component's changelog section (the body of its GitHub Release). */
  changelogs: Map<string, string>;
}

const join = (folder: string, file: string) => (folder ? `${folder}/${file}` : file);

/**
 * Everything the release commit will hold: each released component's version file, the ranges
 * its dependents declare, the workspace lockfile, charts that track a released image, and each
 * released component's changelog. Computed before anything is written, so a failure here writes
 * nothing; and from file contents only, so it is the same on a re-run.
 */
export async function planReleaseFiles(input: ReleaseFilesInput): Promise<ReleaseFiles> {
  const released = input.plan.components.filter(
    (c): c is PlannedComponent & { nextVersion: string } => c.release && c.nextVersion !== null,
  );
  const next = new Map(released.map((c) => [c.name, c.nextVersion]));
  const changes = versionFileChanges(input.components, next);
  const files = await updatedVersionFiles(input, changes);
  for (const [file, content] of await planGoModuleFiles(input, next, files)) files.set(file, content);
  await updateLockfile(input, changes, files);
  const changelogs = await writeChangelogs(input, released, files);
  return { files, changelogs };
}

/** What changes in each version file (with the updaters its components declare), and in the npm lockfile. */
interface VersionFileChanges {
  changes: Map<string, VersionFileChange>;
  /** Each file with the updaters (and paths) its components declare, in order. */
  specs: Map<string, VersionFileSpec[]>;
  lockVersions: Record<string, string>;
  lockDependencies: Record<string, Record<string, string>>;
}

function versionFileChanges(
  components: readonly Component[],
  next: ReadonlyMap<string, string>,
): VersionFileChanges {
  const planned: VersionFileChanges = {
    changes: new Map(),
    specs: new Map(),
    lockVersions: {},
    lockDependencies: {},
  };
  const change = (file: string, spec?: VersionFileSpec) => {
    let entry = planned.changes.get(file);
    if (!entry) planned.changes.set(file, (entry = {}));
    const list = planned.specs.get(file) ?? [];
    if (spec && !list.some((s) => s.updater === spec.updater && s.path === spec.path)) list.push(spec);
    planned.specs.set(file, list);
    return entry;
  };
  for (const component of components) {
    const version = next.get(component.name);
    const file = component.versionFile;
    const dependencies = Object.fromEntries(
      component.dependsOn
        .filter((e) => e.kind !== 'dependsOn' && next.has(e.name))
        .map((e) => [dependencyKey(components, e.name), next.get(e.name) as string]),
    );
    for (const spec of componentVersionFiles(component)) {
      if (version !== undefined) change(spec.file, spec).version = version;
      if (Object.keys(dependencies).length > 0) change(spec.file, spec).dependencies = dependencies;
    }
    if (component.type === 'npm-package') {
      const folder = component.paths[0] ?? '';
      if (version !== undefined) planned.lockVersions[folder] = version;
      if (Object.keys(dependencies).length > 0) planned.lockDependencies[folder] = dependencies;
    }
    // A chart that ships an image component tracks its version as appVersion.
    if (component.type === 'helm-chart' && file) {
      const image = component.dependsOn.find(
        (e) => components.find((c) => c.name === e.name)?.type === 'container-image' && next.has(e.name),
      );
      if (image) change(file).appVersion = next.get(image.name) as string;
    }
  }
  return planned;
}

/** Each version file's new content, only for files that change. */
async function updatedVersionFiles(
  input: ReleaseFilesInput,
  planned: VersionFileChanges,
): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const [file, fileChange] of planned.changes) {
    // A version file that is gone is refused here, before anything is written.
    const content = checkedContent(await input.readFile(file), file);
    let updated = content;
    const declared = planned.specs.get(file) ?? [];
    for (const spec of declared.length > 0 ? declared : [{ file, updater: updaterNameForFile(file) }]) {
      const withPath = spec.path ? { ...fileChange, path: spec.path } : fileChange;
      updated = versionFileUpdater(spec.updater)(updated, withPath, file);
    }
    if (updated !== content) files.set(file, updated);
  }
  return files;
}

/** The workspace lockfile's versions and ranges of the released npm packages, when there is one. */
async function updateLockfile(
  input: ReleaseFilesInput,
  { lockVersions, lockDependencies }: VersionFileChanges,
  files: Map<string, string>,
): Promise<void> {
  if (Object.keys(lockVersions).length === 0 && Object.keys(lockDependencies).length === 0) return;
  const lock = await input.readFile('package-lock.json');
  if (lock === null) return;
  const updated = versionFileUpdater('package-lock')(
    lock,
    { workspaceVersions: lockVersions, workspaceDependencies: lockDependencies },
    'package-lock.json',
  );
  if (updated !== lock) files.set('package-lock.json', updated);
}

/** Each released component's changelog section, also inserted into its CHANGELOG.md. */
async function writeChangelogs(
  input: ReleaseFilesInput,
  released: ReadonlyArray<PlannedComponent & { nextVersion: string }>,
  files: Map<string, string>,
): Promise<Map<string, string>> {
  const changelogs = new Map<string, string>();
  for (const component of released) {
    const section = await renderChangelogSection({
      version: component.nextVersion,
      previousTag: component.lastTag,
      currentTag: component.nextTag ?? component.nextVersion,
      date: input.date,
      repositoryUrl: input.repositoryUrl,
      commits: component.reasons.flatMap((r) => (r.kind === 'commit' ? [r] : [])),
      dependencies: component.reasons.flatMap((r) => (r.kind === 'dependency' ? [r] : [])),
      ...(component.train ? { train: component.train } : {}),
    });
    changelogs.set(component.name, section);
    const file = join(component.paths[0] ?? '', 'CHANGELOG.md');
    const existing = files.get(file) ?? (await input.readFile(file));
    const updated = insertChangelogSection(existing, section, component.nextVersion);
    if (updated !== existing) files.set(file, updated);
  }
  return changelogs;
}
