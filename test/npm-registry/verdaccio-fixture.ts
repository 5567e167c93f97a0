import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runServer } from 'verdaccio';

/**
 * A real npm registry: Verdaccio in-process on a free loopback port, offline (no uplinks), with
 * storage in a temporary folder. Publishing needs a user; unpublishing is closed to everyone, so a
 * published version can never be replaced — like npmjs.
 */
export interface RunningVerdaccio {
  url: string;
  token: string;
  stop(): Promise<void>;
}

export async function startVerdaccio(): Promise<RunningVerdaccio> {
  const dir = mkdtempSync(join(tmpdir(), 'relx-verdaccio-'));
  writeFileSync(join(dir, 'htpasswd'), '');
  const config = {
    self_path: dir,
    storage: join(dir, 'storage'),
    uplinks: {},
    auth: { htpasswd: { file: join(dir, 'htpasswd'), max_users: 100 } },
    packages: { '**': { access: '$all', publish: '$authenticated', unpublish: 'nobody-at-all' } },
    log: { type: 'stdout', format: 'pretty', level: 'fatal' },
    security: { api: { legacy: true } },
  };
  const app = (await runServer(config as never)) as unknown as Server;
  await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(app.address() as AddressInfo).port}/`;
  const response = await fetch(`${url}-/user/org.couchdb.user:relx`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'relx', password: 'relx-test-password' }),
  });
  const { token } = (await response.json()) as { token: string };
  return {
    url,
    token,
    stop: () =>
      new Promise<void>((resolve) => {
        (app as Server & { closeAllConnections?: () => void }).closeAllConnections?.();
        app.close(() => {
          rmSync(dir, { recursive: true, force: true });
          resolve();
        });
      }),
  };
}
