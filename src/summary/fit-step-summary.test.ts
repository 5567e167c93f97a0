import { renderPlanSummary } from '../release-plan/render-plan.js';
import { serializeReleasePlan, type ReleasePlan } from '../release-plan/release-plan.js';
import { fitStepSummary, gitHubStepSummaryLimitBytes, stepSummaryCapBytes } from './fit-step-summary.js';

/**
 * A plan shaped like opentelemetry-js-contrib's on its main branch (72 packages, all released,
 * 1,449 reasons: a 489 KB plan whose summary is about 110 KB), scaled by `times` for larger
 * monorepos (babel's plan is 2.9 MB).
 */
function monorepoPlan(times: number): ReleasePlan {
  const components: ReleasePlan['components'] = [];
  for (let i = 0; i < 72 * times; i++) {
    const name = `@opentelemetry/instrumentation-package-${i}`;
    const reasons: ReleasePlan['components'][number]['reasons'] = [];
    for (let r = 0; r < 20; r++) {
      reasons.push({
        kind: 'commit',
        sha: `${String(i).padStart(6, '0')}${String(r).padStart(4, '0')}`.padEnd(40, 'a'),
        type: r % 3 === 0 ? 'feat' : 'fix',
        scope: `package-${i}`,
        subject: `handle the span attributes of request ${r} when the exporter is not configured`,
        breaking: false,
        notes: [],
        bump: r % 3 === 0 ? 'minor' : 'patch',
      });
    }
    reasons.push({ kind: 'dependency', dependency: '@opentelemetry/core', from: '1.0.0', to: '1.1.0' });
    components.push({
      name,
      type: 'npm-package',
      paths: [`packages/package-${i}`],
      versionFile: `packages/package-${i}/package.json`,
      scheme: 'semver',
      tagFormat: '{name}-v{version}',
      currentVersion: '0.41.0',
      lastTag: `${name}-v0.41.0`,
      release: true,
      bump: 'minor',
      nextVersion: '0.42.0',
      nextTag: `${name}-v0.42.0`,
      commitCount: 20,
      reasons,
    });
  }
  return {
    schemaVersion: 1,
    kind: 'ReleasePlan',
    head: 'f'.repeat(40),
    branch: 'main',
    channel: null,
    components,
    ignoredCommits: [],
  };
}

const whereFull = 'the `plan-file` output (/runner/temp/relx/release-plan.json)';
const bytes = (text: string) => Buffer.byteLength(text, 'utf8');
const componentRows = (text: string) => text.split('\n').filter((l) => l.startsWith('| `')).length;

describe('fitStepSummary', () => {
  it('leaves the summary of a plan the size of opentelemetry-js-contrib’s whole', () => {
    const plan = monorepoPlan(1);
    const planBytes = bytes(serializeReleasePlan(plan));
    expect(planBytes).toBeGreaterThan(400_000);
    expect(planBytes).toBeLessThan(600_000);
    const summary = renderPlanSummary(plan);
    expect(bytes(summary)).toBeGreaterThan(80_000);
    expect(fitStepSummary(summary, { whereFull })).toEqual({ text: summary, rowsLeftOut: 0, cut: false });
  });

  it('cuts the same summary at a lower cap, saying how many rows are left out and where the plan is', () => {
    const summary = renderPlanSummary(monorepoPlan(1));
    const fitted = fitStepSummary(summary, { whereFull, capBytes: 32 * 1024 });
    expect(fitted.cut).toBe(true);
    expect(bytes(fitted.text)).toBeLessThanOrEqual(32 * 1024);
    const kept = componentRows(fitted.text);
    expect(kept).toBeGreaterThan(0);
    expect(fitted.rowsLeftOut).toBe(componentRows(summary) - kept);
    expect(fitted.text).toContain(
      `${fitted.rowsLeftOut} row(s) left out. The full text is in the \`plan-file\` output (/runner/temp/relx/release-plan.json).`,
    );
    // what is kept is the summary's beginning, cut at a line
    expect(summary.startsWith(fitted.text.slice(0, fitted.text.lastIndexOf('|') + 1))).toBe(true);
  });

  it('keeps a summary of a plan 30 times larger (babel’s is 2.9 MB) within GitHub’s limit', () => {
    const plan = monorepoPlan(30);
    const summary = renderPlanSummary(plan);
    expect(bytes(summary)).toBeGreaterThan(gitHubStepSummaryLimitBytes);
    const fitted = fitStepSummary(summary, { whereFull });
    expect(bytes(fitted.text)).toBeLessThanOrEqual(stepSummaryCapBytes);
    expect(fitted.rowsLeftOut).toBe(componentRows(summary) - componentRows(fitted.text));
    expect(fitted.rowsLeftOut).toBeGreaterThan(0);
    expect(fitted.text.trimEnd().split('\n').at(-1)).toMatch(/^> \*\*Summary cut at 512 KiB\*\*/);
  });

  it('closes a <details> block it cuts through, and counts list items as rows', () => {
    const items = Array.from({ length: 2000 }, (_, i) => `- \`${i}\` chore: something ignored`);
    const summary = [
      '## Plan',
      '',
      '<details><summary>ignored</summary>',
      '',
      ...items,
      '',
      '</details>',
      '',
    ].join('\n');
    const fitted = fitStepSummary(summary, { whereFull, capBytes: 8 * 1024 });
    expect(fitted.text.match(/<details>/g)).toHaveLength(1);
    expect(fitted.text.match(/<\/details>/g)).toHaveLength(1);
    expect(fitted.text.indexOf('</details>')).toBeLessThan(fitted.text.indexOf('> **Summary cut'));
    expect(fitted.rowsLeftOut).toBe(2000 - fitted.text.split('\n').filter((l) => l.startsWith('- ')).length);
    expect(bytes(fitted.text)).toBeLessThanOrEqual(8 * 1024);
  });

  it('counts bytes, not characters', () => {
    const summary = `${'| `é` | ✓ |\n'.repeat(1000)}`;
    const fitted = fitStepSummary(summary, { whereFull, capBytes: 4096 });
    expect(bytes(fitted.text)).toBeLessThanOrEqual(4096);
  });
});
