import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from './free-port.js';
import { acmeCore, aMonorepo } from './monorepo-fixture.js';

/**
 * The exit codes of src/cli/exit-codes.ts as a script sees them: the built CLI (dist/cli), run
 * as a child process, one case per row of the README's "Exit codes" table that a test can reach.
 */
const cli = resolve(import.meta.dirname, '..', 'dist', 'cli', 'index.js');
const relx = (...args: string[]) =>
  new Promise<{ status: number | null; stdout: string; stderr: string }>((done) => {
    const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' };
    execFile(process.execPath, [cli, ...args], { encoding: 'utf8', env }, (error, stdout, stderr) =>
      done({ status: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr }),
    );
  });

/**
 * Prometheus's query API for three kinds of canary: `/healthy` (no errors), `/errors` (half the
 * requests fail) and `/quiet` (no traffic), each answering every query with one number.
 */
let prometheus: Server;
let url: string;
beforeAll(async () => {
  prometheus = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      const query = new URLSearchParams(body).get('query') ?? '';
      const scenario = request.url?.split('/')[1] ?? '';
      const requests = scenario === 'quiet' ? 0 : 1000;
      const value = query.startsWith('histogram_quantile')
        ? 100
        : query.includes('/')
          ? scenario === 'errors'
            ? 0.5
            : 0
          : requests;
      response.setHeader('content-type', 'application/json');
      response.end(
        JSON.stringify({
          status: 'success',
          data: { resultType: 'vector', result: [{ metric: {}, value: [0, String(value)] }] },
        }),
      );
    });
  });
  const port = await freePort();
  await new Promise<void>((listening) => prometheus.listen(port, '127.0.0.1', listening));
  url = `http://127.0.0.1:${port}`;
});
afterAll(() => new Promise((closed) => prometheus.close(closed)));

const dir = mkdtempSync(join(tmpdir(), 'relx-exit-codes-'));
const policyFile = (name: string, text: string) => {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, text);
  return file;
};
const policy = policyFile(
  'policy',
  'selector: {app: shop}\nbaseline: {version: stable}\ncanary: {version: canary}\nobjectives: {maxErrorRate: 0.1, minRequests: 100}\nretries: 0\n',
);
const gate = (base: string, file = policy) =>
  relx('slo-gate', '--policy', file, '--prometheus-url', base, '--time', '2026-12-01T12:00:00Z');

describe('relx exit codes (dist/cli)', () => {
  it('0 on success: the gate passed', async () => {
    const pass = await gate(`${url}/healthy`);
    expect(pass.stderr).not.toMatch(/^relx: (?!sample)/m);
    expect(pass.status).toBe(0);
  });

  it('1 when the answer is no: the gate failed the canary', async () => {
    const fail = await gate(`${url}/errors`);
    expect(fail.stdout).toContain('## SLO gate: ❌ fail');
    expect(fail.status).toBe(1);
  });

  it('2 for a usage or input error: an unknown flag, a --cwd that does not exist', async () => {
    expect((await relx('plan', '--no-such-flag')).status).toBe(2);
    const missing = await relx('plan', '--cwd', join(dir, 'no-such-repository'));
    expect(missing.stderr).toContain('--cwd: --cwd');
    expect(missing.status).toBe(2);
  });

  it('3 when the gate could not measure: no traffic (fails closed)', async () => {
    const inconclusive = await gate(`${url}/quiet`);
    expect(inconclusive.stdout).toContain('inconclusive');
    expect(inconclusive.status).toBe(3);
  });

  it('75 when something did not answer after the retries: Prometheus on a closed port', async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    const down = await gate(closed);
    expect(down.stdout).toMatch(/could not answer after 1 attempt/);
    expect(down.status).toBe(75);
  });

  it('78 for a file relx reads that is wrong: relx.config.yaml, an SLO policy', async () => {
    const repo = aMonorepo([acmeCore], 'tagFormt: x\n');
    const config = await relx('plan', '--cwd', repo.dir);
    expect(config.stderr).toContain('relx: relx.config.yaml: tagFormt: unknown key `tagFormt`');
    expect(config.status).toBe(78);
    const malformed = await gate(
      `${url}/healthy`,
      policyFile('bad', 'window: 30x\nobjectives: {maxErrorRate: 0.1}\n'),
    );
    expect(malformed.stderr).toMatch(/^relx: .*bad\.yaml: /m);
    expect(malformed.status).toBe(78);
  });
});
