import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { parse } from 'yaml';
import { pinActionUses } from '../../src/action-release/action-release-tree.js';
import { auditWorkflowFile, type Finding } from './audit-workflow.js';
import {
  display,
  parserErrors,
  repoRoot,
  runScripts,
  shellcheck,
  shippedWorkflowFiles,
} from './workflow-files.js';

/**
 * relx's own actions, referenced by their major tag on main: `relx action-release` pins them in
 * the released tree, which is audited below with no exemption (an adopter's view).
 */
const firstParty = ['relx-dev/relx'];
const { workflows, actions } = shippedWorkflowFiles();
const templates = workflows.filter((f) => f.includes('workflows-templates'));
const audit = (path: string) => auditWorkflowFile(display(path), readFileSync(path, 'utf8'), { firstParty });
const fixture = (name: string) => join(import.meta.dirname, 'fixtures', name);

describe('the supply-chain audit catches what it is for', () => {
  it.each<[string, Finding['rule'], RegExp]>([
    ['injected-run.yml', 'expression-in-run', /github\.event\.head_commit\.message.*Pass it through `env:`/],
    ['unpinned-uses.yml', 'unpinned-action', /actions\/setup-node@v4.*full 40-character commit SHA/],
    ['missing-permissions.yml', 'top-level-permissions', /must be `contents: read`/],
    ['pull-request-target-checkout.yml', 'privileged-trigger-checkout', /pull_request_target/],
    ['persisted-credentials.yml', 'persist-credentials', /persist-credentials: false/],
    ['composite-input-in-run.yml', 'expression-in-run', /inputs\.environment/],
    ['pinned-without-comment.yml', 'missing-version-comment', /# vX\.Y\.Z/],
  ])('%s → %s', (name, rule, message) => {
    const findings = audit(fixture(name));
    expect(findings).toEqual([expect.objectContaining({ rule, message: expect.stringMatching(message) })]);
    expect(findings[0]?.line).toBeGreaterThanOrEqual(1);
  });

  it('reports the line of the offending step', () => {
    expect(audit(fixture('injected-run.yml'))[0]?.line).toBe(9);
  });
});

describe('every template, relx workflow and action.yml', () => {
  it('finds the files', () => {
    expect(templates.map((f) => basename(f)).sort()).toEqual(
      [
        'canary.yml',
        'ci.yml',
        'deploy.yml',
        'metrics.yml',
        'promote.yml',
        'release.yml',
        'rollback.yml',
        'train.yml',
      ].sort(),
    );
    expect(actions.length).toBeGreaterThanOrEqual(3);
  });

  it.each([...workflows, ...actions].map((f) => [display(f), f]))('%s passes the audit', (_, path) => {
    expect(audit(path)).toEqual([]);
  });

  it.each([...workflows, ...actions].map((f) => [display(f), f]))(
    "%s is valid for GitHub's workflow parser",
    async (_, path) => {
      expect(await parserErrors(path)).toEqual([]);
    },
  );

  it.each([...workflows, ...actions].map((f) => [display(f), f]))(
    '%s has run: scripts clean under shellcheck',
    (_, path) => {
      const problems = runScripts(path)
        .filter((s) => s.shell === 'bash' || s.shell.startsWith('bash '))
        .map((s) => ({ where: s.where, shellcheck: shellcheck(s.script) }))
        .filter((s) => s.shellcheck !== '');
      expect(problems).toEqual([]);
    },
  );

  it("GitHub's parser does catch a broken workflow, so the checks above can fail", async () => {
    const errors = await parserErrors(fixture('../fixtures-parser/misspelled-key.yml'));
    expect(errors).toEqual([
      expect.stringMatching(/Unexpected value 'run-on'/),
      expect.stringMatching(/runs-on/),
    ]);
    expect(shellcheck('echo $1')).toMatch(/SC2086/);
  });
});

describe('templates', () => {
  it.each(templates.map((f) => [basename(f), f]))('%s has a properties file and an icon', (name, path) => {
    const properties = join(repoRoot, 'workflows-templates', name.replace(/\.ya?ml$/, '.properties.json'));
    expect(existsSync(properties)).toBe(true);
    const meta = JSON.parse(readFileSync(properties, 'utf8')) as Record<string, unknown>;
    expect(meta).toEqual({
      name: expect.stringMatching(/\S/),
      description: expect.stringMatching(/\S/),
      iconName: expect.any(String),
      categories: expect.arrayContaining([expect.any(String)]),
      filePatterns: expect.arrayContaining([expect.any(String)]),
    });
    expect(existsSync(join(repoRoot, 'workflows-templates', `${String(meta.iconName)}.svg`))).toBe(true);
    expect(readFileSync(path, 'utf8')).not.toMatch(/\b(main|master)\b(?=\s*[\]\n,])/);
  });

  it.each(templates.map((f) => [basename(f), f]))(
    '%s gives relx actions only the inputs they declare, and every required one',
    (_, path) => {
      const workflow = parse(readFileSync(path, 'utf8')) as {
        jobs: Record<string, { steps?: Array<{ uses?: string; with?: Record<string, unknown> }> }>;
      };
      const problems: string[] = [];
      for (const [job, { steps = [] }] of Object.entries(workflow.jobs)) {
        for (const step of steps) {
          const match = /^relx-dev\/relx\/([\w/-]+)@v\d+$/.exec(step.uses ?? '');
          if (!match) continue;
          const file = join(repoRoot, 'actions', match[1] ?? '', 'action.yml');
          if (!existsSync(file)) {
            problems.push(`${job}: ${step.uses} has no actions/${match[1]}/action.yml`);
            continue;
          }
          const declared =
            (parse(readFileSync(file, 'utf8')) as { inputs?: Record<string, { required?: boolean }> })
              .inputs ?? {};
          for (const input of Object.keys(step.with ?? {}))
            if (!(input in declared)) problems.push(`${job}: ${step.uses} has no input \`${input}\``);
          for (const [input, spec] of Object.entries(declared))
            if (spec.required && !(input in (step.with ?? {})))
              problems.push(`${job}: ${step.uses} needs \`${input}\``);
        }
      }
      expect(problems).toEqual([]);
    },
  );
});

