import { configurationError } from '../relx-error.js';
import { updateDependencyRange } from './dependency-range.js';
import type { VersionFileChange, VersionFileUpdater } from './version-file-change.js';

const tableHeader = /^\s*\[\[?([^\]]+)\]\]?\s*(#.*)?\r?$/;
const unquote = (key: string) => key.trim().replace(/^["']|["']$/g, '');

/** `version = "…"` inside the first of `tables` the file has, edited on its line. */
function setTomlVersion(lines: string[], tables: readonly string[], version: string): boolean {
  for (const table of tables) {
    let inside = false;
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i] ?? '';
      const header = tableHeader.exec(line);
      if (header) {
        inside = header[1]?.trim() === table;
        continue;
      }
      const match = inside ? /^(\s*version\s*=\s*)(["'])([^"']*)\2([\s\S]*)$/.exec(line) : null;
      if (match) {
        lines[i] = `${match[1]}${match[2]}${version}${match[2]}${match[4]}`;
        return true;
      }
    }
  }
  return false;
}

/**
 * TOML files are hand-written and full of comments, so each edit is made on its line and nothing
 * else is touched: the component's `version`, then its dependents' ranges (`editDependencies`).
 */
function tomlVersionUpdater(
  kind: string,
  tables: readonly string[],
  editDependencies: (lines: string[], dependencies: Record<string, string>) => void,
): VersionFileUpdater {
  return (content: string, change: VersionFileChange, file: string) => {
    const lines = content.split('\n');
    if (change.version !== undefined && !setTomlVersion(lines, tables, change.version)) {
      throw configurationError(`has no \`version\` in [${tables.join('] or [')}].`, {
        file,
        field: `${tables[0]}.version`,
        fix: `Add \`version = "0.1.0"\` under [${tables[0]}] of this ${kind}.`,
      });
    }
    if (change.dependencies) editDependencies(lines, change.dependencies);
    return lines.join('\n');
  };
}

/** Cargo's dependency tables: [dependencies], [dev-dependencies], [workspace.dependencies], [target.'…'.build-dependencies]. */
const isCargoDependencyTable = (table: string) => /(^|\.)(dev-|build-)?dependencies$/.test(table);

/**
 * Cargo.toml ranges of internal crates: `core = "1.2.0"`, `core = { path = "../core", version = "^1.2" }`
 * and `[dependencies.core]` … `version = "1.2.0"`. A crate without a version (path only) is left alone.
 */
function editCargoDependencies(lines: string[], dependencies: Record<string, string>): void {
  let table = '';
  let crateTable: string | null = null;
  const rewrite = (range: string, crate: string) =>
    updateDependencyRange(range, dependencies[crate] as string);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const header = tableHeader.exec(line);
    if (header) {
      table = header[1]?.trim() ?? '';
      const dotted = /^(.*(?:dependencies))\.("[^"]+"|'[^']+'|[A-Za-z0-9_-]+)$/.exec(table);
      crateTable = dotted && isCargoDependencyTable(dotted[1] ?? '') ? unquote(dotted[2] ?? '') : null;
      continue;
    }
    if (crateTable !== null) {
      if (crateTable in dependencies) {
        lines[i] = line.replace(
          /^(\s*version\s*=\s*)(["'])([^"']*)\2/,
          (_, before: string, q: string, range: string) =>
            `${before}${q}${rewrite(range, crateTable as string)}${q}`,
        );
      }
      continue;
    }
    if (!isCargoDependencyTable(table)) continue;
    const entry = /^(\s*)("[^"]+"|'[^']+'|[A-Za-z0-9_-]+)(\s*=\s*)([\s\S]*)$/.exec(line);
    const crate = entry ? unquote(entry[2] ?? '') : '';
    if (!entry || !(crate in dependencies)) continue;
    const value = entry[4] ?? '';
    const edited = value.startsWith('{')
      ? value.replace(
          /(\bversion\s*=\s*)(["'])([^"']*)\2/,
          (_, before: string, q: string, range: string) => `${before}${q}${rewrite(range, crate)}${q}`,
        )
      : value.replace(
          /^(["'])([^"']*)\1/,
          (_, q: string, range: string) => `${q}${rewrite(range, crate)}${q}`,
        );
    lines[i] = `${entry[1]}${entry[2]}${entry[3]}${edited}`;
  }
}

/** PEP 503: names compare lower-case with runs of `-`, `_` and `.` as one `-`. */
export const normalizePythonName = (name: string) => name.toLowerCase().replace(/[-_.]+/g, '-');

/**
 * A PEP 508 requirement's lower bound or pin follows the new version: `core>=1.2.0` → `core>=1.3.0`,
 * `core==1.2.0`, `core~=1.2.0`; extras, markers and other clauses (an upper bound) stay as written.
 */
function editRequirement(requirement: string, dependencies: Map<string, string>): string {
  const match = /^(\s*)([A-Za-z0-9][A-Za-z0-9._-]*)(\s*(?:\[[^\]]*\])?\s*)([^;]*)([\s\S]*)$/.exec(
    requirement,
  );
  const version = match ? dependencies.get(normalizePythonName(match[2] ?? '')) : undefined;
  if (!match || version === undefined) return requirement;
  const plain = version.split('+')[0] ?? version;
  const specifiers = (match[4] ?? '').replace(
    /(==|>=|~=)(\s*)v?\d+(?:\.\d+)*(?:[-.]?[A-Za-z0-9.]+)?/,
    (_, operator: string, space: string) => `${operator}${space}${plain}`,
  );
  return `${match[1]}${match[2]}${match[3]}${specifiers}${match[5]}`;
}

/** Python tables whose strings are requirements: [project] dependencies, optional-dependencies, dependency-groups. */
const requirementTables = new Set(['project', 'project.optional-dependencies', 'dependency-groups']);

/**
 * pyproject.toml ranges of internal packages: PEP 621 requirement strings (`"core>=1.2.0"`, on one
 * line or across an array's lines) and Poetry's `core = "^1.2.0"` under [tool.poetry.dependencies].
 */
function editPythonDependencies(lines: string[], dependencies: Record<string, string>): void {
  const normalized = new Map(Object.entries(dependencies).map(([n, v]) => [normalizePythonName(n), v]));
  let table = '';
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const header = tableHeader.exec(line);
    if (header) {
      table = header[1]?.trim() ?? '';
      continue;
    }
    if (requirementTables.has(table)) {
      // A requirement's marker may quote in the other style: "x>=1 ; python_version >= '3.9'".
      lines[i] = line.replace(/"([^"\n]*)"|'([^'\n]*)'/g, (whole, double?: string, single?: string) => {
        const text = double ?? single ?? '';
        const q = double === undefined ? "'" : '"';
        return /[<>=~!]/.test(text) ? `${q}${editRequirement(text, normalized)}${q}` : whole;
      });
    } else if (/^tool\.poetry\.(.+\.)?dependencies$/.test(table)) {
      const entry = /^(\s*)([A-Za-z0-9._-]+)(\s*=\s*)(["'])([^"']*)\4([\s\S]*)$/.exec(line);
      const version = entry ? normalized.get(normalizePythonName(entry[2] ?? '')) : undefined;
      if (entry && version !== undefined) {
        const range = updateDependencyRange(entry[5] ?? '', version);
        lines[i] = `${entry[1]}${entry[2]}${entry[3]}${entry[4]}${range}${entry[4]}${entry[6]}`;
      }
    }
  }
}

export const updatePyprojectToml = tomlVersionUpdater(
  'pyproject.toml',
  ['project', 'tool.poetry'],
  editPythonDependencies,
);
export const updateCargoToml = tomlVersionUpdater(
  'Cargo.toml',
  ['package', 'workspace.package'],
  editCargoDependencies,
);
