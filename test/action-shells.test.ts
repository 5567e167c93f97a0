import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

/**
 * Each action is a shell that only translates: inputs into one typed object, one core step in
 * src/ (the one the CLI calls too), outputs and the summary. This fails when an action's code
 * calls into src/ beyond its step and its summary renderer, or runs git or fetch itself.
 */

const root = resolve(import.meta.dirname, '..');

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** The action code: every .ts under actions/ but the shared shell and the 3-line index.ts entries. */
const actionFiles = filesUnder(join(root, 'actions'))
  .filter((f) => !f.includes(`${join('actions', 'shell')}/`) && !f.endsWith('index.ts'))
  .map((f) => relative(root, f))
  .sort();

/** Modules an action may use besides its step and its renderer: errors for reading its inputs. */
const shellSupport = new Set(['src/relx-error.ts']);
/** What only the shared shell (actions/shell/) may touch. */
const forbiddenModules = ['node:child_process', 'child_process', '@actions/exec', '@actions/github'];

interface ImportUse {
  module: string;
  typeOnly: boolean;
}

function importsOf(file: string): { imports: ImportUse[]; source: ts.SourceFile } {
  const source = ts.createSourceFile(
    file,
    readFileSync(join(root, file), 'utf8'),
    ts.ScriptTarget.Latest,
    true,
  );
  const imports: ImportUse[] = [];
  for (const statement of source.statements) {
    if (!ts.isImportDeclaration(statement) && !ts.isExportDeclaration(statement)) continue;
    const specifier = statement.moduleSpecifier;
    if (!specifier || !ts.isStringLiteral(specifier)) continue;
    const clause = ts.isImportDeclaration(statement) ? statement.importClause : undefined;
    const typeOnly = ts.isImportDeclaration(statement)
      ? Boolean(
          clause?.isTypeOnly ||
          (clause &&
            !clause.name &&
            clause.namedBindings &&
            ts.isNamedImports(clause.namedBindings) &&
            clause.namedBindings.elements.every((e) => e.isTypeOnly)),
        )
      : statement.isTypeOnly;
    const text = specifier.text;
    const module = text.startsWith('.')
      ? relative(root, resolve(dirname(join(root, file)), text)).replace(/\.js$/, '.ts')
      : text;
    imports.push({ module, typeOnly });
  }
  return { imports, source };
}

/** Calls by name anywhere in the file: fetch(…), runGit(…), execFile(…). */
function callsOf(source: ts.SourceFile): string[] {
  const names: string[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression)) names.push(node.expression.text);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return names;
}

const cliFiles = filesUnder(join(root, 'src', 'cli')).filter((f) => !f.endsWith('.test.ts'));
const cliImports = new Set(
  cliFiles.flatMap((f) => importsOf(relative(root, f)).imports.map((i) => i.module)),
);

describe('action shells only translate', () => {
  it('finds the action code', () => {
    expect(actionFiles.length).toBeGreaterThanOrEqual(11);
  });

  it.each(actionFiles)(
    '%s calls one core step and its summary renderer, and no git or fetch itself',
    (file) => {
      const { imports, source } = importsOf(file);
      const fromSrc = imports.filter((i) => i.module.startsWith('src/') && !i.typeOnly).map((i) => i.module);
      const steps = fromSrc.filter((m) => m.endsWith('-step.ts'));
      const renderers = fromSrc.filter((m) => /\/render-[^/]+\.ts$/.test(m));
      const other = fromSrc.filter(
        (m) => !steps.includes(m) && !renderers.includes(m) && !shellSupport.has(m),
      );
      expect({ file, other }).toEqual({ file, other: [] });
      expect(new Set(steps).size).toBeLessThanOrEqual(1);
      expect(new Set(renderers).size).toBeLessThanOrEqual(1);
      expect(imports.map((i) => i.module).filter((m) => forbiddenModules.includes(m))).toEqual([]);
      expect(
        callsOf(source).filter((name) => ['fetch', 'runGit', 'execFile', 'spawn'].includes(name)),
      ).toEqual([]);
      // the step is the CLI's too: an action does nothing a command cannot
      for (const step of steps)
        expect({ step, calledByTheCli: cliImports.has(step) }).toEqual({ step, calledByTheCli: true });
    },
  );
});