describe('the released templates and actions, as an adopter audits them', () => {
  const released = new Set(actions.map((f) => relative(join(repoRoot, 'actions'), dirname(f))));
  const pin = (path: string) =>
    pinActionUses(display(path), readFileSync(path, 'utf8'), {
      repository: 'relx-dev/relx',
      actions: released,
      commit: 'a'.repeat(40),
      tag: 'v1.2.3',
    });

  it.each([...templates, ...actions].map((f) => [display(f), f]))(
    '%s pinned by relx action-release has nothing left to pin, with no first-party exemption',
    (name, path) => {
      const { text } = pin(path);
      expect(auditWorkflowFile(name, text)).toEqual([]);
    },
  );

  it('pins a checkout of relx itself (the CLI metrics.yml runs) to the release commit, not the moving v1', () => {
    const metrics = templates.find((f) => f.endsWith('metrics.yml'));
    expect(metrics).toBeDefined();
    const { text } = pin(metrics as string);
    expect(text).toMatch(/repository: relx-dev\/relx\n\s+ref: a{40} # v1\.2\.3\n/);
    expect(text).not.toMatch(/ref: v1\s*$/m);
  });

  it('needs the pinning: unpinned, the templates use relx by a tag an adopter cannot review', () => {
    const unpinned = templates.flatMap((path) =>
      auditWorkflowFile(display(path), readFileSync(path, 'utf8')).filter(
        (f) => f.rule === 'unpinned-action',
      ),
    );
    expect(unpinned.length).toBeGreaterThanOrEqual(templates.length);
    expect(unpinned.every((f) => /relx-dev\/relx\//.test(f.message))).toBe(true);
  });
});
