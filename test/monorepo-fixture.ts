import { GitRepo } from './git-repo.js';

export interface FixturePackage {
  /** Folder under packages/. */
  dir: string;
  name: string;
  version?: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

/** An npm-workspaces monorepo in a real git repository, committed as `chore: initial layout`. */
export function aMonorepo(packages: FixturePackage[], config?: string): GitRepo {
  const repo = GitRepo.create();
  repo.writeJson('package.json', { name: 'fixture-root', private: true, workspaces: ['packages/*'] });
  for (const p of packages) {
    repo.writeJson(`packages/${p.dir}/package.json`, {
      name: p.name,
      version: p.version ?? '1.0.0',
      ...(p.dependencies ? { dependencies: p.dependencies } : {}),
      ...(p.devDependencies ? { devDependencies: p.devDependencies } : {}),
      ...(p.peerDependencies ? { peerDependencies: p.peerDependencies } : {}),
    });
  }
  if (config !== undefined) repo.write('relx.config.yaml', config);
  repo.commit('chore: initial layout');
  return repo;
}

/** Tags every package at the version in its package.json, as a release would have. */
export function tagAll(
  repo: GitRepo,
  packages: FixturePackage[],
  format = (p: FixturePackage) => `${p.name}@${p.version ?? '1.0.0'}`,
) {
  for (const p of packages) repo.tag(format(p));
}

/** A library at 1.2.0 and a 0.x package that depends on it: the shapes most tests need. */
export const acmeCore: FixturePackage = { dir: 'core', name: '@acme/core', version: '1.2.0' };
export const acmeApi: FixturePackage = {
  dir: 'api',
  name: '@acme/api',
  version: '0.4.1',
  dependencies: { '@acme/core': '^1.2.0' },
};
