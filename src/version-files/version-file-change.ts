/** What to change in one version file. Each updater reads the fields that concern its format. */
export interface VersionFileChange {
  /** The component's new version. */
  version?: string;
  /** Internal dependencies' new versions, by name (a Go module by its module path): their declared ranges follow. */
  dependencies?: Record<string, string>;
  /** Chart.yaml `appVersion`, when the chart tracks an image component. */
  appVersion?: string;
  /** For structured-path files: the dotted path of the value (`image.tag`, `spec.versions[0]`). */
  path?: string;
  /** go.mod: the module path to declare (a major version 2+ adds `/vN`). */
  modulePath?: string;
  /** package-lock.json: each workspace folder's new version ('' is the root). */
  workspaceVersions?: Record<string, string>;
  /** package-lock.json: each workspace folder's internal dependencies' new versions. */
  workspaceDependencies?: Record<string, Record<string, string>>;
}

/** A pure edit of a version file's text: same content in, same content out; only the values change. */
export type VersionFileUpdater = (content: string, change: VersionFileChange, file: string) => string;
