import { createServer, type Server } from 'node:http';
import { freePort } from '../../test/free-port.js';
import { fetchRetrying } from './fetch-retrying.js';

const noWait = { sleep: async () => {} };
const describeCall = { what: 'the registry', fix: 'Re-run.' };

describe('fetch that retries what a retry can fix', () => {
  let server: Server;
  let url: string;
  let answers: number[];
  let requests = 0;
  beforeAll(async () => {
    server = createServer((_req, res) => {
      requests++;
      res.writeHead(answers.shift() ?? 200);
      res.end('{}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));
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
      message: 'the registry answered 500 3 times.',
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
});
