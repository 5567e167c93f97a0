import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promoteEnvironment } from '../../src/promotion/promote-environment.js';
import { aGitOpsRepository, aRelease } from './gitops-fixture.js';

const aProcess = (): Promise<ChildProcess> =>
  new Promise((resolve) => {
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    child.once('spawn', () => resolve(child));
  });
const exited = (child: ChildProcess) => new Promise((resolve) => child.once('exit', resolve));

describe('a promotion killed before it could remove its clone', () => {
  it('has its clone removed by the next promotion; a clone of a running promotion is left alone', async () => {
    const temp = tmpdir(); // where clones go: the system's temporary folder
    const killed = await aProcess();
    const running = await aProcess();
    const abandoned = join(temp, `relx-gitops-${killed.pid}-AbCdEf`);
    const busy = join(temp, `relx-gitops-${running.pid}-GhIjKl`);
    for (const dir of [abandoned, busy]) mkdirSync(join(dir, '.git'), { recursive: true });
    killed.kill('SIGKILL');
    await exited(killed);
    try {
      const { url } = aGitOpsRepository();
      const result = await promoteEnvironment(
        { remote: { url }, environment: 'dev' },
        aRelease('2026.12.5', '1.5.0', 'c'),
      );
      expect(result.status).toBe('promoted');
      expect(existsSync(abandoned)).toBe(false);
      expect(existsSync(busy)).toBe(true);
      // and its own clone is gone once it finished
      expect(readdirSync(temp).filter((n) => n.startsWith(`relx-gitops-${process.pid}-`))).toEqual([]);
    } finally {
      running.kill('SIGKILL');
      rmSync(busy, { recursive: true, force: true });
    }
  });
});
