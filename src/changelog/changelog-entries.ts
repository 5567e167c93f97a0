import semver from 'semver';
import type { ChangelogEntry } from '../manifest/diff-manifests.js';

/** A release heading as conventional-changelog writes it: `# [1.3.0](…) (date)`, `## 1.2.1 (date)`. */
const releaseHeading = /^#{1,2} \[?([0-9][^\]\s()]*)\]?(?:\([^)]*\))?(?: \(|\s*$)/;

/** `[text](url)` → text; the trailing commit (`([abc1234](url))`, `(abc1234)`) and `**bold**` marks dropped. */
function plainText(markdown: string): string {
  return markdown
    .replace(/\s*\(\[[0-9a-f]{7,40}\]\([^)]*\)\)/g, '')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\*\*([^*]+)\*\*/g, '$1')
    .replace(/\s+/g, ' ')
    .replace(/\s*\(?\b[0-9a-f]{7,40}\)?$/, '')
    .trim();
}

/**
 * The entries of a CHANGELOG.md for the releases after `from`, up to and including `to`, newest
 * first, each as `<section>: <line>` ("Bug Fixes: core: retry on exceptions"). Versions that are
 * not SemVer (CalVer tags) are compared as written, by position in the file.
 */
export function changelogEntriesBetween(markdown: string, from: string, to: string): ChangelogEntry[] {
  const entries: ChangelogEntry[] = [];
  const valid = semver.valid(from) !== null && semver.valid(to) !== null;
  let version: string | null = null;
  let section = '';
  let include = false;
  let reachedTo = false;
  for (const line of markdown.split('\n')) {
    const heading = releaseHeading.exec(line);
    if (heading) {
      version = heading[1] ?? null;
      section = '';
      if (version === to) reachedTo = true;
      if (version === from) break;
      include =
        version !== null &&
        (valid && semver.valid(version) ? semver.gt(version, from) && semver.lte(version, to) : reachedTo);
      continue;
    }
    const title = /^###\s+(.+?)\s*$/.exec(line);
    if (title) {
      section = title[1] ?? '';
      continue;
    }
    const bullet = /^[*-]\s+(.+)$/.exec(line);
    if (include && version && bullet) {
      const text = plainText(bullet[1] ?? '');
      entries.push({ version, text: section ? `${section}: ${text}` : text });
    }
  }
  return entries;
}
