// `relx metrics` on long GitOps histories (part of `npm run bench`): generates, with git
// fast-import, a source repository and a GitOps repository with N promotions over dev, staging and
// prod (releases promoted in order, some prod canaries, aborts, rollbacks and hotfixes), then times
// `relx metrics --env prod --json` on each size. Not a test: figures vary by machine.
// Usage: node scripts/bench-metrics.mjs [--sizes 1000,5000,10000,20000] [--runs 3] [--relx dist/cli/index.js]
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const argv = process.argv.slice(2);
const flag = (name, fallback) => {
  const at = argv.indexOf(name);
  return at >= 0 ? argv[at + 1] : fallback;
};
const sizes = flag('--sizes', '1000,5000,10000,20000').split(',').map(Number);
const runs = Number(flag('--runs', 3));
const relx = resolve(root, flag('--relx', 'dist/cli/index.js'));
const work = join(root, '.tmp', 'bench-metrics');
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const T0 = Date.UTC(2025, 0, 1) / 1000;
const step = 900; // a release every 15 minutes of history
const hex = (n, len = 64) => n.toString(16).padStart(len, '0').slice(-len);

function fastImport(dir, stream) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  execFileSync('git', ['init', '-q', '--bare', '-b', 'main', dir]);
  const marks = join(dir, 'marks');
  execFileSync('git', ['fast-import', '--quiet', `--export-marks=${marks}`], {
    cwd: dir,
    input: stream,
    maxBuffer: 1 << 30,
  });
  return new Map(
    readFileSync(marks, 'utf8')
      .trim()
      .split('\n')
      .map((l) => l.split(' ')),
  );
}

const data = (text) => `data ${Buffer.byteLength(text)}\n${text}\n`;

/** Two source commits per release: author times 3 h and 2 h before its dev promotion. */
function sourceStream(releases) {
  const out = [];
  let mark = 0;
  for (let r = 0; r < releases; r++) {
    for (const before of [3 * 3600, 2 * 3600]) {
      const time = T0 + r * step - before + 1;
      out.push(
        'commit refs/heads/main',
        `mark :${++mark}`,
        `author dev <dev@x> ${time} +0000`,
        `committer dev <dev@x> ${time} +0000`,
        data(`feat: change ${mark}`).trimEnd(),
        ...(mark > 1 ? [`from :${mark - 1}`] : []),
        `M 100644 inline src/file${mark % 50}.txt`,
        data(`${mark}`).trimEnd(),
        '',
      );
    }
  }
  return `${out.join('\n')}\n`;
}

const manifest = (r, sourceCommit) =>
  [
    'apiVersion: relx.dev/v1',
    'kind: ReleaseManifest',
    'metadata:',
    `  name: r${r}`,
    `  createdAt: ${new Date((T0 + r * step - 3600) * 1000).toISOString()}`,
    '  source:',
    '    repository: acme/platform',
    `    commit: ${sourceCommit}`,
    `    runUrl: https://ci/run/${r}`,
    `  previous: ${r > 0 ? `r${r - 1}` : 'null'}`,
    'components:',
    '  packages: []',
    '  images:',
    '    - name: api',
    '      repository: ghcr.io/acme/api',
    `      tag: 1.${r}.0`,
    `      digest: sha256:${hex(r + 1)}`,
    '    - name: web',
    '      repository: ghcr.io/acme/web',
    `      tag: 2.${Math.floor(r / 3)}.0`,
    `      digest: sha256:${hex(Math.floor(r / 3) + 7_000_000)}`,
    '  infrastructure: []',
    'compatibility: []',
    '',
  ].join('\n');

