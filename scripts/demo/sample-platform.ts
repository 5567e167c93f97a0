// The demo's sample: an npm-workspaces monorepo (the tests' fixture) with two libraries, the api
// service image built from one of them, and its Helm chart — pushed to a bare origin, and built
// by "CI" (an OCI layout tagged sha-<commit>) after every commit.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GitRepo } from '../../test/git-repo.js';
import { aMonorepo } from '../../test/monorepo-fixture.js';
import { writeImageLayout } from './image-layout.js';
import { show } from './narration.js';
import { relx } from './relx-cli.js';
import type { StandIns } from './stand-ins.js';

const packages = [
  { dir: 'core', name: '@acme/core', version: '1.0.0' },
  { dir: 'utils', name: '@acme/utils', version: '2.0.0' },
];

const config = (ociHost: string) =>
  [
    'components:',
    '  - { name: api, type: container-image, path: services/api, version: 1.0.0, dependsOn: ["@acme/core"],',
    `      publish: { source: "oci-layout:.ci/api-oci:sha-{shortSha}", repository: ${ociHost}/acme/api } }`,
    `  - { name: api-chart, type: helm-chart, path: charts/api, dependsOn: [api], publish: { repository: ${ociHost}/charts } }`,
    '',
  ].join('\n');

export class SamplePlatform {
  private constructor(
    private readonly repo: GitRepo,
    private readonly work: string,
    private readonly standIns: StandIns,
  ) {}

  /** The platform's first commit, pushed to `work`/platform.git. */
  static create(work: string, standIns: StandIns): SamplePlatform {
    const repo = aMonorepo(packages, config(standIns.ociHost));
    repo.commit('feat: the platform', {
      'packages/core/index.js': 'exports.retry = (f) => f();\n',
      'packages/utils/index.js': 'exports.id = (x) => x;\n',
      'services/api/Dockerfile': 'FROM scratch\n',
      'charts/api/Chart.yaml': 'apiVersion: v2\nname: api\nversion: 0.1.0\nappVersion: "1.0.0"\n',
      'charts/api/templates/deployment.yaml': 'kind: Deployment\n',
      '.gitignore': '.ci/\n',
    });
    const origin = join(work, 'platform.git');
    mkdirSync(origin);
    GitRepo.create({ dir: origin, bare: true });
    repo.git('remote', 'add', 'origin', origin);
    repo.git('push', '-q', 'origin', 'main');
    return new SamplePlatform(repo, work, standIns);
  }

  get dir(): string {
    return this.repo.dir;
  }

  relx(args: string[], env: Record<string, string> = {}): Promise<string> {
    return relx(this.repo.dir, args, env);
  }

  /** A change to @acme/core, committed; then what CI does on every commit: build the image as sha-<commit>. */
  changeTheLibrary(message: string, code: string): void {
    const commit = this.repo.commit(message, { 'packages/core/index.js': code });
    writeImageLayout(
      join(this.repo.dir, '.ci', 'api-oci'),
      `sha-${commit.slice(0, 7)}`,
      `api built from ${commit}`,
    );
  }

  /** relx publish; its list, kept in `file` for relx manifest, is printed one line per artifact. */
  async publish(file: string): Promise<string> {
    const args = [
      'publish',
      '--json',
      '--repository',
      'acme/platform',
      '--npm-registry',
      this.standIns.npm.url,
    ];
    const list = await this.relx(args, { NPM_TOKEN: this.standIns.npm.token });
    const path = join(this.work, file);
    writeFileSync(path, list);
    const { items } = JSON.parse(list) as {
      items: Array<{ kind: string; reference: string; digest?: string; integrity?: string }>;
    };
    for (const item of items)
      console.log(
        `  ${item.kind.padEnd(16)} ${item.reference}  ${(item.digest ?? item.integrity ?? '').slice(0, 30)}…`,
      );
    return path;
  }

  /** relx manifest over a publish list: the release manifest's path in the repository. */
  async manifest(published: string): Promise<string> {
    const written = await this.relx(['manifest', '--published', published, '--naming', 'calver', '--json']);
    return (JSON.parse(written) as { path: string }).path;
  }

  async release(): Promise<void> {
    show(await this.relx(['plan']));
    show(await this.relx(['version', '--push']));
  }

  remove(): Promise<void> {
    this.repo.remove();
    return Promise.resolve();
  }
}
