import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { freePort } from '../../test/free-port.js';
import { fetchRetrying } from './fetch-retrying.js';

const quiet = { onProgress: () => {} };
const noWait = { ...quiet, sleep: async () => {} };
const describeCall = { what: 'the registry', fix: 'Re-run.' };

describe('fetch that retries what a retry can fix', () => {
  let server: Server;
  let url: string;
  let answers: Array<number | 'stall'>;
  let requests = 0;
  const sockets = new Set<Socket>();
  beforeAll(async () => {
    server = createServer((_req, res) => {
      requests++;
      const answer = answers.shift() ?? 200;
      if (answer === 'stall') return; // accepts the request and never answers
      res.writeHead(answer);
      res.end('{}');
    });
    server.on('connection', (socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
  });
  afterAll(() => {
    for (const socket of sockets) socket.destroy();
    return new Promise<void>((r) => server.close(() => r()));
  });
  beforeEach(() => {
    requests = 0;
  });

  it('retries 503 and 429, then returns the answer', async () => {
    answers = [503, 429];
    expect((await fetchRetrying(url, {}, describeCall, noWait)).status).toBe(200);
    expect(requests).toBe(3);
  });

  it('hands a 4xx back at once: only the caller knows what it means', async () => {
    answers = [404];
    expect((await fetchRetrying(url, {}, describeCall, noWait)).status).toBe(404);
    expect(requests).toBe(1);
  });

  it('gives up after the attempts with a transient error that says a re-run is safe', async () => {
    answers = [500, 500, 500];
    await expect(fetchRetrying(url, {}, describeCall, { ...noWait, attempts: 3 })).rejects.toMatchObject({
      kind: 'transient',
      message: expect.stringMatching(/^the registry answered 500 \(tried 3 times over \d+ ms\)\.$/),
      fix: 'Re-run.',
    });
    expect(requests).toBe(3);
  });

  it('says which server did not answer when nothing listens', async () => {
    const closed = `http://127.0.0.1:${await freePort()}/`;
    await expect(fetchRetrying(closed, {}, describeCall, { ...noWait, attempts: 2 })).rejects.toMatchObject({
      kind: 'transient',
      message: expect.stringMatching(/^the registry did not answer: .*ECONNREFUSED/),
    });
  });

  it('cuts off a registry that stalls, per attempt and overall, and says what it waited for', async () => {
    answers = ['stall', 'stall', 'stall', 'stall'];
    const progress: string[] = [];
    const started = Date.now();
    await expect(
      fetchRetrying(url, {}, describeCall, {
        policy: {
          attempts: 10,
          attemptTimeoutMs: 300,
          overallTimeoutMs: 1000,
          baseDelayMs: 50,
          maxDelayMs: 50,
        },
        onProgress: (line) => progress.push(line),
      }),
    ).rejects.toMatchObject({
      kind: 'transient',
      message: expect.stringMatching(
        /^the registry did not answer within \d+ ms \(tried \d times over (\d+ ms|1\.\d s); no time left of the 1\.0 s allowed\)\.$/,
      ),
      fix: 'Re-run.',
    });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(progress[0]).toMatch(
      /^the registry did not answer within 300 ms; trying again in \d+ ms \(attempt 2 of 10, giving up in \d+ ms\)\.$/,
    );
  });

  it('does not repeat a POST that was answered 502: it may have been done', async () => {
    answers = [502];
    await expect(fetchRetrying(url, { method: 'POST' }, describeCall, noWait)).rejects.toMatchObject({
      message: 'the registry answered 502; it may have taken effect, so relx does not send it again.',
    });
    expect(requests).toBe(1);
  });

  it('repeats a POST that provably never left (connection refused) and one refused with 429', async () => {
    const closed = `http://127.0.0.1:${await freePort()}/`;
    let tried = 0;
    await expect(
      fetchRetrying(closed, { method: 'POST' }, describeCall, {
        ...quiet,
        attempts: 3,
        sleep: async () => {
          tried++;
        },
      }),
    ).rejects.toMatchObject({ message: expect.stringContaining('tried 3 times') });
    expect(tried).toBe(2);
    answers = [429];
    expect((await fetchRetrying(url, { method: 'POST' }, describeCall, noWait)).status).toBe(200);
    expect(requests).toBe(2);
  });
});
