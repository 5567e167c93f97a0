import { pinnedComponents, type PinnedComponent } from '../manifest/diff-manifests.js';
import { parseReleaseManifest, type ReleaseManifest } from '../manifest/release-manifest.js';
import { checkEnvironment, releaseFile, type GitOpsConfig } from './gitops-config.js';
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
}

/** Reads an environment from the GitOps repository: what it runs now and each promotion, newest first. */
export async function readEnvironment(
  remote: GitOpsRemote,
  environment: string,
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
    const history: Promotion[] = entries.map((h, i) => ({
      commit: h.commit,
      time: h.time,
      author: h.author,
      manifest: parsed[i]?.metadata.name ?? null,
      record: h.record,
    }));
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
        promotion: history[0] ?? null,
        manifest,
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
  return `${lines.filter((l, i) => l !== '' || i > 2).join('\n')}\n`;
}

export function renderHistory(environment: string, history: readonly Promotion[]): string {
  if (history.length === 0) return `${environment}: no promotions yet\n`;
  return `${history
    .map((h) => {
      const r = h.record;
      const what = r?.rollbackOf
        ? `rollback of ${r.rollbackOf}${r.component ? ` (${r.component})` : ''} → ${h.manifest ?? '?'}`
        : `${h.manifest ?? '(removed)'}${r?.previous ? ` (after ${r.previous})` : ''}`;
      const who = `by ${h.author}${r?.approvedBy ? `, approved by ${r.approvedBy}` : ''}`;
      return `${h.time}  ${h.commit.slice(0, 7)}  ${what}  ${who}${r?.hotfix ? '  HOTFIX' : ''}${r?.run ? `  ${r.run}` : ''}`;
    })
    .join('\n')}\n`;
}
