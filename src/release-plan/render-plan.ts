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
    case 'train':
      return `release train ${reason.train} finished at ${reason.version}`;
  }
}

/** Where the component's commits start, as a person reads it. */
export function describeStart(component: PlannedComponent): string {
  const since = component.since;
  switch (since?.kind) {
    case undefined:
      return component.lastTag ? `since ${component.lastTag}` : 'whole history';
    case 'tag':
      return `since tag ${since.tag}`;
    case 'version-file':
      return since.createdFile
        ? `since ${short(since.commit)} created ${since.file} at ${since.version} (no tag for ${since.version})`
        : `since ${short(since.commit)}, which set ${since.version} in ${since.file} (no tag for ${since.version})`;
    case 'bootstrap-commit':
      return `since bootstrap commit ${short(since.commit)} (bootstrapCommit)`;
    case 'history':
      return 'whole history (no tag, no version file)';
  }
}

const sourceText = {
  configured: 'configured',
  inferred: 'inferred from existing tags',
  default: 'default, no tags yet',
};

/** One line per tag convention in use, with how many components follow it and why. */
export function describeTagConventions(plan: ReleasePlan): string[] {
  const groups = new Map<string, string[]>();
  for (const c of plan.components) {
    if (c.notReleased) continue; // never tagged
    const key = `"${c.tagFormat}" (${sourceText[c.tagFormatSource ?? 'configured']})`;
    groups.set(key, [...(groups.get(key) ?? []), c.name]);
  }
  return [...groups].map(([key, names]) =>
    names.length <= 4 ? `${key}: ${names.join(', ')}` : `${key}: ${names.length} components`,
  );
}

const versionChange = (c: PlannedComponent) => `${c.currentVersion ?? '—'} → ${c.nextVersion ?? '—'}`;

function heading(plan: ReleasePlan): string {
  const where = `${plan.branch ?? 'detached HEAD'} @ ${short(plan.head)}`;
  const channel = plan.channel ? `pre-release channel "${plan.channel}"` : 'stable';
  return `Release plan for ${where} (${channel})`;
}

/** Components relx never releases, by reason, a few names each: a playground can hold hundreds. */
function describeNotReleased(components: readonly PlannedComponent[]): string[] {
  const byReason = new Map<string, string[]>();
  for (const c of components) {
    const reason = c.notReleased ?? '';
    byReason.set(reason, [...(byReason.get(reason) ?? []), c.name]);
  }
  return [...byReason].map(([reason, names]) => {
    const shown = names.slice(0, 5).join(', ');
    const more = names.length > 5 ? ` and ${names.length - 5} more (see --json)` : '';
    return `${names.length} not released (${reason}): ${shown}${more}.`;
  });
}

/** The terminal table `relx plan` prints. */
export function renderPlanTable(plan: ReleasePlan): string {
  const released = plan.components.filter((c) => c.release);
  const lines = [heading(plan), ''];
  if (released.length === 0) {
    lines.push('Nothing to release.');
  } else {
    const rows = released.map((c) => [
      c.name,
      versionChange(c),
      c.bump,
      [...c.reasons.map(describeReason), describeStart(c)],
    ]);
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
  const notReleased = plan.components.filter((c) => c.notReleased);
  const unchanged = plan.components.length - released.length - notReleased.length;
  lines.push('', `${released.length} to release, ${unchanged} unchanged.`);
  lines.push(...describeNotReleased(notReleased));
  const conventions = describeTagConventions(plan);
  if (conventions.length > 0) lines.push('Tags:', ...conventions.map((line) => `  ${line}`));
  for (const warning of plan.warnings ?? []) lines.push(`warning: ${warning}`);
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
      const why = [...c.reasons.map(describeReason), describeStart(c)].map(e).join('<br>');
      lines.push(`| \`${e(c.name)}\` | ${e(versionChange(c))} | ${c.bump} | ${why} |`);
    }
  }
  const unchanged = plan.components.filter((c) => !c.release && !c.notReleased);
  // each its own paragraph: a line right after the table would be read as one of its rows
  for (const line of describeNotReleased(plan.components.filter((c) => c.notReleased)))
    lines.push('', e(line));
  for (const warning of plan.warnings ?? []) lines.push('', `> [!WARNING]\n> ${e(warning)}`);
  const conventions = describeTagConventions(plan);
  if (conventions.length > 0) lines.push('', `Tags: ${conventions.map(e).join('; ')}`);
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
