import type { ReleaseManifest } from '../manifest/release-manifest.js';
import type { GitOpsRemote } from '../promotion/gitops-repository.js';
import { inputError } from '../relx-error.js';
import type { CanaryStep } from './bake-schedule.js';
import type { SloPolicy } from './slo-policy.js';
import {
  fillVersionPlaceholders,
  policyPlaceholders,
  resolveGateTarget,
  type GateTarget,
} from './version-placeholders.js';

/** What the gate needs of the environment's canary (a subset of the canary core's `CanaryState`). */
export interface GateCanaryState {
  release: string;
  manifest: ReleaseManifest;
  weight: number;
  stepStartedAt: string;
  bakeMs: number;
}

/** Reads the environment's stable release and canary from the GitOps repository (`readCanary`). */
export type ReadEnvironmentCanary = (
  remote: GitOpsRemote,
  environment: string,
) => Promise<{ stable: ReleaseManifest | null; canary: GateCanaryState | null }>;

export interface GatedEnvironment {
  /** The policy with {canaryVersion}/{stableVersion} filled in. */
  policy: SloPolicy;
  target: GateTarget | null;
  /** The canary step in progress, for a bake across runs; null when there is none. */
  step: CanaryStep | null;
  /**
   * What a rollback would act on: the canary's release while one is in progress (abort it), else
   * the environment's release. Null when the gate did not read the environment.
   */
  subject: { release: string | null; canary: boolean } | null;
}

/**
 * The policy made concrete for an environment: its placeholders filled from the two releases the
 * GitOps repository says run, and the canary step whose bake the gate measures. Without an
 * environment, a policy that needs one is refused (naming the field `environment`).
 */
export async function gateEnvironment(
  policy: SloPolicy,
  source: string,
  where: { environment: string; remote: GitOpsRemote; readCanary: ReadEnvironmentCanary } | null,
  field: { environment: string; gitops: string },
): Promise<GatedEnvironment> {
  const used = policyPlaceholders(policy);
  if (!where) {
    if (used.size > 0) {
      throw inputError(
        `The SLO policy names {${[...used].join('}, {')}}: the gate must read the environment's releases.`,
        {
          field: field.environment,
          fix: `Give ${field.environment} and ${field.gitops} (the GitOps repository), or write the versions in the selectors.`,
        },
      );
    }
    return { policy, target: null, step: null, subject: null };
  }
  const { stable, canary } = await where.readCanary(where.remote, where.environment);
  const releases = { stable, canary: canary ? { release: canary.release, manifest: canary.manifest } : null };
  const target =
    used.size > 0 || policy.component ? resolveGateTarget(policy, releases, where.environment, source) : null;
  return {
    policy: target ? fillVersionPlaceholders(policy, target) : policy,
    target,
    step: canary ? { stepStartedAt: canary.stepStartedAt, bakeMs: canary.bakeMs } : null,
    subject: canary
      ? { release: canary.release, canary: true }
      : { release: stable?.metadata.name ?? null, canary: false },
  };
}
