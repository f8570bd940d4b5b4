import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { postEvent } from './webhook-sender';

describe(postEvent.name, () => {
  let server: Server;
  let port: number;
  let received: number;
  beforeAll(async () => {
    server = createServer((req, res) => {
      received++;
      req.resume();
      req.on('end', () => res.writeHead(req.url === '/slow' ? 200 : 204).end());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  beforeEach(() => (received = 0));
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

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
});
