import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Node, type YAMLMap } from 'yaml';

/**
 * The supply-chain audit every template and action.yml must pass. GitHub's parser checks the
 * schema; it does not check these, and they are where workflows get compromised:
 *   - script injection: an expression expanded inside `run:` becomes shell source;
 *   - unpinned third-party actions: a moved tag runs someone else's code with our token;
 *   - broad permissions: the token can do more than the job needs;
 *   - privileged triggers (`pull_request_target`, `workflow_run`) checking out code;
 *   - checkouts that leave the token in .git/config for later steps.
 */
export interface Finding {
  file: string;
  line: number;
  rule:
    | 'expression-in-run'
    | 'unpinned-action'
    | 'missing-version-comment'
    | 'top-level-permissions'
    | 'privileged-trigger-checkout'
    | 'persist-credentials';
  message: string;
}

export interface AuditOptions {
  /** `owner/repo` prefixes released together with these files, referenced by tag (`@v1`). */
  firstParty?: string[];
}

/** Contexts safe inside `run:`: values the runner sets, not text anyone outside can choose. */
const safeInRun = /^\s*(github\.action_path|github\.workspace|runner\.temp|runner\.os|runner\.arch)\s*$/;
const fullSha = /^[0-9a-f]{40}$/;

export function auditWorkflowFile(file: string, text: string, options: AuditOptions = {}): Finding[] {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  const findings: Finding[] = [];
  const lineOf = (node: Node | null | undefined) => (node?.range ? lines.linePos(node.range[0]).line : 1);
  const report = (node: Node | null | undefined, rule: Finding['rule'], message: string) =>
    findings.push({ file, line: lineOf(node), rule, message });
  const sourceLine = (line: number) => text.split('\n')[line - 1] ?? '';
  const root = doc.contents;
  if (!isMap(root)) return findings;

  const isAction = root.has('runs');
  const steps: YAMLMap[] = [];
  const collectSteps = (list: unknown) => {
    if (isSeq(list)) for (const s of list.items) if (isMap(s)) steps.push(s);
  };
  if (isAction) {
    const runs = root.get('runs', true);
    if (isMap(runs)) collectSteps(runs.get('steps', true));
  } else {
    const jobs = root.get('jobs', true);
    if (isMap(jobs))
      for (const job of jobs.items) if (isMap(job.value)) collectSteps(job.value.get('steps', true));

    const permissions = root.get('permissions', true);
    const readOnly =
      isMap(permissions) &&
      permissions.items.length === 1 &&
      isPair(permissions.items[0]) &&
      String((permissions.items[0].key as { value?: unknown }).value) === 'contents' &&
      String((permissions.items[0].value as { value?: unknown }).value) === 'read';
    const none = isMap(permissions) && permissions.items.length === 0;
    if (!readOnly && !none) {
      report(
        permissions ?? root,
        'top-level-permissions',
        'Top-level `permissions:` must be `contents: read` (or `{}`); raise permissions per job, only as needed.',
      );
    }

    const on = root.get('on', true);
    const triggers = isMap(on)
      ? on.items.map((p) => String((p.key as { value?: unknown }).value))
      : isSeq(on)
        ? on.items.map((i) => String((i as { value?: unknown }).value))
        : isScalar(on)
          ? [String(on.value)]
          : [];
    const privileged = triggers.filter((t) => t === 'pull_request_target' || t === 'workflow_run');
    if (privileged.length > 0) {
      for (const step of steps) {
        if (/^actions\/checkout@/.test(String(step.get('uses') ?? ''))) {
          report(
            step,
            'privileged-trigger-checkout',
            `A \`${privileged.join('`/`')}\` workflow runs with secrets and a write token; checking out code there runs untrusted code with them. Split it: an unprivileged workflow builds, the privileged one only reads artifacts.`,
          );
        }
      }
    }
  }

  for (const step of steps) {
    const run = step.get('run', true);
    if (isScalar(run) && typeof run.value === 'string') {
      for (const match of run.value.matchAll(/\$\{\{([\s\S]*?)\}\}/g)) {
        const expression = match[1] ?? '';
        if (safeInRun.test(expression)) continue;
        report(
          run,
          'expression-in-run',
          `\`\${{${expression}}}\` is expanded into the shell script before it runs, so its text becomes code. Pass it through \`env:\` and use "$VARIABLE".`,
        );
      }
    }
    const usesNode = step.get('uses', true);
    const uses = isScalar(usesNode) ? String(usesNode.value) : null;
    if (uses === null || uses.startsWith('./') || uses.startsWith('$/') || uses.startsWith('docker://')) {
      if (uses?.startsWith('docker://') && !/@sha256:[0-9a-f]{64}$/.test(uses))
        report(usesNode, 'unpinned-action', `\`${uses}\` must be pinned by digest (@sha256:…).`);
    } else {
      const [target = '', ref = ''] = uses.split('@');
      const firstParty = (options.firstParty ?? []).some((p) => target === p || target.startsWith(`${p}/`));
      if (!firstParty) {
        if (!fullSha.test(ref)) {
          report(
            usesNode,
            'unpinned-action',
            `\`${uses}\` is not pinned: use the full 40-character commit SHA of a release, with the version as a comment (\`@<sha> # v4.2.2\`).`,
          );
        } else if (!/#\s*v?\d+(\.\d+)*\S*\s*$/.test(sourceLine(lineOf(usesNode)))) {
          report(
            usesNode,
            'missing-version-comment',
            `\`${target}\` is pinned by SHA without a version comment; add \`# vX.Y.Z\` so updates can be reviewed.`,
          );
        }
      }
      if (/^actions\/checkout$/.test(target)) {
        const withNode = step.get('with', true);
        const persist = isMap(withNode) ? withNode.get('persist-credentials') : undefined;
        if (persist !== false && persist !== 'false') {
          report(
            usesNode,
            'persist-credentials',
            'actions/checkout leaves the token in .git/config for every later step; set `persist-credentials: false` and pass a token only to the step that pushes.',
          );
        }
      }
    }
  }
  return findings;
}
