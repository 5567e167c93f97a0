import type { VersionFileSpec } from '../version-files/read-version-file.js';
import type { ComponentType, DependencyKind, PublishConfig } from './relx-config.js';

export type VersioningScheme = { kind: 'semver' } | { kind: 'calver'; format: string };

export interface DependencyEdge {
  /** The component depended upon. */
  name: string;
  kind: DependencyKind;
  /** The declared range (`^1.2.0`, `workspace:*`), for package dependencies. */
  range?: string;
}

/** A releasable unit: what relx versions, tags and publishes. Plain data. */
export interface Component {
  name: string;
  type: ComponentType;
  /** Folders, relative to the repository root, POSIX separators, no trailing slash; '' is the root. */
  paths: string[];
  /** The version in its own version file (package.json, Chart.yaml) or config; null when it has none. */
  version: string | null;
  /** The file that holds the version, relative to the root, when there is one. */
  versionFile: string | null;
  /**
   * Every file relx bumps with the component, each with its updater; absent: `versionFile` with
   * the updater its name implies.
   */
  versionFiles?: VersionFileSpec[];
  /** release-assets: globs of the files CI built, attached to its GitHub Release. */
  assets?: string[];
  /** go-module: its module path (go.mod `module`), and what a major version 2+ does to it. */
  goModule?: { modulePath: string; majorVersionPath: 'refuse' | 'rewrite' };
  scheme: VersioningScheme;
  /** Tag template with {name}, {unscopedName}, {dir} and {version}. */
  tagFormat: string;
  /** 'default' when no tagFormat was configured: the plan infers the convention from existing tags. Absent: configured. */
  tagFormatSource?: 'configured' | 'default';
  /** SemVer build metadata template (`sha.{shortSha}`) for new versions; absent for none. */
  buildMetadata?: string;
  /** Internal edges only: components of this repository. */
  dependsOn: DependencyEdge[];
  private: boolean;
  /** Why relx never releases it (a private package without a version), when it does not. */
  notReleased?: string;
  /** Where it is published (relx.config.yaml `publish:`), when configured. */
  publish?: PublishConfig;
}
