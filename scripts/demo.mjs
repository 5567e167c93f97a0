// `npm run demo`: the whole relx chain on a generated sample repository, with local stand-ins
// that need nothing but `npm ci` — Verdaccio in-process for npm, an in-memory OCI registry, bare
// git repositories for the source and GitOps, and Prometheus (Debian's when it is installed, else
// an in-process stand-in that answers its query API over the same sample metrics). Each stage is
// the relx CLI, exactly as a terminal or the actions run it.
import { execFile, execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { create as tar } from 'tar';
import { startPrometheusStandIn } from './demo/prometheus-stand-in.mjs';
import { startRegistryStandIn } from './demo/oci-registry-stand-in.mjs';

const root = resolve(import.meta.dirname, '..');
const cli = join(root, 'dist', 'cli', 'index.js');
const work = mkdtempSync(join(tmpdir(), 'relx-demo-'));
const started = Date.now();
const bold = (s) => (process.stdout.isTTY ? `\x1b[1m${s}\x1b[0m` : s);
const stage = (title) =>
  console.log(`\n${bold(`▶ ${title}`)}  (${((Date.now() - started) / 1000).toFixed(1)} s)`);
const git = (cwd, ...args) =>
  execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, ...identity } }).trim();
const identity = {
  GIT_AUTHOR_NAME: 'relx demo',
  GIT_AUTHOR_EMAIL: 'demo@relx.invalid',
  GIT_COMMITTER_NAME: 'relx demo',
  GIT_COMMITTER_EMAIL: 'demo@relx.invalid',
};
const write = (path, text) => {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
};
// Asynchronous on purpose: Verdaccio runs in this process and must keep answering meanwhile.
async function relx(cwd, args, env = {}, { mayFail = false } = {}) {
  console.log(`$ relx ${args.join(' ')}`);
  try {
    const { stdout } = await promisify(execFile)(process.execPath, [cli, ...args], {
      cwd,
      encoding: 'utf8',
      env: { ...process.env, ...identity, ...env },
    });
    return mayFail ? { stdout, code: 0 } : stdout;
  } catch (error) {
    if (mayFail && typeof error.code === 'number') return { stdout: error.stdout, code: error.code };
    throw error;
  }
}
const listPublished = (json) => {
  for (const item of JSON.parse(json).items)
    console.log(
      `  ${item.kind.padEnd(16)} ${item.reference}  ${(item.digest ?? item.integrity).slice(0, 30)}…`,
    );
};
const show = (text) =>
  console.log(
    text
      .trimEnd()
      .split('\n')
      .map((l) => `  ${l}`)
      .join('\n'),
  );
