import { configurationError } from '../relx-error.js';
import type { ReadEnvironmentCanary } from './gate-environment.js';

/**
 * The environment's releases from the GitOps repository, for the gate. Stand-in until the canary
 * core (src/promotion/canary-state.ts, `readCanary`) is merged: it refuses rather than guess.
 */
export const readEnvironmentCanary: ReadEnvironmentCanary = async (_remote, environment) => {
  throw configurationError(`Reading the canary state of ${environment} needs relx's canary core.`, {
    field: '--env',
    fix: 'Use a relx build with canary support, or gate without --env.',
  });
};
