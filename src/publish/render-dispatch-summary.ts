import type { DispatchStepResult } from './dispatch-step.js';

/** The job summary of a hand-off to CD: the event, where it went, and what it carried. */
export function renderDispatchSummary({ dispatch, manifest }: DispatchStepResult): string {
  const carried = manifest
    ? ` with release ${manifest.name} (\`${manifest.path}\`)`
    : ' with the published list';
  return `## Handed to CD\n\n\`${dispatch.eventType}\` sent to \`${dispatch.repository}\`${carried}.\n`;
}

/** The log line of a hand-off to CD. */
export function renderDispatchSent({ dispatch, manifest }: DispatchStepResult): string {
  return `Sent ${dispatch.eventType} to ${dispatch.repository}${manifest ? ` for ${manifest.name}` : ''}.`;
}