const have = (bin) => {
  try {
    execFileSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

async function startVerdaccio() {
  const { runServer } = await import('verdaccio');
  const dir = join(work, 'verdaccio');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'htpasswd'), '');
  const app = await runServer({
    self_path: dir,
    storage: join(dir, 'storage'),
    uplinks: {},
    auth: { htpasswd: { file: join(dir, 'htpasswd'), max_users: 10 } },
    packages: { '**': { access: '$all', publish: '$authenticated', unpublish: 'nobody' } },
    log: { type: 'stdout', format: 'pretty', level: 'fatal' },
  });
  await new Promise((r) => app.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${app.address().port}/`;
  const response = await fetch(`${url}-/user/org.couchdb.user:demo`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'demo', password: 'demo-password' }),
  });
  const { token } = await response.json();
  return {
    url,
    token,
    stop: () =>
      new Promise((r) => {
        app.closeAllConnections?.();
        app.close(r);
      }),
  };
}

/** What CI would have built for a commit: a one-layer image in an OCI layout, tagged sha-<commit>. */
function buildImageLayout(dir, tag, content) {
  const blobs = join(dir, 'blobs', 'sha256');
  mkdirSync(blobs, { recursive: true });
  const put = (bytes) => {
    const hex = createHash('sha256').update(bytes).digest('hex');
    writeFileSync(join(blobs, hex), bytes);
    return { digest: `sha256:${hex}`, size: bytes.length };
  };
  const files = join(work, 'image-files');
  write(join(files, 'app', 'build.txt'), content);
  tar({ cwd: files, file: join(work, 'layer.tar'), sync: true, portable: true, mtime: new Date(0) }, [
    'app/build.txt',
  ]);
  const raw = readFileSync(join(work, 'layer.tar'));
  const layer = put(gzipSync(raw));
  const config = put(
    Buffer.from(
      JSON.stringify({
        architecture: 'amd64',
        os: 'linux',
        rootfs: { type: 'layers', diff_ids: [`sha256:${createHash('sha256').update(raw).digest('hex')}`] },
        config: {},
      }),
    ),
  );
  const manifest = put(
    Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
        layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', ...layer }],
      }),
    ),
  );
  writeFileSync(join(dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  writeFileSync(
    join(dir, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [
        {
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          ...manifest,
          annotations: { 'org.opencontainers.image.ref.name': tag },
        },
      ],
    }),
  );
}

/**
 * The sample's traffic, counters scraped every 15 s for two hours up to just before now:
 * requests per scrape [ok, 5xx] — the first canary is as healthy as stable, the second is not.
 */
function sampleSeries() {
  const end = Math.floor(Date.now() / 1000 / 15) * 15 - 30;
  const traffic = { stable: [990, 10], canary: [198, 2], 'canary-2': [188, 12] };
  const series = [];
  for (const [version, [ok, errors]] of Object.entries(traffic)) {
    for (const [status, per] of [
      ['200', ok],
      ['500', errors],
    ]) {
      const samples = [];
      for (let i = 0; i <= 480; i++) samples.push([end - (480 - i) * 15, per * i]);
      series.push({ labels: { __name__: 'http_requests_total', service: 'api', version, status }, samples });
    }
  }
  return series;
}

/** Debian's prometheus with the sample loaded into its TSDB by promtool. */
async function startPrometheus(series) {
  const dir = join(work, 'prometheus');
  mkdirSync(dir, { recursive: true });
  const lines = ['# TYPE http_requests counter'];
  for (const { labels, samples } of series) {
    const { __name__, ...rest } = labels;
    const selector = Object.entries(rest)
      .map(([k, v]) => `${k}="${v}"`)
      .join(',');
    for (const [t, v] of samples) lines.push(`${__name__}{${selector}} ${v} ${t}`);
  }
  lines.push('# EOF');
  writeFileSync(join(dir, 'data.om'), `${lines.join('\n')}\n`);
  execFileSync(
    'promtool',
    ['tsdb', 'create-blocks-from', 'openmetrics', join(dir, 'data.om'), join(dir, 'tsdb')],
    { stdio: 'ignore' },
  );
  writeFileSync(join(dir, 'p.yml'), 'scrape_configs: []\n');
  const port = await new Promise((r) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = s.address().port;
      s.close(() => r(p));
    });
  });
  const child = spawn(
    'prometheus',
    [
      `--config.file=${join(dir, 'p.yml')}`,
      `--storage.tsdb.path=${join(dir, 'tsdb')}`,
      '--storage.tsdb.retention.time=30d',
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=error',
    ],
    { stdio: 'ignore' },
  );
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`${url}/-/ready`)).ok) break;
    } catch {
      /* starting */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, stop: () => child.kill() };
}

const stops = [];
try {
  stage('Starting the local stand-ins');
  const npm = await startVerdaccio();
  stops.push(npm.stop);
  const oci = await startRegistryStandIn();
  stops.push(oci.stop);
  // Without Debian's prometheus, a stand-in answers the same queries over the same sample: the
  // gates always measure, and the bad canary is always stopped.
  const realPrometheus = have('prometheus') && have('promtool');
  const prometheus = realPrometheus
    ? await startPrometheus(sampleSeries())
    : await startPrometheusStandIn(sampleSeries());
  stops.push(prometheus.stop);
  console.log(
    `  npm registry (Verdaccio) ${npm.url}\n  OCI registry ${oci.host}\n  ${
      realPrometheus
        ? `Prometheus ${prometheus.url}`
        : `Prometheus stand-in ${prometheus.url} — Debian's prometheus is not installed, so an in-process server answers /api/v1/query and /api/v1/query_range over the same sample metrics (apt-get install prometheus for the real one)`
    }`,
  );

  stage('A sample platform: two libraries, the api service image built from one, its Helm chart');
  const repo = join(work, 'platform');
  const origin = join(work, 'platform.git');
  mkdirSync(repo);
  git(work, 'init', '-q', '--bare', '-b', 'main', origin);
  git(repo, 'init', '-q', '-b', 'main');
  write(
    join(repo, 'package.json'),
    JSON.stringify({ name: 'platform', private: true, workspaces: ['packages/*'] }, null, 2),
  );
  write(
    join(repo, 'packages/core/package.json'),
    JSON.stringify({ name: '@acme/core', version: '1.0.0' }, null, 2),
  );
  write(join(repo, 'packages/core/index.js'), 'exports.retry = (f) => f();\n');
  write(
    join(repo, 'packages/utils/package.json'),
    JSON.stringify({ name: '@acme/utils', version: '2.0.0' }, null, 2),
  );
  write(join(repo, 'packages/utils/index.js'), 'exports.id = (x) => x;\n');
  write(join(repo, 'services/api/Dockerfile'), 'FROM scratch\n');
  write(
    join(repo, 'charts/api/Chart.yaml'),
    'apiVersion: v2\nname: api\nversion: 0.1.0\nappVersion: "1.0.0"\n',
  );
  write(join(repo, 'charts/api/templates/deployment.yaml'), 'kind: Deployment\n');
  write(
    join(repo, 'relx.config.yaml'),
    [
      'components:',
      '  - { name: api, type: container-image, path: services/api, version: 1.0.0, dependsOn: ["@acme/core"],',
      `      publish: { source: "oci-layout:.ci/api-oci:sha-{shortSha}", repository: ${oci.host}/acme/api } }`,
      `  - { name: api-chart, type: helm-chart, path: charts/api, dependsOn: [api], publish: { repository: ${oci.host}/charts } }`,
      '',
    ].join('\n'),
  );
  write(join(repo, '.gitignore'), '.ci/\n');
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', 'feat: the platform');
  git(repo, 'remote', 'add', 'origin', origin);
  git(repo, 'push', '-q', 'origin', 'main');
  /** What CI does on every commit: build the image and keep it as sha-<commit>. */
  const ciBuildsTheImage = () => {
    const commit = git(repo, 'rev-parse', 'HEAD');
    buildImageLayout(join(repo, '.ci', 'api-oci'), `sha-${commit.slice(0, 7)}`, `api built from ${commit}`);
  };
  /** relx publish, its list kept in `file` for relx manifest. */
  const publish = async (file) => {
    const list = await relx(
      repo,
      ['publish', '--json', '--repository', 'acme/platform', '--npm-registry', npm.url],
      {
        NPM_TOKEN: npm.token,
      },
    );
    writeFileSync(join(work, file), list);
    listPublished(list);
    return join(work, file);
  };
  write(
    join(repo, 'packages/core/index.js'),
    'exports.retry = (f, n = 3) => f() ?? (n > 0 && exports.retry(f, n - 1));\n',
  );
  git(repo, 'commit', '-q', '-am', 'feat(core): retries with backoff');
  ciBuildsTheImage();

  stage('1. relx plan — what to release and why, from one git log pass');
  show(await relx(repo, ['plan']));

  stage('2. relx version — versions, changelogs, one release commit, a tag per component');
  show(await relx(repo, ['version', '--push']));

  stage('3. relx publish — npm packages, the image promoted by digest, the chart as an OCI artifact');
  const published = await publish('published.json');

  stage('4. relx manifest — the release manifest: every component pinned, and its CycloneDX BOM');
  const written = JSON.parse(
    await relx(repo, ['manifest', '--published', published, '--naming', 'calver', '--json']),
  );
  show(readFileSync(join(repo, written.path), 'utf8'));

  stage('5. CD: promote through dev → staging → prod by GitOps commits, each checked against the SLO');
  const gitops = join(work, 'gitops.git');
  const seed = join(work, 'gitops-seed');
  git(work, 'init', '-q', '--bare', '-b', 'main', gitops);
  git(work, 'init', '-q', '-b', 'main', seed);
  write(
    join(seed, 'relx.gitops.yaml'),
    'environments: [dev, staging, prod]\noverlays:\n  - { component: api, file: kustomization.yaml }\n',
  );
  for (const env of ['dev', 'staging', 'prod'])
    write(
      join(seed, `environments/${env}/kustomization.yaml`),
      'resources: [../../base]\nimages:\n  - name: api\n    newTag: latest\n',
    );
  git(seed, 'add', '-A');
  git(seed, 'commit', '-q', '-m', 'chore: environments');
  git(seed, 'push', '-q', gitops, 'main');
  const policyFor = (canary) => {
    const file = join(work, `slo-${canary}.yaml`);
    writeFileSync(
      file,
      `selector: {service: api}\nbaseline: 'version="stable"'\ncanary: 'version="${canary}"'\nwindow: 30m\nobjectives: {maxErrorRateDelta: 0.01, minRequests: 100}\nqueries:\n  p99LatencyMs: vector(0)\n`,
    );
    return file;
  };
  /** dev → staging → prod, stopping where a gate does not pass. */
  async function promoteThrough(manifest, canary) {
    for (const env of ['dev', 'staging', 'prod']) {
      show(
        await relx(repo, [
          'promote',
          '--env',
          env,
          '--manifest',
          manifest,
          '--gitops',
          gitops,
          '--approved-by',
          env === 'prod' ? 'alice' : 'ci',
        ]),
      );
      if (env === 'prod') return;
      const { stdout, code } = await relx(
        repo,
        ['slo-gate', '--policy', policyFor(canary), '--prometheus-url', prometheus.url, '--json'],
        {},
        { mayFail: true },
      );
      const report = JSON.parse(stdout);
      const [sample] = report.samples;
      console.log(
        `  SLO gate after ${env}: ${report.verdict} — error rate baseline ${(sample.baseline.errorRate * 100).toFixed(2)}%, canary ${(sample.canary.errorRate * 100).toFixed(2)}% (at most +1.00 point)`,
      );
      if (code !== 0) {
        console.log(`  ${bold(`Stopped at ${env}`)}: the release goes no further.`);
        return;
      }
    }
  }
  await promoteThrough(written.path, 'canary');

  stage('6. relx status --env prod — what runs in production, from which commit');
  show(await relx(repo, ['status', '--env', 'prod', '--gitops', gitops]));

  stage('7. A fix in the library: core patch → api image patch → chart patch → a new manifest');
  write(
    join(repo, 'packages/core/index.js'),
    'exports.retry = (f, n = 3) => { try { return f(); } catch (e) { if (n > 0) return exports.retry(f, n - 1); throw e; } };\n',
  );
  git(repo, 'commit', '-q', '-am', 'fix(core): retry on exceptions, not on falsy results');
  ciBuildsTheImage();
  show(await relx(repo, ['plan']));
  show(await relx(repo, ['version', '--push']));
  const republished = await publish('published-2.json');
  const second = JSON.parse(
    await relx(repo, ['manifest', '--published', republished, '--naming', 'calver', '--json']),
  );
  show(await relx(repo, ['diff', written.path, second.path]));

  stage('8. CD again — this canary errs: the gate stops the release and production keeps the previous one');
  await promoteThrough(second.path, 'canary-2');
  show(await relx(repo, ['status', '--env', 'prod', '--gitops', gitops]));
  stage('   relx history --env prod — who promoted and approved it, when');
  show(await relx(repo, ['history', '--env', 'prod', '--gitops', gitops]));
  console.log(
    `\n${bold(`Done in ${((Date.now() - started) / 1000).toFixed(1)} s`)} — from a commit to production.`,
  );
} finally {
  for (const stop of stops.reverse()) await stop();
  rmSync(work, { recursive: true, force: true });
}
