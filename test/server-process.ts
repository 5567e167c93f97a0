import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';

/**
 * Starts a real server (docker-registry, prometheus) and waits until `readyUrl` answers 2xx; its
 * stderr goes into the error when it exits or is not ready within 20 s. `stop` ends it and removes
 * `dir`, its temporary storage.
 */
export async function startServerProcess(
  command: string,
  args: string[],
  readyUrl: string,
  dir: string,
): Promise<{ stop(): Promise<void> }> {
  const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      if ((await fetch(readyUrl)).ok) break;
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`${command} did not start: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
