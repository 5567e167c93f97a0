// The inputs and outputs tables in each action's README, and the actions table in README.md, are
// generated from action.yml so they cannot drift. `node scripts/action-docs.mjs` rewrites them;
// `--check` fails (exit 1) naming each stale file. The test suite runs the check.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parse } from 'yaml';

const root = resolve(import.meta.dirname, '..');
const check = process.argv.includes('--check');

/** Markdown table cell: one line, pipes escaped. */
const cell = (text) =>
  String(text ?? '')
    .trim()
    .replace(/\s*\n\s*/g, ' ')
    .replaceAll('|', '\\|')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;');

function actionFiles(dir = join(root, 'actions')) {
  const found = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
    a.name.localeCompare(b.name),
  )) {
    const path = join(dir, entry.name);
    if (entry.isDirectory() && entry.name !== 'steps') found.push(...actionFiles(path));
    else if (entry.name === 'action.yml') found.push(path);
  }
  return found;
}

function renderDefault(value) {
  if (value === undefined || value === '') return '—';
  return `\`${cell(value)}\``;
}

function renderInputsAndOutputs(action, heading = '###') {
  const lines = [`${heading} Inputs`, ''];
  const inputs = Object.entries(action.inputs ?? {});
  if (inputs.length === 0) lines.push('None.');
  else {
    lines.push('| input | required | default | description |', '|---|---|---|---|');
    for (const [name, spec] of inputs) {
      lines.push(
        `| \`${name}\` | ${spec.required ? 'yes' : 'no'} | ${renderDefault(spec.default)} | ${cell(spec.description)} |`,
      );
    }
  }
  lines.push('', `${heading} Outputs`, '');
  const outputs = Object.entries(action.outputs ?? {});
  if (outputs.length === 0) lines.push('None.');
  else {
    lines.push('| output | description |', '|---|---|');
    for (const [name, spec] of outputs) lines.push(`| \`${name}\` | ${cell(spec.description)} |`);
  }
  return lines.join('\n');
}

const begin = (id) => `<!-- generated:${id} from action.yml by scripts/action-docs.mjs; do not edit -->`;
const end = (id) => `<!-- /generated:${id} -->`;

/** Replaces the generated block, or appends it when the file has none yet. */
function withBlock(text, id, body) {
  const block = `${begin(id)}\n\n${body}\n\n${end(id)}`;
  const start = text.indexOf(begin(id));
  const stop = text.indexOf(end(id));
  if (start >= 0 && stop > start) return text.slice(0, start) + block + text.slice(stop + end(id).length);
  return `${text.trimEnd()}\n\n## Reference\n\n${block}\n`;
}

const stale = [];
const write = (path, next) => {
  const current = existsSync(path) ? readFileSync(path, 'utf8') : '';
  if (current === next) return;
  if (check) stale.push(relative(root, path));
  else writeFileSync(path, next);
};

const rows = [];
const details = [];
for (const file of actionFiles()) {
  const dir = join(file, '..');
  const name = relative(join(root, 'actions'), dir);
  const action = parse(readFileSync(file, 'utf8'));
  const readme = join(dir, 'README.md');
  write(
    readme,
    withBlock(
      existsSync(readme) ? readFileSync(readme, 'utf8') : `# ${name}\n`,
      'reference',
      renderInputsAndOutputs(action),
    ),
  );
  details.push(
    [
      `<details><summary><code>${name}</code>: inputs and outputs</summary>`,
      '',
      renderInputsAndOutputs(action, '####'),
      '',
      '</details>',
    ].join('\n'),
  );
  rows.push(
    `| [\`${name}\`](actions/${name}/README.md) | ${action.runs?.using === 'composite' ? 'composite' : action.runs?.using} | ${cell(action.description)} | ${Object.keys(action.inputs ?? {}).length} | ${Object.keys(action.outputs ?? {}).length} |`,
  );
}
const table = [
  "Use them as `uses: relx-dev/relx/<action>@v1`. Each action's README says how it works; its inputs and outputs are here and there.",
  '',
  '| action | runs | what it does | inputs | outputs |',
  '|---|---|---|---|---|',
  ...rows,
  '',
  ...details.flatMap((d) => [d, '']),
]
  .join('\n')
  .trimEnd();
const readme = join(root, 'README.md');
write(readme, withBlock(readFileSync(readme, 'utf8'), 'actions', table));

if (check && stale.length > 0) {
  console.error(
    `Generated action docs are stale:\n  ${stale.join('\n  ')}\nRun \`npm run docs\` and commit.`,
  );
  process.exit(1);
}
