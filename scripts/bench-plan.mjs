// `npm run bench`: relx plan on a large synthetic monorepo against the bare git log pass over the
// same range (the floor) and against conventional-recommended-bump run per package (the usual
// per-package approach). Prints ratios; writes .tmp/bench/result.json. Not a test: figures vary
// by machine, the ratios are what the README quotes.
// Usage: npm run bench -- [--packages 300] [--commits 50000] [--sample 10] [--runs 5] [--relx dist/cli/index.js]
import { execFileSync, spawnSync } from 'node:child_process';
import { cpus } from 'node:os';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { generateMonorepo, packageName, parseGeneratorArgs } from './bench/generate-monorepo.mjs';

const root = resolve(import.meta.dirname, '..');
const argv = process.argv.slice(2);
const flag = (name, fallback) => {
  const at = argv.indexOf(name);
  return at >= 0 ? argv[at + 1] : fallback;
};
const params = parseGeneratorArgs(argv);
const sample = Number(flag('--sample', 10));
const runs = Number(flag('--runs', 5));
const relx = resolve(root, flag('--relx', 'dist/cli/index.js'));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Wall seconds and peak RSS (MB) of a command, measured by GNU time; output discarded. */
function measure(command, args, cwd) {
  const result = spawnSync('/usr/bin/time', ['-f', '%e %M', command, ...args], {
    cwd,
    stdio: ['ignore', 'ignore', 'pipe'],
    maxBuffer: 1 << 26,
  });
  const lines = result.stderr.toString().trim().split('\n');
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed:\n${lines.join('\n')}`);
  const [wall, kb] = (lines.at(-1) ?? '').split(' ').map(Number);
  return { wall, rssMb: kb / 1024 };
}

console.log(
  `node ${process.version}, ${execFileSync('git', ['--version']).toString().trim()}, ${cpus().length} CPUs`,
);
let started = Date.now();
const { dir, reused } = await generateMonorepo(params);
console.log(
  `${reused ? 'reused' : 'generated'} ${params.packages} packages × ${params.commits} commits in ${((Date.now() - started) / 1000).toFixed(1)} s: ${dir}`,
);

// The message shapes the generator wrote, measured as the README's proportions were (non-merge commits).
const messageShapes = (() => {
  const messages = execFileSync('git', ['log', '--no-merges', '--format=%B%x00'], {
    cwd: dir,
    maxBuffer: 1 << 30,
  })
    .toString()
    .split('\0')
    .map((m) => m.replace(/^\n/, '').trimEnd())
    .filter(Boolean);
  const bodies = messages.map((m) => m.split('\n').slice(1).join('\n').trim()).filter(Boolean);
  const share = (test) => `${((100 * bodies.filter(test).length) / messages.length).toFixed(1)}%`;
  return {
    commits: messages.length,
    withBody: share(() => true),
    squashList: share((b) => /^\* \S/m.test(b) && !/^Bumps \[/m.test(b)),
    dependencyUpdate: share((b) => /^Bumps \[/m.test(b)),
    quotedReleaseNotes: share((b) => /<blockquote>|^### Release Notes/m.test(b)),
    trailers: share((b) => /^(Co-authored-by|Signed-off-by):/m.test(b)),
  };
})();
console.log(
  `messages: ${messageShapes.withBody} with a body, ${messageShapes.squashList} squash lists, ${messageShapes.dependencyUpdate} dependency updates (${messageShapes.quotedReleaseNotes} quoting release notes), ${messageShapes.trailers} with trailers`,
);

// The floor: the same git log pass relx makes, over the same range (since the oldest last release).
const git = (...args) => execFileSync('git', args, { cwd: dir, maxBuffer: 1 << 26 }).toString();
const lastTagCommits = [];
for (let p = 0; p < params.packages; p++) {
  const tags = git('tag', '--list', `${packageName(p)}@*`, '--sort=-v:refname')
    .split('\n')
    .filter(Boolean);
  if (tags[0]) lastTagCommits.push(git('rev-list', '-n', '1', tags[0]).trim());
}
const bases = git('merge-base', '--octopus', '--all', ...new Set(lastTagCommits))
  .split('\n')
  .filter(Boolean);
const range = ['HEAD', ...bases.map((b) => `^${b}`)];
const rangeCommits = Number(git('rev-list', '--count', ...range).trim());
const floorArgs = [
  '-c',
  'core.quotepath=off',
  'log',
  '-z',
  '--topo-order',
  '--name-only',
  '--no-renames',
  '--format=%x1e%H %ct %P%x00%B',
  ...range,
  '--',
];
// Interleaved, so that a noisy neighbour slows both sides alike.
const relxRuns = [];
const floorRuns = [];
for (let r = 0; r < runs; r++) {
  relxRuns.push(measure(process.execPath, [relx, 'plan', '--json', '--cwd', dir], root));
  floorRuns.push(measure('git', floorArgs, dir));
}
const relxWall = median(relxRuns.map((m) => m.wall));
const relxRss = Math.max(...relxRuns.map((m) => m.rssMb));
const floorWall = median(floorRuns.map((m) => m.wall));

// conventional-recommended-bump, once per package, on a sample, extrapolated.
const crbScript = `
  import { Bumper } from 'conventional-recommended-bump';
  const [dir, ...names] = process.argv.slice(1);
  for (const name of names) {
    const folder = 'packages/' + name.split('/')[1];
    const result = await new Bumper(dir).loadPreset('angular').tag({ prefix: name + '@' }).commits({ path: folder }).bump();
    process.stdout.write(name + ' ' + (result.releaseType ?? 'none') + '\\n');
  }`;
const sampled = Array.from({ length: sample }, (_, k) =>
  packageName(Math.floor((k * params.packages) / sample) + 1),
);
started = Date.now();
const crb = spawnSync(process.execPath, ['--input-type=module', '-e', crbScript, dir, ...sampled], {
  cwd: root,
});
if (crb.status !== 0) throw new Error(`conventional-recommended-bump failed: ${crb.stderr}`);
const crbPerPackage = (Date.now() - started) / 1000 / sample;
const crbAll = crbPerPackage * params.packages;

const result = {
  machine: { node: process.version, cpus: cpus().length },
  repository: { ...params, rangeCommits, messageShapes },
  relx: { wallSeconds: relxWall, peakRssMb: Math.round(relxRss), runs: relxRuns },
  floor: { wallSeconds: floorWall },
  conventionalRecommendedBump: { sample, perPackageSeconds: crbPerPackage, extrapolatedSeconds: crbAll },
  ratios: { relxOverFloor: relxWall / floorWall, crbOverRelx: crbAll / relxWall },
};
const targets = [
  [
    'relx plan / git log floor',
    result.ratios.relxOverFloor.toFixed(2),
    '≤ 1.5',
    result.ratios.relxOverFloor <= 1.5,
  ],
  [
    'per-package CRB / relx plan',
    `${result.ratios.crbOverRelx.toFixed(0)}×`,
    '≥ 20×',
    result.ratios.crbOverRelx >= 20,
  ],
  ['relx plan peak RSS', `${result.relx.peakRssMb} MB`, '≤ 300 MB', result.relx.peakRssMb <= 300],
];
console.log(`
range since the oldest last release: ${rangeCommits} commits
relx plan --json                      ${relxWall.toFixed(2)} s (median of ${runs}), peak RSS ${result.relx.peakRssMb} MB
git log floor, same range             ${floorWall.toFixed(2)} s (median of ${runs})
conventional-recommended-bump         ${crbPerPackage.toFixed(2)} s per package (${sample} sampled) → ${crbAll.toFixed(1)} s for ${params.packages}

target                          value     target     result`);
for (const [name, value, target, ok] of targets) {
  console.log(`${name.padEnd(32)}${String(value).padEnd(10)}${target.padEnd(11)}${ok ? 'PASS' : 'FAIL'}`);
}
mkdirSync(join(root, '.tmp', 'bench'), { recursive: true });
writeFileSync(
  join(root, '.tmp', 'bench', 'result.json'),
  `${JSON.stringify({ ...result, targets }, null, 2)}\n`,
);
