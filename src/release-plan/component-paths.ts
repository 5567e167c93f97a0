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

  constructor(components: readonly Component[]) {
    for (const component of components) {
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
  }

  /** Names of the components that own `file` (a repository-relative POSIX path). */
  ownersOf(file: string): readonly string[] {
    const slash = file.lastIndexOf('/');
    const folder = slash < 0 ? '' : file.slice(0, slash);
    let owners = this.memo.get(folder);
    if (owners === undefined) {
      const found = new Set<string>(this.byFolder.get('') ?? []);
      for (let at = folder.indexOf('/'); ; at = folder.indexOf('/', at + 1)) {
        const prefix = at < 0 ? folder : folder.slice(0, at);
        for (const name of this.byFolder.get(prefix) ?? []) found.add(name);
        if (at < 0) break;
      }
      owners = [...found];
      this.memo.set(folder, owners);
    }
    // A component declared as a single file's folder still owns files directly inside it.
    return owners;
  }

  /** Owners of any of `files`, without duplicates. */
  ownersOfAny(files: readonly string[]): string[] {
    if (files.length === 1) return [...this.ownersOf(files[0] as string)];
    const found = new Set<string>();
    // git lists a commit's files sorted, so runs of files share a folder (a commit can touch
    // thousands of fixtures): a file directly in the previous file's folder has its owners.
    let folderEnd = -1;
    let folder = '';
    let owners: readonly string[] = [];
    for (const file of files) {
      const sameFolder =
        folderEnd >= 0 &&
        file.length > folderEnd &&
        file.charCodeAt(folderEnd) === 47 && // '/'
        file.indexOf('/', folderEnd + 1) < 0 &&
        file.startsWith(folder);
      if (!sameFolder) {
        const nextOwners = this.ownersOf(file);
        folderEnd = file.lastIndexOf('/');
        folder = folderEnd < 0 ? '' : file.slice(0, folderEnd);
        if (nextOwners === owners) continue;
        owners = nextOwners;
        for (const name of owners) found.add(name);
      }
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
