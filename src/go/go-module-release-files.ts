import { configurationError } from '../relx-error.js';
import { goModulePath, updateGoMod } from '../version-files/go-mod.js';
import { goModulePathFor } from '../versioning/go-tag-format.js';
import type { Component } from '../workspace/component.js';

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** How a dependent's version file names a dependency: a Go module by its module path, anything else by its name. */
export function dependencyKey(components: readonly Component[], name: string): string {
  return components.find((c) => c.name === name)?.goModule?.modulePath ?? name;
}

interface GoReleaseInput {
  components: readonly Component[];
  readFile: (path: string) => Promise<string | null>;
  listFiles?: () => Promise<string[]>;
}

/** Each released Go module whose new major version needs another module path (`/v2` at 2.x). */
function movedModules(input: GoReleaseInput, next: ReadonlyMap<string, string>) {
  const moved: Array<{ component: Component; from: string; to: string; version: string }> = [];
  for (const component of input.components) {
    const version = next.get(component.name);
    const goModule = component.goModule;
    if (!goModule || version === undefined) continue;
    const to = goModulePathFor(goModule.modulePath, version);
    if (to === goModule.modulePath) continue;
    if (goModule.majorVersionPath !== 'rewrite') {
      throw configurationError(
        `${component.name} would be released as ${version}, but its module path ${goModule.modulePath} has no /${to.split('/').pop()}: the go command would not find the new major version.`,
        {
          file: component.versionFile ?? 'go.mod',
          field: 'module',
          fix: `Change the module path in ${component.versionFile ?? 'go.mod'} to ${to} and the module's imports inside the repository to match, or set \`majorVersionPath: rewrite\` on ${component.name} in relx.config.yaml to have relx do it.`,
        },
      );
    }
    moved.push({ component, from: goModule.modulePath, to, version });
  }
  return moved;
}

/**
 * A Go module taken to a new major version: its go.mod declares the new module path, and every
 * .go file and go.mod of the repository that imports or requires it follows (a module nested
 * below it, with its own longer path, is left alone). `files` holds the contents planned so far;
 * the result holds only the files that change.
 */
export async function planGoModuleFiles(
  input: GoReleaseInput,
  next: ReadonlyMap<string, string>,
  files: ReadonlyMap<string, string>,
): Promise<Map<string, string>> {
  const moved = movedModules(input, next);
  const out = new Map<string, string>();
  if (moved.length === 0) return out;
  const read = async (file: string) => out.get(file) ?? files.get(file) ?? (await input.readFile(file));
  const otherModules = input.components.flatMap((c) => (c.goModule ? [c.goModule.modulePath] : []));
  const listed = input.listFiles ? await input.listFiles() : [];
  for (const { component, from, to, version } of moved) {
    const goMod = component.versionFile ?? 'go.mod';
    const own = await read(goMod);
    if (own !== null) out.set(goMod, updateGoMod(own, { modulePath: to }, goMod));
    // Below `from`, paths of other modules nested inside it are not this module's.
    const nested = otherModules.filter((m) => m !== from && m.startsWith(`${from}/`));
    const rewrite = (match: string, rest: string, wrap: (path: string) => string) =>
      nested.some((m) => `${from}${rest}` === m || `${from}${rest}`.startsWith(`${m}/`))
        ? match
        : wrap(`${to}${rest}`);
    for (const file of listed) {
      if (file === goMod) continue;
      const isGoMod = file === 'go.mod' || file.endsWith('/go.mod');
      if (!file.endsWith('.go') && !isGoMod) continue;
      const content = await read(file);
      if (content === null || !content.includes(from)) continue;
      const updated = isGoMod
        ? content.replace(
            new RegExp(`(^|[\\s(])${escapeRegExp(from)}((?:/[^\\s"]*)?)(?=[\\s"]|$)`, 'gm'),
            (match, before: string, rest: string) => rewrite(match, rest, (p) => `${before}${p}`),
          )
        : content.replace(new RegExp(`"${escapeRegExp(from)}((?:/[^"\\s]*)?)"`, 'g'), (match, rest: string) =>
            rewrite(match, rest, (p) => `"${p}"`),
          );
      // A requirement of the moved module names its new major version with its new path.
      const required = isGoMod ? updateGoMod(updated, { dependencies: { [to]: version } }, file) : updated;
      if (required !== content && (!isGoMod || goModulePath(required) !== null)) out.set(file, required);
    }
  }
  return out;
}

/**
 * Said in the plan, before anything is versioned: a Go module whose next version needs a new
 * module path that it is not set to rewrite, so `version` will stop.
 */
export function goMajorVersionWarnings(
  components: readonly Component[],
  plan: { components: ReadonlyArray<{ name: string; release: boolean; nextVersion: string | null }> },
): string[] {
  return plan.components.flatMap((planned) => {
    const goModule = components.find((c) => c.name === planned.name)?.goModule;
    if (!goModule || !planned.release || planned.nextVersion === null) return [];
    const to = goModulePathFor(goModule.modulePath, planned.nextVersion);
    if (to === goModule.modulePath || goModule.majorVersionPath === 'rewrite') return [];
    return [
      `${planned.name} ${planned.nextVersion} needs the module path ${to}, not ${goModule.modulePath}: versioning will stop. Change the module path (and its imports), or set majorVersionPath: rewrite on ${planned.name}.`,
    ];
  });
}
