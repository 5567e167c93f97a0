import { inputError } from '../../src/relx-error.js';
import type { VersionMode } from '../../src/release/version-step.js';
import { input } from '../shell/action-shell.js';

/** The `mode` input; null when empty (the config's `releasePullRequest.enabled` decides; direct by default). */
export function readMode(): VersionMode | null {
  const mode = input.text('mode');
  if (mode === '') return null;
  if (mode === 'direct' || mode === 'release-pr') return mode;
  throw inputError(`mode is "${mode}".`, { field: 'mode', fix: 'Use `direct` or `release-pr`.' });
}

/** `verified-commits`: true/false, or empty for the mode's default (on in release-PR mode, per config). */
export function readVerified(): boolean | null {
  if (input.text('verified-commits') === '') return null;
  return input.boolean('verified-commits');
}

/** `production-manifest`: the GitOps repository's manifest now in production, or null. */
export function readProductionManifest(): { path: string; field: string } | null {
  const path = input.text('production-manifest');
  return path ? { path, field: 'production-manifest' } : null;
}
