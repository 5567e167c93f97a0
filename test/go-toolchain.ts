import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Is the go command installed (Debian's golang-go, scripts/apt-packages.txt)? */
export function goInstalled(): boolean {
  try {
    execFileSync('go', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * What Go's own toolchain records for a module version served from a local git repository:
 * `go mod download -json` in a throwaway HOME, the module path's host mapped to the repository
 * with git's insteadOf (../shared/FEASIBILITY.md "Go modules"). `hostPrefix` is the module path up
 * to and including the repository (`example.test/orion.git`).
 */
export function goModDownload(
  repoDir: string,
  hostPrefix: string,
  modulePath: string,
  version: string,
): { Sum: string; GoModSum: string; Version: string } {
  const tmp = mkdtempSync(join(tmpdir(), 'relx-go-'));
  const home = join(tmp, 'home');
  const work = join(tmp, 'work');
  mkdirSync(home);
  mkdirSync(work);
  writeFileSync(join(work, 'go.mod'), 'module consumer\n\ngo 1.19\n');
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    GOPATH: join(tmp, 'gopath'),
    GOMODCACHE: join(tmp, 'gopath', 'mod'),
    GOCACHE: join(tmp, 'gocache'),
    GOPROXY: 'direct',
    GOSUMDB: 'off',
    GOPRIVATE: hostPrefix.split('/')[0] ?? hostPrefix,
    GOFLAGS: '-mod=mod',
    GIT_ALLOW_PROTOCOL: 'file:https:git:ssh',
    GIT_CONFIG_NOSYSTEM: '1',
  };
  const git = (...args: string[]) => execFileSync('git', args, { env, cwd: work });
  git('config', '--global', `url.file://${repoDir}.insteadOf`, `https://${hostPrefix.replace(/\.git$/, '')}`);
  git('config', '--global', 'protocol.file.allow', 'always');
  const out = execFileSync('go', ['mod', 'download', '-json', `${modulePath}@${version}`], {
    env,
    cwd: work,
    encoding: 'utf8',
  });
  return JSON.parse(out) as { Sum: string; GoModSum: string; Version: string };
}
