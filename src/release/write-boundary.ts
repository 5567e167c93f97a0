/**
 * Called just before and just after every write a command makes (a file, a git commit, tag or
 * push, a registry or API call), with a name such as `before:commit` or `after:tag:core@1.3.0`.
 * Production passes none; the kill-point tests pass one that stops the process at a chosen point,
 * to prove a re-run finishes the job from there.
 */
export type WriteBoundary = (point: string) => void;

/** Runs one write between its two boundaries. */
export async function atBoundary<T>(
  boundary: WriteBoundary | undefined,
  name: string,
  write: () => Promise<T>,
): Promise<T> {
  boundary?.(`before:${name}`);
  const result = await write();
  boundary?.(`after:${name}`);
  return result;
}
