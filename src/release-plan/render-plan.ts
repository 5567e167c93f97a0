import type { PlanReason, PlannedComponent, ReleasePlan } from './release-plan.js';

const short = (sha: string) => sha.slice(0, 7);

/** One line per reason, as a person reads it. */
export function describeReason(reason: PlanReason): string {
  switch (reason.kind) {
    case 'commit': {
      const scope = reason.scope ? `(${reason.scope})` : '';
      const where = [
        reason.origin === 'override' ? 'from BEGIN_COMMIT_OVERRIDE' : null,
        reason.origin === 'nested' ? 'nested' : null,
        reason.via === 'root' ? 'empty commit, root component' : null,
        reason.via === 'scope' ? 'empty commit, by its scope' : null,
        reason.via === 'release-as' ? 'named by Release-As' : null,
      ].filter(Boolean);
      const sha = [short(reason.sha), ...where].join(', ');
      return `${reason.type}${scope}${reason.breaking ? '!' : ''}: ${reason.subject} (${sha})`;
    }
    case 'release-as':
      return `Release-As: ${reason.component ? `${reason.component}@` : ''}${reason.version} (${short(reason.sha)})`;
    case 'dependency':
      return `dependency ${reason.dependency} ${reason.from ?? 'unreleased'} → ${reason.to}`;
    case 'lockstep':
      return `lockstep group ${reason.group}`;
  }
}

const versionChange = (c: PlannedComponent) => `${c.currentVersion ?? '—'} → ${c.nextVersion ?? '—'}`;

function heading(plan: ReleasePlan): string {
  const where = `${plan.branch ?? 'detached HEAD'} @ ${short(plan.head)}`;
  const channel = plan.channel ? `pre-release channel "${plan.channel}"` : 'stable';
  return `Release plan for ${where} (${channel})`;
}

/** The terminal table `relx plan` prints. */
export function renderPlanTable(plan: ReleasePlan): string {
  const released = plan.components.filter((c) => c.release);
  const lines = [heading(plan), ''];
  if (released.length === 0) {
    lines.push('Nothing to release.');
  } else {
    const rows = released.map((c) => [c.name, versionChange(c), c.bump, c.reasons.map(describeReason)]);
    const nameWidth = Math.max(9, ...rows.map((r) => (r[0] as string).length));
    const versionWidth = Math.max(7, ...rows.map((r) => (r[1] as string).length));
    const pad = (s: string, n: number) => s.padEnd(n);
    lines.push(`${pad('component', nameWidth)}  ${pad('version', versionWidth)}  ${pad('bump', 5)}  why`);
    for (const [name, version, bump, why] of rows as Array<[string, string, string, string[]]>) {
      const [first = '', ...more] = why;
      lines.push(`${pad(name, nameWidth)}  ${pad(version, versionWidth)}  ${pad(bump, 5)}  ${first}`);
      for (const line of more) lines.push(`${' '.repeat(nameWidth + versionWidth + 11)}${line}`);
    }
  }
  const unchanged = plan.components.length - released.length;
  lines.push('', `${released.length} to release, ${unchanged} unchanged.`);
  if (plan.ignoredCommits.length > 0) {
    lines.push(`${plan.ignoredCommits.length} commit(s) ignored:`);
    for (const i of plan.ignoredCommits.slice(0, 20)) {
      lines.push(`  ${short(i.sha)} ${i.header} — ${i.reason} (${i.components.join(', ')})`);
    }
    if (plan.ignoredCommits.length > 20)
      lines.push(`  … and ${plan.ignoredCommits.length - 20} more (see --json)`);
  }
  return `${lines.join('\n')}\n`;
}

/** Commit text is untrusted and the job summary renders HTML: escape it, and markdown table pipes. */
export const escapeSummaryText = (text: string) =>
  text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll('|', '&#124;')
    .replaceAll('\n', ' ');

/** The job summary (GitHub-flavoured markdown), every piece of commit text escaped. */
export function renderPlanSummary(plan: ReleasePlan): string {
  const e = escapeSummaryText;
  const released = plan.components.filter((c) => c.release);
  const lines = [`## ${e(heading(plan))}`, ''];
  if (released.length === 0) {
    lines.push('Nothing to release: no component has a releasable commit since its last release.');
  } else {
    lines.push('| component | current → next | bump | why |', '|---|---|---|---|');
    for (const c of released) {
      const why = c.reasons.map((r) => e(describeReason(r))).join('<br>');
      lines.push(`| \`${e(c.name)}\` | ${e(versionChange(c))} | ${c.bump} | ${why} |`);
    }
  }
  const unchanged = plan.components.filter((c) => !c.release);
  if (unchanged.length > 0) {
    lines.push('', `<details><summary>${unchanged.length} unchanged component(s)</summary>`, '');
    lines.push(
      unchanged.map((c) => `\`${e(c.name)}\` ${e(c.currentVersion ?? '—')}`).join(', '),
      '',
      '</details>',
    );
  }
  if (plan.ignoredCommits.length > 0) {
    lines.push('', `<details><summary>${plan.ignoredCommits.length} commit(s) ignored</summary>`, '');
    for (const i of plan.ignoredCommits.slice(0, 100)) {
      lines.push(`- \`${short(i.sha)}\` ${e(i.header)} — ${e(i.reason)} (${e(i.components.join(', '))})`);
    }
    lines.push('', '</details>');
  }
  return `${lines.join('\n')}\n`;
}
