import type { Component } from '../workspace/component.js';

/**
 * Which components own a file: every component whose folder holds it (nested components both
 * count). Lookups go by directory and are memoised, since most files of a commit share folders.
 */
export class ComponentPaths {
  private readonly byFolder = new Map<string, string[]>();
  private readonly memo = new Map<string, readonly string[]>();

  constructor(components: readonly Component[]) {
    for (const component of components) {
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
    for (const file of files) for (const name of this.ownersOf(file)) found.add(name);
    return [...found];
  }
}
