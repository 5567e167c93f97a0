import { GitRepo } from '../../test/git-repo.js';
import { goInstalled, goModDownload } from '../../test/go-toolchain.js';
import { goModuleChecksum, hash1 } from './module-checksum.js';

const host = 'example.test/orion.git';
const haveGo = goInstalled();
if (!haveGo) {
  console.warn(
    'go is not installed: the h1: checksums are not compared with Go (apt-get install golang-go).',
  );
}
const withGo = haveGo ? it : it.skip;

describe("a Go module's h1: checksum", () => {
  it('is the sha256sum of the sorted `sha256  name` lines, whatever order the files come in', () => {
    const a = { name: 'm@v1.0.0/a.go', content: Buffer.from('package m\n') };
    const b = { name: 'm@v1.0.0/go.mod', content: Buffer.from('module m\n') };
    expect(hash1([b, a])).toBe(hash1([a, b]));
    expect(hash1([a, b])).not.toBe(hash1([a, { ...b, content: Buffer.from('module n\n') }]));
  });

  withGo(
    'equals what the go command computes, for a module in a folder and at the root',
    async () => {
      const repo = GitRepo.create();
      repo.commit('feat: modules', {
        LICENSE: 'MIT License\n',
        'go.mod': `module ${host}\n\ngo 1.19\n`,
        'main.go': 'package orion\n\nconst Name = "orion"\n',
        'sdk/go/go.mod': `module ${host}/sdk/go\n\ngo 1.19\n`,
        'sdk/go/client.go': 'package sdk\n\n// Client talks to the API.\ntype Client struct{}\n',
        'sdk/go/internal/wire/wire.go': 'package wire\n\nconst V = 1\n',
        'sdk/go/vendor/modules.txt': '# vendored\n',
        'sdk/go/vendor/example.com/x/x.go': 'package x\n',
        'sdk/go/tools/go.mod': `module ${host}/sdk/go/tools\n\ngo 1.19\n`,
        'sdk/go/tools/tool.go': 'package tools\n',
        'sdk/go/run.sh': '#!/bin/sh\necho run\n',
      });
      repo.git('update-index', '--chmod=+x', 'sdk/go/run.sh');
      repo.git('commit', '-q', '-m', 'chore: executable');
      const commit = repo.head();
      repo.tag('v1.0.0', { annotated: true }).tag('sdk/go/v1.2.0', { annotated: true });

      for (const [folder, modulePath, version] of [
        ['sdk/go', `${host}/sdk/go`, 'v1.2.0'],
        ['', host, 'v1.0.0'],
      ] as const) {
        const ours = await goModuleChecksum(repo.dir, { commit, folder, modulePath, version });
        const go = goModDownload(repo.dir, host, modulePath, version);
        expect({ folder, sum: ours.sum, goModSum: ours.goModSum }).toEqual({
          folder,
          sum: go.Sum,
          goModSum: go.GoModSum,
        });
      }
    },
    60_000,
  );
});
