import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parse } from 'yaml';

const root = resolve(import.meta.dirname, '..');
// actions/shell is the code the actions share (action-shell.ts), not an action
const actionNames = readdirSync(join(root, 'actions')).filter(
  (n) => n !== 'shell' && statSync(join(root, 'actions', n)).isDirectory(),
);

/** Every action.yml, the nested ones (publish-artifact/dispatch) too. */
function actionFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? actionFiles(join(dir, e.name)) : e.name === 'action.yml' ? [join(dir, e.name)] : [],
  );
}

// The Marketplace's branding colours; icons are Feather names.
const brandingColors = ['white', 'black', 'yellow', 'blue', 'green', 'orange', 'red', 'purple', 'gray-dark'];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

describe('conventions', () => {
  it('has at least one action', () => {
    expect(actionNames.length).toBeGreaterThan(0);
  });

  it.each(actionNames)(
    'actions/%s has action.yml, a README that documents every input and output, and a bundle',
    (name) => {
      const dir = join(root, 'actions', name);
      expect(existsSync(join(dir, 'action.yml'))).toBe(true);
      expect(existsSync(join(dir, 'README.md'))).toBe(true);
      const action = parse(readFileSync(join(dir, 'action.yml'), 'utf8')) as {
        name: string;
        description: string;
        inputs?: Record<string, unknown>;
        outputs?: Record<string, unknown>;
        runs: { using: string; main?: string };
      };
      expect(action.name).toBeTruthy();
      expect(action.description).toBeTruthy();
      const readme = readFileSync(join(dir, 'README.md'), 'utf8');
      for (const key of [...Object.keys(action.inputs ?? {}), ...Object.keys(action.outputs ?? {})]) {
        expect(readme).toContain(`\`${key}\``);
      }
      expect(['node24', 'composite']).toContain(action.runs.using);
      if (action.runs.using === 'node24') {
        // On main the action runs from actions/<name>/; the release lays it out beside dist/.
        expect(action.runs.main).toBe(`../../dist/${name}/index.js`);
        expect(existsSync(join(root, 'dist', name, 'index.js'))).toBe(true);
        expect(existsSync(join(dir, 'index.ts'))).toBe(true);
      }
    },
  );

  it.each(actionFiles(join(root, 'actions')).map((f) => [relative(root, f), f]))(
    '%s is fit for the Marketplace: branding, and a description under 125 characters',
    (_, file) => {
      const action = parse(readFileSync(file, 'utf8')) as {
        description?: unknown;
        branding?: { icon?: unknown; color?: unknown };
      };
      expect(typeof action.description).toBe('string');
      expect(String(action.description).length).toBeLessThan(125);
      expect(action.branding?.icon).toEqual(expect.stringMatching(/^[a-z][a-z0-9-]*$/));
      expect(brandingColors).toContain(action.branding?.color);
    },
  );

  it('names the actions by one owner everywhere a user reads or copies them: relx-dev/relx', () => {
    const readmes = [
      join(root, 'README.md'),
      ...actionFiles(join(root, 'actions')).map((f) => join(f, '..', 'README.md')),
    ];
    const templates = readdirSync(join(root, 'workflows-templates'))
      .filter((f) => f.endsWith('.yml'))
      .map((f) => join(root, 'workflows-templates', f));
    const others: string[] = [];
    for (const file of [...readmes, ...templates]) {
      for (const [use] of readFileSync(file, 'utf8').matchAll(/[\w.-]+\/relx\/[\w/-]+@\w+/g))
        if (!use.startsWith('relx-dev/relx/')) others.push(`${relative(root, file)}: ${use}`);
    }
    expect(others).toEqual([]);
  });

  it('keeps @actions/* out of the domain core in src/', () => {
    const offenders = sourceFiles(join(root, 'src')).filter((f) =>
      /from\s+['"]@actions\/|import\(\s*['"]@actions\//.test(readFileSync(f, 'utf8')),
    );
    expect(offenders.map((f) => relative(root, f))).toEqual([]);
  });

  it('names files after the domain, not utils/helpers/common', () => {
    const vague = [...sourceFiles(join(root, 'src')), ...sourceFiles(join(root, 'actions'))].filter((f) =>
      /(^|\/)(utils?|helpers?|common|misc|adapters?|manager)(\.test)?\.ts$/.test(f),
    );
    expect(vague).toEqual([]);
  });

  it("documents every action's inputs and outputs from its action.yml (npm run docs regenerates)", () => {
    expect(() =>
      execFileSync(process.execPath, [join(root, 'scripts', 'action-docs.mjs'), '--check'], {
        encoding: 'utf8',
        stdio: 'pipe',
      }),
    ).not.toThrow();
  });

  it('documents every template and every variable and secret the templates read in the README', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const dir = join(root, 'workflows-templates');
    const templates = readdirSync(dir).filter((f) => f.endsWith('.yml'));
    expect(templates.length).toBeGreaterThan(0);
    const undocumented: string[] = [];
    for (const file of templates) {
      if (!readme.includes(`(workflows-templates/${file})`)) undocumented.push(file);
      const text = readFileSync(join(dir, file), 'utf8');
      for (const [, name] of text.matchAll(/\b(?:vars|secrets)\.([A-Z][A-Z0-9_]*)/g)) {
        if (name !== 'GITHUB_TOKEN' && !readme.includes(`| \`${name}\` |`))
          undocumented.push(`${file}: ${name}`);
      }
    }
    expect(undocumented).toEqual([]);
  });

  it("installs pnpm and yarn in release.yml with ci.yml's own steps, so that the two stay in step", () => {
    type Step = { name?: string; run?: string; env?: Record<string, string> };
    const stepsOf = (file: string, job: string) =>
      (
        parse(readFileSync(join(root, 'workflows-templates', file), 'utf8')) as {
          jobs: Record<string, { steps: Step[] }>;
        }
      ).jobs[job]?.steps ?? [];
    const ci = stepsOf('ci.yml', 'validate');
    const release = stepsOf('release.yml', 'release');
    for (const name of ['Package manager', 'Install']) {
      const [inCi, inRelease] = [ci, release].map((steps) => steps.find((s) => s.name === name));
      expect(inCi?.run).toBeDefined();
      expect({ name, run: inRelease?.run, env: Object.keys(inRelease?.env ?? {}) }).toEqual({
        name,
        run: inCi?.run,
        env: Object.keys(inCi?.env ?? {}),
      });
    }
    // the same choice: ci.yml adds only the input of its workflow_call
    const wanted = (steps: Step[]) => steps.find((s) => s.name === 'Package manager')?.env?.WANTED;
    expect(wanted(ci)).toBe('${{ inputs.package-manager || vars.RELX_PACKAGE_MANAGER }}');
    expect(wanted(release)).toBe('${{ vars.RELX_PACKAGE_MANAGER }}');
  });
});
