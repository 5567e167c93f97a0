import { inputError } from '../relx-error.js';

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

/** A `uses:` of one of the released actions, rewritten to the commit that holds them. */
export interface PinnedUse {
  file: string;
  line: number;
  /** As written before, e.g. `relx-dev/relx/promote-env@v1`. */
  from: string;
  /** As released, e.g. `relx-dev/relx/promote-env@<40 hex> # v1.4.2`. */
  to: string;
}

export interface PinOptions {
  /** `owner/name` the actions are released as (`relx-dev/relx`). */
  repository: string;
  /** The action paths of the release (`promote-env`, `publish-artifact/dispatch`, …). */
  actions: ReadonlySet<string>;
  /** The full SHA of the commit whose tree holds the released actions. */
  commit: string;
  /** The release tag, for the version comment (`v1.4.2`). */
  tag: string;
}

/** The files whose `uses:` a release pins: the templates, and composite actions using siblings. */
export const pinsUses = (path: string) =>
  /^workflows-templates\/[^/]+\.ya?ml$/.test(path) || /(^|\/)action\.ya?ml$/.test(path);

const usesLine = /^(\s*(?:-\s+)?uses:\s*)(['"]?)([\w.-]+)\/([\w.-]+)\/([\w./-]+)@([\w.-]+)\2(\s*#.*)?\s*$/;

/**
 * Rewrites every `uses: <repository>/<action>@<ref>` in `text` to the full SHA of the commit
 * holding the released actions, with the release tag as the version comment — what an adopter's
 * pinning audit asks of every third-party action, and relx is a third party to them. A reference
 * to this repository's name under another owner, or to an action the release does not carry,
 * would leave a copy that cannot be pinned or does not resolve: both stop the release.
 */
export function pinActionUses(
  file: string,
  text: string,
  options: PinOptions,
): { text: string; pinned: PinnedUse[] } {
  const [owner = '', name = ''] = options.repository.split('/');
  const pinned: PinnedUse[] = [];
  const lines = text.split('\n').map((line, index) => {
    const match = usesLine.exec(line);
    if (!match) return line;
    const [, prefix = '', , usesOwner = '', usesName = '', path = '', ref = ''] = match;
    if (usesName !== name) return line;
    const from = `${usesOwner}/${usesName}/${path}@${ref}`;
    if (usesOwner !== owner) {
      throw inputError(
        `${file}:${index + 1} uses ${from}, but the actions are released as ${options.repository}.`,
        {
          file,
          field: 'uses',
          fix: `Write \`uses: ${options.repository}/${path}@${ref}\` (or release with --repository ${usesOwner}/${usesName}).`,
        },
      );
    }
    if (!options.actions.has(path)) {
      throw inputError(`${file}:${index + 1} uses ${from}, but the release has no ${path}/action.yml.`, {
        file,
        field: 'uses',
        fix: `Name one of the released actions: ${[...options.actions].sort().join(', ')}.`,
      });
    }
    const to = `${options.repository}/${path}@${options.commit} # ${options.tag}`;
    pinned.push({ file, line: index + 1, from, to });
    return `${prefix}${to}`;
  });
  return { text: pinCheckoutRefs(file, lines, options, pinned).join('\n'), pinned };
}

const repositoryLine = /^(\s*)repository:\s*(['"]?)([\w.-]+\/[\w.-]+)\2\s*(#.*)?$/;
const refLine = /^(\s*)ref:\s*(['"]?)([\w./-]+)\2\s*(#.*)?$/;

/**
 * A template that checks relx itself out (`repository: relx-dev/relx` with `ref: v1`, to run the
 * CLI from the release) would run whatever the tag points at later: its `ref:` in the same `with:`
 * block is pinned to the release commit like a `uses:`.
 */
function pinCheckoutRefs(file: string, lines: string[], options: PinOptions, pinned: PinnedUse[]): string[] {
  const out = [...lines];
  out.forEach((line, index) => {
    const repository = repositoryLine.exec(line);
    if (!repository || repository[3] !== options.repository) return;
    const indent = repository[1] ?? '';
    for (let i = index + 1; i < out.length; i++) {
      const next = out[i] ?? '';
      if (next.trim() === '' || !next.startsWith(indent) || /^\s*-/.test(next.slice(indent.length))) break;
      if (next.length - next.trimStart().length !== indent.length) continue;
      const ref = refLine.exec(next);
      if (!ref) continue;
      const to = `${options.commit} # ${options.tag}`;
      pinned.push({
        file,
        line: i + 1,
        from: `${options.repository}@${ref[3] ?? ''}`,
        to: `${options.repository}@${to}`,
      });
      out[i] = `${indent}ref: ${to}`;
      break;
    }
  });
  return out;
}
