// How the GitHub runner reads an action, in one place for both test runners (action-tests/run-action.ts
// runs one bundle, test/step-runner runs whole workflows): action.yml, INPUT_* naming, and the
// GITHUB_OUTPUT / GITHUB_ENV file format.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

export interface ActionStep {
  [key: string]: unknown;
}

export interface ActionMetadata {
  /** The action.yml (or action.yaml) read. */
  file: string;
  inputs: Record<string, { default?: unknown; required?: boolean }>;
  outputs: Record<string, { value?: string }>;
  runs: { using: string; main?: string; steps?: ActionStep[] };
}

/** Reads `<dir>/action.yml` or `<dir>/action.yaml`; null when the folder has neither. */
export function readActionMetadata(dir: string): ActionMetadata | null {
  const file = ['action.yml', 'action.yaml'].map((f) => join(dir, f)).find((f) => existsSync(f));
  if (!file) return null;
  const action = parse(readFileSync(file, 'utf8')) as Partial<ActionMetadata> & {
    runs: ActionMetadata['runs'];
  };
  return { file, inputs: action.inputs ?? {}, outputs: action.outputs ?? {}, runs: action.runs };
}

/** The runner spells `config-path` as INPUT_CONFIG-PATH: upper-cased, spaces → `_`, hyphens kept. */
export function inputVariable(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
}

/** Every input as the environment variable the runner sets for it. */
export function inputEnvironment(inputs: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(inputs).map(([name, value]) => [inputVariable(name), value]));
}

/** Parses the GITHUB_OUTPUT / GITHUB_ENV file format (`name<<DELIM … DELIM` or `name=value`). */
export function parseCommandFile(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name, delimiter] = heredoc as unknown as [string, string, string];
      const body: string[] = [];
      for (i++; i < lines.length && lines[i] !== delimiter; i++) body.push(lines[i] ?? '');
      values[name] = body.join('\n');
    } else if (line.includes('=')) {
      const at = line.indexOf('=');
      values[line.slice(0, at)] = line.slice(at + 1);
    }
  }
  return values;
}
