// Generates a large synthetic npm-workspaces monorepo for `npm run bench`, deterministically
// (seeded), with one `git fast-import` stream: no git process per commit.
// Usage: node scripts/bench/generate-monorepo.mjs [--packages 300] [--commits 50000] [--seed 1] [--out DIR]
import { spawn, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..', '..');

export function parseGeneratorArgs(argv) {
  const get = (flag, fallback) => {
    const at = argv.indexOf(flag);
    return at >= 0 ? argv[at + 1] : fallback;
  };
  return {
    packages: Number(get('--packages', 300)),
    commits: Number(get('--commits', 50000)),
    seed: Number(get('--seed', 1)),
  };
}

/** Mulberry32: small, fast, deterministic. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pad = (n) => String(n).padStart(3, '0');
export const packageName = (p) => `@bench/pkg-${pad(p)}`;

/** Where the repository for these parameters lives (reused across runs). */
export function benchRepoDir({ packages, commits, seed }) {
  const key = createHash('sha256').update(`v3:${packages}:${commits}:${seed}`).digest('hex').slice(0, 12);
  return join(root, '.tmp', 'bench', `monorepo-${packages}x${commits}-${key}`);
}

export async function generateMonorepo(params) {
  const { packages, commits, seed } = params;
  const dir = benchRepoDir(params);
  if (existsSync(join(dir, '.git', 'relx-bench-complete'))) return { dir, reused: true };
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  execFileSync('git', ['init', '-q', '-b', 'main', dir]);

  const random = prng(seed);
  const pick = (n) => Math.floor(random() * n);
  const child = spawn('git', ['fast-import', '--quiet', '--done'], {
    cwd: dir,
    stdio: ['pipe', 'inherit', 'inherit'],
  });
  const done = new Promise((ok, fail) =>
    child.on('close', (code) => (code === 0 ? ok() : fail(new Error(`fast-import exit ${code}`)))),
  );
  let buffer = [];
  let size = 0;
  const write = async (text) => {
    buffer.push(text);
    size += text.length;
    if (size > 1 << 20) await flush();
  };
  const flush = async () => {
    const chunk = buffer.join('');
    buffer = [];
    size = 0;
    if (!child.stdin.write(chunk)) await new Promise((r) => child.stdin.once('drain', r));
  };
  const data = (text) => `data ${Buffer.byteLength(text)}\n${text}\n`;
  let time = 1_700_000_000;
  let mark = 0;
  const commit = async ({ ref = 'refs/heads/main', message, files, from, merge }) => {
    mark++;
    time += 60;
    let text = `commit ${ref}\nmark :${mark}\ncommitter Bench <bench@relx.invalid> ${time} +0000\n${data(message)}`;
    if (from) text += `from :${from}\n`;
    if (merge) text += `merge :${merge}\n`;
    for (const [path, content] of files) text += `M 100644 inline ${path}\n${data(content)}`;
    await write(text);
    return mark;
  };

  // The layout: each package depends on up to three lower-numbered ones (a DAG).
  const deps = [];
  const layout = [
    [
      'package.json',
      `${JSON.stringify({ name: 'bench', private: true, workspaces: ['packages/*'] }, null, 2)}\n`,
    ],
  ];
  for (let p = 0; p < packages; p++) {
    const d = new Set();
    const count = p === 0 ? 0 : pick(4);
    for (let k = 0; k < count; k++) d.add(pick(p));
    deps.push([...d]);
    const pkg = {
      name: packageName(p),
      version: '1.0.0',
      dependencies: Object.fromEntries([...d].sort((a, b) => a - b).map((q) => [packageName(q), '^1.0.0'])),
    };
    layout.push([`packages/pkg-${pad(p)}/package.json`, `${JSON.stringify(pkg, null, 2)}\n`]);
    layout.push([`packages/pkg-${pad(p)}/src/index.js`, `export const id = ${p};\n`]);
  }
  let main = await commit({ message: 'chore: initial layout\n', files: layout });
  const versions = Array.from({ length: packages }, () => [1, 0, 0]);
  const tag = async (p, at) => {
    const v = versions[p];
    await write(`reset refs/tags/${packageName(p)}@${v.join('.')}\nfrom :${at}\n\n`);
  };
  for (let p = 0; p < packages; p++) await tag(p, main);

  // Message shapes in the proportions measured over the 37,096 non-merge commits of babel, vite,
  // typescript-eslint, opentelemetry-js-contrib and changesets (`git log --format=%B`): 70.6% a
  // header only; 16.7% a prose body (1.8 lines, half of them with trailers); 11.0% a GitHub
  // squash list (5.4 `* ` bullets, a third of them conventional headers, a fifth with the
  // `---------` separator and trailers); 1.7% a dependency update (dependabot's body with its
  // links, YAML and Signed-off-by). Half the dependency bodies here also quote release notes with
  // conventional lines: none of the five repositories has one, but renovate and dependabot write
  // them when release notes are enabled, and they are the lines a reader must not count.
  const types = [
    ['feat', 25],
    ['fix', 30],
    ['perf', 5],
    ['chore', 15],
    ['docs', 10],
    ['refactor', 10],
    ['test', 4],
    ['plain', 5],
  ];
  const totalWeight = types.reduce((s, [, w]) => s + w, 0);
  const scopes = ['api', 'core', 'cli', 'deps', 'build', null, null, null];
  const pickType = () => {
    let r = pick(totalWeight);
    for (const [t, w] of types) if ((r -= w) < 0) return t;
    return 'fix';
  };
  const people = [
    'Ada Lovelace <ada@example.com>',
    'Grace Hopper <grace@example.com>',
    'Alan Turing <alan@example.com>',
  ];
  const trailers = () =>
    `Co-authored-by: ${people[pick(people.length)]}${random() < 0.15 ? `\nSigned-off-by: ${people[pick(people.length)]}` : ''}`;
  const squashList = (i) => {
    const bullets = [];
    for (let k = 0, n = 1 + pick(9); k < n; k++) {
      const type = pickType();
      bullets.push(
        type === 'plain' || random() < 0.64 ? `* wip on ${i}.${k}` : `* ${type}: step ${k} of change ${i}`,
      );
      if (random() < 0.2) bullets.push('', `Why step ${k} was needed, in a sentence.`);
    }
    const end =
      random() < 0.18 ? `\n\n---------\n\n${trailers()}` : random() < 0.15 ? `\n\n${trailers()}` : '';
    return `\n\n${bullets.join('\n\n')}${end}`;
  };
  const prose = (i) => {
    const lines = [`Longer explanation of change ${i}.`];
    if (random() < 0.5) lines.push('It spans a second line of the body.');
    return `\n\n${lines.join('\n')}${random() < 0.54 ? `\n\n${trailers()}` : ''}`;
  };
  const releaseNotes = (dep) =>
    random() < 0.5
      ? [
          '<details>',
          '<summary>Release notes</summary>',
          `<p><em>Sourced from <a href="https://github.com/example/${dep}/releases">${dep}'s releases</a>.</em></p>`,
          '<blockquote>',
          '<h2>v2.1.0</h2>',
          '<ul>',
          '<li>feat: make x idempotent (#123)</li>',
          '<li>fix!: drop the legacy API (#120)</li>',
          '</ul>',
          '</blockquote>',
          '</details>',
          '',
        ]
      : ['### Release Notes', '', '##### Features', '', 'feat: make x idempotent', 'fix(core): handle y', ''];
  const dependencyUpdate = (i) => {
    const dep = `dep-${pick(50)}`;
    const notes = random() < 0.5 ? releaseNotes(dep) : [];
    const body = [
      `Bumps [${dep}](https://github.com/example/${dep}) from 2.0.${i % 10} to 2.1.0.`,
      `- [Release notes](https://github.com/example/${dep}/releases)`,
      `- [Changelog](https://github.com/example/${dep}/blob/main/CHANGELOG.md)`,
      `- [Commits](https://github.com/example/${dep}/compare/v2.0.${i % 10}...v2.1.0)`,
      '',
      ...notes,
      '---',
      'updated-dependencies:',
      `- dependency-name: ${dep}`,
      '  dependency-type: direct:production',
      '  update-type: version-update:semver-minor',
      '...',
      '',
      'Signed-off-by: dependabot[bot] <support@github.com>',
    ];
    return `chore(deps): bump ${dep} from 2.0.${i % 10} to 2.1.0 (#${i})\n\n${body.join('\n')}\n`;
  };
  const message = (i) => {
    const shape = random();
    if (shape >= 0.983) return dependencyUpdate(i);
    const type = pickType();
    if (type === 'plain') return `Update generated files ${i}\n`;
    const scope = scopes[pick(scopes.length)];
    const breaking = random() < 0.01;
    const head = `${type}${scope ? `(${scope})` : ''}${breaking && random() < 0.5 ? '!' : ''}: change number ${i}`;
    const body = shape < 0.706 ? '' : shape < 0.873 ? prose(i) : squashList(i);
    const footer = breaking && !head.includes('!') ? '\n\nBREAKING CHANGE: behaviour changed' : '';
    return `${head}${body}${footer}\n`;
  };
  const changeFiles = (i) => {
    const touched = random() < 0.1 ? 2 + pick(2) : 1;
    const files = [];
    for (let k = 0; k < touched; k++) {
      const p = pick(packages);
      files.push([`packages/pkg-${pad(p)}/src/f${pick(20)}.js`, `export const v = ${i};\n`]);
    }
    return files;
  };

  for (let i = 1; i < commits;) {
    if (i % 1000 === 500 && i + 7 < commits) {
      // a topic branch merged back with a merge commit, main moving meanwhile
      let side = main;
      for (let k = 0; k < 3; k++) {
        side = await commit({
          ref: 'refs/heads/topic',
          message: message(i),
          files: changeFiles(i),
          from: side,
        });
        i++;
        main = await commit({ message: message(i), files: changeFiles(i), from: main });
        i++;
      }
      main = await commit({ message: `Merge branch 'topic-${i}'\n`, files: [], from: main, merge: side });
      i++;
      continue;
    }
    main = await commit({ message: message(i), files: changeFiles(i), from: main });
    // release tags along the way; every 50th package is never released again (an old last release)
    for (let p = i % 2000; p < packages; p += 2000) {
      if (p % 50 !== 0) {
        versions[p][1]++;
        await tag(p, main);
      }
    }
    i++;
  }
  await write(`reset refs/heads/main\nfrom :${main}\n\ndone\n`);
  await flush();
  child.stdin.end();
  await done;
  execFileSync('git', ['checkout', '-q', '-f', 'main'], { cwd: dir });
  execFileSync('git', ['branch', '-q', '-D', 'topic'], { cwd: dir, stdio: 'ignore' });
  writeFileSync(join(dir, '.git', 'relx-bench-complete'), `${JSON.stringify(params)}\n`);
  return { dir, reused: false, deps };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const params = parseGeneratorArgs(process.argv.slice(2));
  const started = Date.now();
  const { dir, reused } = await generateMonorepo(params);
  console.log(`${reused ? 'reused' : 'generated'} ${dir} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
