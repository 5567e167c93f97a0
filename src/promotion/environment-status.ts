import { pinnedComponents, type PinnedComponent } from '../manifest/diff-manifests.js';
import { parseReleaseManifest, type ReleaseManifest } from '../manifest/release-manifest.js';
import { readCanaryFromClone } from './canary-state.js';
import { checkEnvironment, environmentFolder, releaseFile, type GitOpsConfig } from './gitops-config.js';
import { GitOpsClone, type GitOpsRemote } from './gitops-repository.js';
import type { PromotionRecord } from './promotion-commit.js';

export interface Promotion {
  /** The GitOps commit. */
  commit: string;
  time: string;
  author: string;
  manifest: string | null;
  record: PromotionRecord | null;
}

export interface EnvironmentStatus {
  environment: string;
  release: string | null;
  /** The commit of the source repository the release was built from. */
  sourceCommit: string | null;
  sourceRepository: string | null;
  components: PinnedComponent[];
  promotion: Promotion | null;
  manifest: ReleaseManifest | null;
  /** The canary beside the stable release, while one is in progress. */
  canary: CanaryStatus | null;
}

export interface CanaryStatus {
  release: string;
  /** Its share of the traffic, 1–99 %. */
  weight: number;
  steps: number[];
  startedAt: string;
  /** When the current weight was set: the bake of this step counts from here. */
  stepStartedAt: string;
  /** How long the current step has baked so far. */
  bakedMs: number;
  /** How long each step is to bake. */
  bakeMs: number;
  components: PinnedComponent[];
}

/** Reads an environment from the GitOps repository: what it runs now and each promotion, newest first. */
export async function readEnvironment(
  remote: GitOpsRemote,
  environment: string,
  now: () => number = Date.now,
): Promise<{
  config: GitOpsConfig;
  status: EnvironmentStatus;
  history: Promotion[];
  releases: ReleaseManifest[];
}> {
  const { clone, config } = await GitOpsClone.openConfigured(remote);
  try {
    checkEnvironment(config, environment, '--env');
    const path = releaseFile(config, environment);
    const text = clone.read(path);
    const manifest = text === null ? null : parseReleaseManifest(text, path);
    const entries = await clone.history(path);
    const parsed = entries.map((h) => (h.content === null ? null : parseReleaseManifest(h.content, path)));
    const promotions = new Map<string, Promotion>(
      entries.map((h, i) => [
        h.commit,
        {
          commit: h.commit,
          time: h.time,
          author: h.author,
          manifest: parsed[i]?.metadata.name ?? null,
          record: h.record,
        },
      ]),
    );
    // a canary's steps and its abort leave release.yaml as it is: they are read from the folder
    const folder = await clone.history(path, {
      also: [environmentFolder(config, environment)],
      content: false,
    });
    const history: Promotion[] = folder.flatMap((h): Promotion[] => {
      const promotion = promotions.get(h.commit);
      if (promotion) return [promotion];
      if (h.record?.canary && h.record.environment === environment)
        return [
          { commit: h.commit, time: h.time, author: h.author, manifest: h.record.manifest, record: h.record },
        ];
      return [];
    });
    const { canary } = await readCanaryFromClone(clone, config, environment);
    // the releases it ran, newest first, each once in a row
    const releases = parsed.filter(
      (m, i): m is ReleaseManifest => m !== null && m.metadata.name !== parsed[i - 1]?.metadata.name,
    );
    return {
      config,
      status: {
        environment,
        release: manifest?.metadata.name ?? null,
        sourceCommit: manifest?.metadata.source.commit ?? null,
        sourceRepository: manifest?.metadata.source.repository ?? null,
        components: manifest ? [...pinnedComponents(manifest).values()] : [],
        promotion: entries[0] ? (promotions.get(entries[0].commit) ?? null) : null,
        manifest,
        canary: canary
          ? {
              release: canary.release,
              weight: canary.weight,
              steps: canary.steps,
              startedAt: canary.startedAt,
              stepStartedAt: canary.stepStartedAt,
              bakedMs: Math.max(0, now() - Date.parse(canary.stepStartedAt)),
              bakeMs: canary.bakeMs,
              components: [...pinnedComponents(canary.manifest).values()],
            }
          : null,
      },
      history,
      releases,
    };
  } finally {
    clone.close();
  }
}

