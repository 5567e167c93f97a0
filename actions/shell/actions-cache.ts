// The Actions cache, apart from the shared shell: only analyze-commits keeps its history cache
// there, and @actions/cache would otherwise be bundled into every action.
import * as cache from '@actions/cache';

/** One file kept between runs in the Actions cache, or null where the cache service is not available. */
export function actionsCache(): {
  restore(file: string, key: string, prefixes: string[]): Promise<string | undefined>;
  save(file: string, key: string): Promise<void>;
} | null {
  if (!cache.isFeatureAvailable()) return null;
  return {
    restore: (file, key, prefixes) => cache.restoreCache([file], key, prefixes),
    save: async (file, key) => {
      await cache.saveCache([file], key);
    },
  };
}