/** The GitOps history: about `promotions` promotion commits over dev → staging → prod. */
function gitopsStream(promotions, sourceShas) {
  const out = [];
  let mark = 0;
  let count = 0;
  const current = { dev: null, staging: null, prod: null };
  const commit = (time, env, r, trailers, title, write) => {
    const message = [
      title,
      '',
      `Relx-Manifest: r${r}`,
      `Relx-Environment: ${env}`,
      ...(current[env] !== null ? [`Relx-Previous: r${current[env]}`] : []),
      'Relx-Approved-By: alice',
      `Relx-Run: https://ci/run/${r}`,
      ...trailers,
      '',
    ].join('\n');
    out.push(
      'commit refs/heads/main',
      `mark :${++mark}`,
      `committer relx <relx@x> ${time} +0000`,
      data(message).trimEnd(),
    );
    if (mark > 1) out.push(`from :${mark - 1}`);
    if (write)
      out.push(
        `M 100644 inline environments/${env}/release.yaml`,
        data(manifest(write, sourceShas[write])).trimEnd(),
      );
    out.push('');
    count++;
  };
  out.push(
    'commit refs/heads/main',
    `mark :${++mark}`,
    `committer relx <relx@x> ${T0 - 86400} +0000`,
    data('chore: layout').trimEnd(),
  );
  out.push('M 100644 inline relx.gitops.yaml', data('environments: [dev, staging, prod]\n').trimEnd(), '');
  const promote = (time, env, r, trailers = [], title = `deploy(${env}): r${r}`) => {
    commit(time, env, r, trailers, title, r);
    current[env] = r;
  };
  let r = 0;
  for (; count < promotions; r++) {
    const t = T0 + r * step;
    const prodBefore = current.prod;
    if (r % 30 === 29) {
      promote(t + 600, 'prod', r, ['Relx-Hotfix: true']); // straight to prod
      continue;
    }
    promote(t, 'dev', r);
    promote(t + 300, 'staging', r);
    if (r % 50 === 49) {
      commit(t + 600, 'prod', r, ['Relx-Canary: 5'], `canary(prod): r${r} 5%`, null);
      commit(t + 660, 'prod', r, ['Relx-Canary: abort'], `canary(prod): r${r} aborted`, null);
    } else if (r % 25 === 24) {
      commit(t + 600, 'prod', r, ['Relx-Canary: 5'], `canary(prod): r${r} 5%`, null);
      commit(t + 660, 'prod', r, ['Relx-Canary: 50'], `canary(prod): r${r} 50%`, null);
      promote(t + 720, 'prod', r, ['Relx-Canary: complete']);
    } else {
      promote(t + 600, 'prod', r);
    }
    if (r % 20 === 19 && current.prod === r && prodBefore !== null) {
      const back = prodBefore;
      commit(t + 780, 'prod', back, [`Relx-Rollback-Of: r${r}`], `rollback(prod): r${r} → r${back}`, back);
      current.prod = back;
    }
  }
  return { stream: `${out.join('\n')}\n`, count, until: T0 + (r + 1) * step };
}

function measure(args, cwd, env) {
  const result = spawnSync('/usr/bin/time', ['-f', '%e %M %U %S', process.execPath, relx, ...args], {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 1 << 26,
  });
  const lines = result.stderr.toString().trim().split('\n');
  if (result.status !== 0) throw new Error(`relx ${args.join(' ')} failed:\n${lines.join('\n')}`);
  const [wall, kb, user, sys] = (lines.at(-1) ?? '').split(' ').map(Number);
  return { wall, cpu: user + sys, rssMb: kb / 1024, out: result.stdout.toString() };
}

if (!existsSync(relx)) throw new Error(`${relx} is missing: run \`node scripts/build.mjs cli\` first.`);
console.log(
  `node ${process.version}, ${execFileSync('git', ['--version']).toString().trim()}, ${cpus().length} CPUs`,
);
const results = [];
for (const size of sizes) {
  const releases = Math.ceil(size / 2.5) + 10;
  const started = Date.now();
  const source = join(work, `source-${size}`);
  const marks = fastImport(source, sourceStream(releases));
  const sourceShas = Array.from({ length: releases }, (_, r) => marks.get(`:${2 * r + 2}`));
  const { stream, count, until } = gitopsStream(size, sourceShas);
  const gitops = join(work, `gitops-${size}`);
  fastImport(gitops, stream);
  const generated = (Date.now() - started) / 1000;
  const env = { RELX_NOW: new Date(until * 1000).toISOString() };
  const days = Math.ceil((until - T0) / 86_400) + 1;
  const args = [
    'metrics',
    '--env',
    'prod',
    '--since',
    `${days}d`,
    '--gitops',
    gitops,
    '--source',
    source,
    '--json',
  ];
  const walls = [];
  const cpus_ = [];
  let last;
  for (let i = 0; i < runs; i++) {
    last = measure(args, root, env);
    walls.push(last.wall);
    cpus_.push(last.cpu);
  }
  const m = JSON.parse(last.out);
  const row = {
    promotions: count,
    prodDeployments: m.deployments,
    leadTimeSamples: m.leadTime.count,
    changeFailureRate: m.changeFailure.rate,
    wallSeconds: median(walls),
    bestWallSeconds: Math.min(...walls),
    cpuSeconds: median(cpus_),
    peakRssMb: Math.round(last.rssMb),
    generatedSeconds: generated,
  };
  results.push(row);
  console.log(
    `${String(count).padStart(6)} promotions: relx metrics ${row.wallSeconds.toFixed(2)} s wall (median of ${runs}; best ${row.bestWallSeconds.toFixed(2)} s), ${row.cpuSeconds.toFixed(2)} s CPU with git's, ${row.peakRssMb} MB; prod: ${m.deployments} deployments, ${m.leadTime.count} changes, CFR ${(m.changeFailure.rate * 100).toFixed(1)}% (generated in ${generated.toFixed(1)} s)`,
  );
}
const ten = results.find((r) => r.promotions >= 10_000 && r.promotions < 11_000);
if (ten) {
  const verdict = ten.wallSeconds < 2 ? 'OK' : 'SLOW (see the load average: the machine is shared)';
  console.log(
    `10,000 promotions: ${ten.wallSeconds.toFixed(2)} s wall (target < 2 s) ${verdict}; load average ${loadavg()[0].toFixed(1)}`,
  );
}
mkdirSync(work, { recursive: true });
writeFileSync(join(work, 'result.json'), `${JSON.stringify(results, null, 2)}\n`);
