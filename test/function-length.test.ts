import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import ts from 'typescript';

/**
 * Functions stay under ~80 lines (#19): a long function is several decisions inline, and each
 * decision should carry its own name. This measures every function in src/ (declarations,
 * methods, and arrow functions or function expressions bound to a name) and fails on one over
 * the limit that the exceptions below do not name. Each exception says why; the test also fails
 * on an exception that no longer exceeds the limit or no longer exists, so the list stays current.
 */

const root = resolve(import.meta.dirname, '..');
const maxLines = 80;

/**
 * Why each of these is still longer than the limit, as `file:function` → reason. Empty: none is.
 * A `register…Command` in src/cli/ is exempt only when it is a commander option list.
 */
const exceptions: Record<string, string> = {};

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

const sourceFiles = filesUnder(join(root, 'src'))
  .filter((f) => !f.endsWith('.test.ts') && !f.endsWith('.d.ts'))
  .map((f) => relative(root, f))
  .sort();

interface MeasuredFunction {
  /** file:function, e.g. src/release-plan/plan-release.ts:planRelease */
  id: string;
  lines: number;
}

/** The name a function carries: its own, its method's, or the variable or property it is bound to. */
function nameOf(node: ts.FunctionLikeDeclaration): string | undefined {
  if (node.name && (ts.isIdentifier(node.name) || ts.isStringLiteral(node.name))) return node.name.text;
  if (ts.isConstructorDeclaration(node)) return 'constructor';
  const parent = node.parent;
  if (ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name)) return parent.name.text;
  if (ts.isPropertyAssignment(parent) && ts.isIdentifier(parent.name)) return parent.name.text;
  if (ts.isPropertyDeclaration(parent) && ts.isIdentifier(parent.name)) return parent.name.text;
  return undefined;
}

function functionsOf(file: string): MeasuredFunction[] {
  const source = ts.createSourceFile(
    file,
    readFileSync(join(root, file), 'utf8'),
    ts.ScriptTarget.Latest,
    true,
  );
  const found: MeasuredFunction[] = [];
  const visit = (node: ts.Node) => {
    if (
      (ts.isFunctionDeclaration(node) ||
        ts.isMethodDeclaration(node) ||
        ts.isConstructorDeclaration(node) ||
        ts.isGetAccessorDeclaration(node) ||
        ts.isSetAccessorDeclaration(node) ||
        ts.isArrowFunction(node) ||
        ts.isFunctionExpression(node)) &&
      node.body
    ) {
      const name = nameOf(node);
      if (name) {
        const start = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
        const end = source.getLineAndCharacterOfPosition(node.getEnd()).line;
        found.push({ id: `${file}:${name}`, lines: end - start + 1 });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

const measured = sourceFiles.flatMap(functionsOf);
/** The longest measure per id: two functions of one name in a file count as one. */
const longest = new Map<string, number>();
for (const f of measured) longest.set(f.id, Math.max(longest.get(f.id) ?? 0, f.lines));

describe('function length', () => {
  it('measures the functions of src/', () => {
    expect(longest.size).toBeGreaterThan(100);
    expect(longest.get('src/release-plan/plan-release.ts:planRelease')).toBeGreaterThan(0);
  });

  it(`keeps every function in src/ at ${maxLines} lines or fewer, but the named exceptions`, () => {
    const tooLong = [...longest]
      .filter(([id, lines]) => lines > maxLines && !(id in exceptions))
      .map(([id, lines]) => `${id} (${lines} lines)`);
    expect(tooLong).toEqual([]);
  });

  it('gives every exception a reason', () => {
    const unexplained = Object.entries(exceptions)
      .filter(([, reason]) => reason.trim().length < 10)
      .map(([id]) => id);
    expect(unexplained).toEqual([]);
  });

  it('keeps the exceptions current: each still exists and still exceeds the limit', () => {
    const stale = Object.keys(exceptions)
      .filter((id) => (longest.get(id) ?? 0) <= maxLines)
      .map((id) => (longest.has(id) ? `${id} (now ${longest.get(id)} lines)` : `${id} (no such function)`));
    expect(stale).toEqual([]);
  });
});
