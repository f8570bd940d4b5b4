import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { postEvent } from './webhook-sender';

describe(postEvent.name, () => {
  let server: Server;
  let port: number;
  let received: number;
  const trickles = new Set<NodeJS.Timeout>();
  beforeAll(async () => {
    server = createServer((req, res) => {
      received++;
      req.resume();
      req.on('end', () => {
        if (req.url !== '/trickle') return res.writeHead(204).end();
        // 200 at once, then one byte every 100 ms for as long as the client listens.
        res.writeHead(200);
        const timer = setInterval(() => res.write('.'), 100);
        trickles.add(timer);
        res.on('close', () => clearInterval(timer));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  beforeEach(() => (received = 0));
  afterAll(async () => {
    for (const timer of trickles) clearInterval(timer);
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const post = (url: string, allowPrivate: boolean) =>
    postEvent(url, { 'webhook-id': 'evt_1' }, '{}', { timeoutMs: 2_000, allowPrivate, signal: new AbortController().signal });

  it('delivers to a private address only when allowed', async () => {
    await expect(post(`http://127.0.0.1:${port}/hooks`, true)).resolves.toEqual({ status: 204, error: null });
    expect(received).toBe(1);
  });

  it('refuses an internal address written in the URL, without connecting', async () => {
    await expect(post(`http://127.0.0.1:${port}/hooks`, false)).resolves.toEqual({ status: null, error: 'address not allowed' });
    expect(received).toBe(0);
  });

  it('refuses a name that resolves to an internal address when it is resolved for the delivery', async () => {
    const result = await post(`http://localhost:${port}/hooks`, false);
    expect(result).toEqual({ status: null, error: 'localhost resolves to an address not allowed' });
    expect(received).toBe(0);
  });

  it('answers a connection failure as an error, not a throw', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const free = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await expect(post(`http://127.0.0.1:${free}/`, true)).resolves.toEqual({
      status: null,
      error: expect.stringContaining('ECONNREFUSED'),
    });
  });

  it('gives up on an answer still trickling in when the time for it is over', async () => {
    const result = await postEvent(`http://127.0.0.1:${port}/trickle`, { 'webhook-id': 'evt_1' }, '{}', {
      timeoutMs: 500,
      allowPrivate: true,
      signal: new AbortController().signal,
    });
    expect(result).toEqual({ status: null, error: 'no answer within 500 ms' });
    expect(received).toBe(1);
  });

  it('stops at once when its signal aborts', async () => {
    const aborts = new AbortController();
    const sent = postEvent(`http://127.0.0.1:${port}/trickle`, {}, '{}', { timeoutMs: 60_000, allowPrivate: true, signal: aborts.signal });
    await new Promise((resolve) => setTimeout(resolve, 200));
    aborts.abort();
    await expect(sent).resolves.toEqual({ status: null, error: expect.any(String) });
  });
});
