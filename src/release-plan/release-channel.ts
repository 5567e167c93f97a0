import type { Channel } from '../workspace/relx-config.js';

const globToRegExp = (glob: string) =>
  new RegExp(`^${glob.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*')}$`);

/**
 * The pre-release identifier the branch releases on (`next` → `rc`), or null for stable. The first
 * matching channel wins; a branch no channel names releases stable versions.
 */
export function resolveChannel(branch: string | null, channels: readonly Channel[]): string | null {
  if (branch === null) return null;
  const channel = channels.find((c) => globToRegExp(c.branch).test(branch));
  return channel?.prerelease ?? null;
}
