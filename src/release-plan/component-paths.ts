import type { Component } from '../workspace/component.js';

/**
 * The names a commit can call a component by, in a scope (`fix(api): …`) or a `Release-As:`
 * footer (`Release-As: api@2.0.0`): its name, its name without the npm scope, or the last
 * folder of one of its paths (`@babel/core` in packages/babel-core: `@babel/core`, `core`, `babel-core`).
 */
export function namesOf(component: Pick<Component, 'name' | 'paths'>): string[] {
  const names = new Set([component.name.toLowerCase()]);
  const slash = component.name.lastIndexOf('/');
  if (component.name.startsWith('@') && slash > 0) names.add(component.name.slice(slash + 1).toLowerCase());
  for (const path of component.paths) {
    const folder = path.replace(/\/+$/, '').split('/').pop() ?? '';
    if (folder && folder !== '.') names.add(folder.toLowerCase());
  }
  return [...names];
}

/** Whether `name` (a scope or a `Release-As:` component) calls `component` by one of its names. */
export const isNamedBy = (name: string, component: Pick<Component, 'name' | 'paths'>) =>
  namesOf(component).includes(name.trim().toLowerCase());

/**
 * Which components own a file: every component whose folder holds it (nested components both
 * count). Lookups go by directory and are memoised, since most files of a commit share folders.
 */
export class ComponentPaths {
  private readonly byFolder = new Map<string, string[]>();
  private readonly memo = new Map<string, readonly string[]>();
  private readonly byName = new Map<string, string[]>();
  /** The deepest component folder, in segments: only a file's folders down to it can own it. */
  private readonly depth: number;

  /** Go modules' folders: a module's files stop where a nested module (its own go.mod) starts. */
  private readonly goModules = new Map<string, string>();

  constructor(components: readonly Component[]) {
    for (const component of components) {
      if (component.type === 'go-module') this.goModules.set(component.name, component.paths[0] ?? '');
      for (const alias of namesOf(component)) {
        const named = this.byName.get(alias) ?? [];
        named.push(component.name);
        this.byName.set(alias, named);
      }
      for (const path of component.paths) {
        const folder = path === '.' ? '' : path.replace(/\/+$/, '');
        const owners = this.byFolder.get(folder) ?? [];
        if (!owners.includes(component.name)) owners.push(component.name);
        this.byFolder.set(folder, owners);
      }
    }
    this.depth = Math.max(0, ...[...this.byFolder.keys()].map((f) => (f === '' ? 0 : f.split('/').length)));
  }

  /** Names of the components that own `file` (a repository-relative POSIX path). */
  ownersOf(file: string): readonly string[] {
    // Memoised by the file's folder cut at the deepest component folder: a few hundred keys
    // however many fixtures a history touches.
    let end = -1;
    for (let d = 0; d < this.depth; d++) {
      const next = file.indexOf('/', end + 1);
      if (next < 0) break;
      end = next;
    }
    const folder = end < 0 ? '' : file.slice(0, end);
    let owners = this.memo.get(folder);
    if (owners === undefined) {
      const found = new Set<string>(this.byFolder.get('') ?? []);
      for (let at = folder.indexOf('/'); ; at = folder.indexOf('/', at + 1)) {
        const prefix = at < 0 ? folder : folder.slice(0, at);
        for (const name of this.byFolder.get(prefix) ?? []) found.add(name);
        if (at < 0) break;
      }
      owners = this.goModules.size > 0 ? this.withoutOuterModules([...found], folder) : [...found];
      this.memo.set(folder, owners);
    }
    return owners;
  }

  /** Only the innermost Go module owns a file: the module zip of an outer one leaves nested modules out. */
  private withoutOuterModules(owners: string[], folder: string): string[] {
    const inside = (dir: string) => dir === '' || folder === dir || folder.startsWith(`${dir}/`);
    const modules = owners.filter((name) => this.goModules.has(name));
    const innermost = modules.reduce<string | null>((deepest, name) => {
      const dir = this.goModules.get(name) as string;
      return deepest === null || dir.length > deepest.length ? dir : deepest;
    }, null);
    if (innermost === null) return owners;
    return owners.filter((name) => {
      const dir = this.goModules.get(name);
      return dir === undefined || !inside(dir) || dir === innermost;
    });
  }

  /** Owners of any of `files`, without duplicates. */
  ownersOfAny(files: readonly string[]): string[] {
    if (files.length === 1) return [...this.ownersOf(files[0] as string)];
    const found = new Set<string>();
    let previous: readonly string[] | null = null;
    for (const file of files) {
      const owners = this.ownersOf(file);
      if (owners === previous) continue; // runs of files share a folder, hence one memoised list
      previous = owners;
      for (const name of owners) found.add(name);
    }
    return [...found];
  }

  /** Components at the repository root: they own a commit that changes no files. */
  rootComponents(): readonly string[] {
    return this.byFolder.get('') ?? [];
  }

  /** Components that `name` (a scope, or the component of a `Release-As:` footer) calls by one of their names. */
  namedBy(name: string): readonly string[] {
    return this.byName.get(name.trim().toLowerCase()) ?? [];
  }
}
