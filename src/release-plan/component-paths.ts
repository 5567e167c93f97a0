import type { Component } from '../workspace/component.js';

/**
 * Which components own a file: every component whose folder holds it (nested components both
 * count). Lookups go by directory and are memoised, since most files of a commit share folders.
 */
export class ComponentPaths {
  private readonly byFolder = new Map<string, string[]>();
  private readonly memo = new Map<string, readonly string[]>();
  /** Go modules' folders: a module's files stop where a nested module (its own go.mod) starts. */
  private readonly goModules = new Map<string, string>();

  constructor(components: readonly Component[]) {
    for (const component of components) {
      if (component.type === 'go-module') this.goModules.set(component.name, component.paths[0] ?? '');
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
      owners = this.goModules.size > 0 ? this.withoutOuterModules([...found], folder) : [...found];
      this.memo.set(folder, owners);
    }
    // A component declared as a single file's folder still owns files directly inside it.
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
    for (const file of files) for (const name of this.ownersOf(file)) found.add(name);
    return [...found];
  }
}
