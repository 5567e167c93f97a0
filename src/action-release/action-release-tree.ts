/**
 * The tree users get when they write `uses: owner/relx/<action>@v1`: GitHub resolves
 * `<action>/action.yml` at the root of the tagged commit, so a release lays each
 * `actions/<action>/` out at `<action>/`, beside the `dist/` bundles it runs. TypeScript sources
 * stay behind: the bundles are what runs. Pure.
 */
export interface TreeEntry {
  mode: string;
  sha: string;
  path: string;
}

export interface ReleaseTreeEntry extends TreeEntry {
  /** action.yml files whose paths to dist/ must be rewritten for their new depth. */
  rewrite: boolean;
}

/** What a release carries besides the actions; everything else (src, tests, scripts) stays on main. */
const carried = [
  /^dist\//,
  /^schema\//,
  /^workflows-templates\//,
  /^(README|CHANGELOG|SECURITY)\.md$/,
  /^LICENSE(\..+)?$/,
  /^package\.json$/,
];

export function layoutActionRelease(entries: readonly TreeEntry[]): ReleaseTreeEntry[] {
  const laidOut: ReleaseTreeEntry[] = [];
  for (const entry of entries) {
    const action = /^actions\/(.+)$/.exec(entry.path);
    if (action) {
      const path = action[1] ?? '';
      if (/\.ts$/.test(path)) continue;
      laidOut.push({ ...entry, path, rewrite: /(^|\/)action\.ya?ml$/.test(path) });
    } else if (carried.some((pattern) => pattern.test(entry.path))) {
      laidOut.push({ ...entry, rewrite: false });
    }
  }
  return laidOut.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/**
 * `actions/x/action.yml` reaches the bundles as `../../dist/…`; at `x/action.yml` that is
 * `../dist/…`. One level per directory moved: `actions/x/y/action.yml` → `x/y/action.yml`.
 */
export function rewriteActionMetadata(text: string): string {
  return text.replace(/(^|[\s"'/=}])\.\.\/((?:\.\.\/)*)dist\//gm, (_, before: string, deeper: string) => {
    return `${before}${deeper}dist/`;
  });
}

/** `v1.4.2` and the major tag `v1` it moves; a pre-release moves no major tag. */
export function actionReleaseTags(version: string): { release: string; major: string | null } {
  const match = /^v?(\d+)\.(\d+)\.(\d+)(-[0-9A-Za-z.-]+)?$/.exec(version);
  if (!match) throw new Error(`not a SemVer version: ${version}`);
  const release = `v${match[1]}.${match[2]}.${match[3]}${match[4] ?? ''}`;
  return { release, major: match[4] ? null : `v${match[1]}` };
}