export function renderStatus(status: EnvironmentStatus): string {
  if (!status.release) return `${status.environment}: nothing promoted yet\n`;
  const p = status.promotion;
  const lines = [
    `${status.environment} runs ${status.release}`,
    `  built from ${status.sourceRepository ?? '?'}@${status.sourceCommit ?? '?'}`,
    p
      ? `  promoted ${p.time} by ${p.author}${p.record?.approvedBy ? `, approved by ${p.record.approvedBy}` : ''}${p.record?.hotfix ? ' (hotfix)' : ''} — ${p.commit.slice(0, 7)}`
      : '',
    '',
  ];
  const width = Math.max(9, ...status.components.map((c) => c.name.length));
  lines.push(`${'component'.padEnd(width)}  ${'kind'.padEnd(14)}  ${'version'.padEnd(12)}  pin`);
  for (const c of status.components) {
    lines.push(`${c.name.padEnd(width)}  ${c.category.padEnd(14)}  ${c.version.padEnd(12)}  ${c.pin ?? '-'}`);
  }
  const canary = status.canary;
  if (canary) {
    const next = canary.steps.find((w) => w > canary.weight);
    lines.push(
      '',
      `canary ${canary.release} at ${canary.weight} % (steps ${canary.steps.join(', ') || '?'}; next: ${next ?? 'complete'})`,
      `  started ${canary.startedAt}; this step since ${canary.stepStartedAt}, baked ${renderMinutes(canary.bakedMs)} of ${renderMinutes(canary.bakeMs)}`,
    );
    const stable = new Map(status.components.map((c) => [c.name, c]));
    for (const c of canary.components) {
      const was = stable.get(c.name);
      if (was && was.version === c.version && was.pin === c.pin) continue;
      lines.push(
        `  ${c.name.padEnd(width)}  ${(was?.version ?? '-').padEnd(12)} → ${c.version}  ${c.pin ?? '-'}`,
      );
    }
  }
  return `${lines.filter((l, i) => l !== '' || i > 2).join('\n')}\n`;
}

const renderMinutes = (ms: number) =>
  ms >= 3_600_000
    ? `${Math.floor(ms / 3_600_000)}h${Math.floor((ms % 3_600_000) / 60_000)}m`
    : `${Math.floor(ms / 60_000)}m${Math.floor((ms % 60_000) / 1000)}s`;

/** What a canary commit did, as history shows it. */
function renderCanaryStep(h: Promotion): string {
  const r = h.record;
  const value = r?.canary ?? '';
  if (/^\d+%?$/.test(value))
    return `canary ${h.manifest ?? '?'} at ${Number.parseInt(value, 10)} % (stable ${r?.previous ?? '?'})`;
  if (value.startsWith('complete')) return `canary ${h.manifest ?? '?'} complete (was ${r?.previous ?? '?'})`;
  const report = r?.gateReport ? ` — gate report ${r.gateReport}` : '';
  return `canary ${h.manifest ?? '?'} ABORTED: ${r?.abortReason ?? 'no reason recorded'}${report} (stable ${r?.previous ?? '?'} stays)`;
}

export function renderHistory(environment: string, history: readonly Promotion[]): string {
  if (history.length === 0) return `${environment}: no promotions yet\n`;
  return `${history
    .map((h) => {
      const r = h.record;
      const what = r?.canary
        ? renderCanaryStep(h)
        : r?.rollbackOf
          ? `rollback of ${r.rollbackOf}${r.component ? ` (${r.component})` : ''} → ${h.manifest ?? '?'}`
          : `${h.manifest ?? '(removed)'}${r?.previous ? ` (after ${r.previous})` : ''}`;
      const who = `by ${h.author}${r?.approvedBy ? `, approved by ${r.approvedBy}` : ''}`;
      return `${h.time}  ${h.commit.slice(0, 7)}  ${what}  ${who}${r?.hotfix ? '  HOTFIX' : ''}${r?.run ? `  ${r.run}` : ''}`;
    })
    .join('\n')}\n`;
}
