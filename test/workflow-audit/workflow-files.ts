import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { convertWorkflowTemplate, NoOperationTraceWriter, parseWorkflow } from '@actions/workflow-parser';
import { parseAction } from '@actions/workflow-parser/actions/index';
import { isMap, isSeq, parseDocument } from 'yaml';

export const repoRoot = resolve(import.meta.dirname, '..', '..');

/** Every workflow and action file relx ships or runs: templates, its own workflows, each action.yml. */
export function shippedWorkflowFiles(): { workflows: string[]; actions: string[] } {
  const yml = (dir: string) =>
    existsSync(dir)
      ? readdirSync(dir)
          .filter((f) => /\.ya?ml$/.test(f))
          .map((f) => join(dir, f))
      : [];
  const actions: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name === 'action.yml') actions.push(path);
    }
  };
  walk(join(repoRoot, 'actions'));
  return {
    workflows: [
      ...yml(join(repoRoot, 'workflows-templates')),
      ...yml(join(repoRoot, '.github', 'workflows')),
    ],
    actions: actions.sort(),
  };
}

export const display = (path: string) => relative(repoRoot, path);

/** Errors from GitHub's own parser (schema, contexts, needs cycles), as `file (Line: n, Col: m): …`. */
export async function parserErrors(path: string): Promise<string[]> {
  const content = readFileSync(path, 'utf8');
  const name = display(path);
  if (path.endsWith('action.yml')) {
    const result = parseAction({ name, content }, new NoOperationTraceWriter());
    return result.context.errors.getErrors().map((e) => e.message);
  }
  const result = parseWorkflow({ name, content }, new NoOperationTraceWriter());
  const errors = result.context.errors.getErrors().map((e) => e.message);
  if (result.value && errors.length === 0) {
    const template = await convertWorkflowTemplate(result.context, result.value);
    errors.push(...(template.errors ?? []).map((e) => e.Message));
  }
  return errors;
}

/** The `run:` scripts of a workflow or composite action, with where they are. */
export function runScripts(path: string): Array<{ where: string; script: string; shell: string }> {
  const doc = parseDocument(readFileSync(path, 'utf8'));
  const root = doc.contents;
  const scripts: Array<{ where: string; script: string; shell: string }> = [];
  if (!isMap(root)) return scripts;
  const fromSteps = (steps: unknown, where: string, defaultShell: string) => {
    if (!isSeq(steps)) return;
    steps.items.forEach((step, i) => {
      if (!isMap(step)) return;
      const run = step.get('run');
      if (typeof run !== 'string') return;
      const name = String(step.get('name') ?? step.get('id') ?? `#${i + 1}`);
      scripts.push({
        where: `${where} step ${name}`,
        script: run,
        shell: String(step.get('shell') ?? defaultShell),
      });
    });
  };
  const runs = root.get('runs');
  if (isMap(runs)) fromSteps(runs.get('steps', true), 'runs', 'bash');
  const jobs = root.get('jobs');
  if (isMap(jobs)) {
    for (const job of jobs.items) {
      if (isMap(job.value)) fromSteps(job.value.get('steps', true), `job ${String(job.key)}`, 'bash');
    }
  }
  return scripts;
}

/**
 * shellcheck's findings for a script. `${{ … }}` (allowed only for runner-set values) is replaced
 * by a variable, since that is what it is to the shell once expanded.
 */
export function shellcheck(script: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'relx-shellcheck-'));
  try {
    const file = join(dir, 'step.sh');
    writeFileSync(file, `#!/usr/bin/env bash\n${script.replace(/\$\{\{[^}]*\}\}/g, '${RUNNER_VALUE}')}`);
    try {
      execFileSync('shellcheck', ['--severity=style', '--format=gcc', file], { encoding: 'utf8' });
      return '';
    } catch (error) {
      const { stdout, code } = error as { stdout?: string; code?: string };
      if (code === 'ENOENT')
        throw new Error(
          'shellcheck is not installed (apt-get install shellcheck; scripts/test.sh does it).',
          {
            cause: error,
          },
        );
      return stdout ?? String(error);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
