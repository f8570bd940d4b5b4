/**
 * LINK's POST /messages as a real HTTP server in the bench process, for the benchmarks of the
 * proxy: it answers at once, so that what a send through the service costs beyond it is the
 * service's own.
 */
import { randomUUID } from 'node:crypto';
import { createServer, IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export const LINK_USERNAME = 'bench-link-user';
export const LINK_PASSWORD = 'bench-link-password';
export const LINK_AUTH = `Basic ${Buffer.from(`${LINK_USERNAME}:${LINK_PASSWORD}`).toString('base64')}`;

export interface FakeLink {
  server: Server;
  port: number;
  /** Requests answered so far. */
  received: number;
  /** The environment that points the service at this LINK. */
  env: Record<string, string>;
  close(): Promise<void>;
}

/** LINK's POST /messages: 200 with one fresh message id per destination, at once. */
export async function startFakeLink(): Promise<FakeLink> {
  const server = createServer();
  let next = 0;
  const run = randomUUID().slice(0, 8);
  const link: FakeLink = {
    server,
    port: 0,
    received: 0,
    env: {},
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  server.on('request', (req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      link.received++;
      let count: number;
      try {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { destinations?: unknown[] };
        count = Array.isArray(body.destinations) ? body.destinations.length : 0;
      } catch {
        count = 0;
      }
      const ok = req.method === 'POST' && req.url === '/messages' && req.headers.authorization === LINK_AUTH && count > 0;
      // Fresh ids in every run: the service records each send under its first message id.
      const messageIds = Array.from({ length: count }, () => `bench-${run}-${next++}`);
      const text = ok
        ? JSON.stringify({ resultCode: 112001, description: 'queued', messageIds })
        : JSON.stringify({ resultCode: 112506, description: `unexpected ${req.method} ${req.url}`, translatedDescription: null });
      res.writeHead(ok ? 200 : 400, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
      res.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  link.port = (server.address() as AddressInfo).port;
  link.env = { LINK_BASE_URL: `http://127.0.0.1:${link.port}`, LINK_USERNAME, LINK_PASSWORD };
  return link;
}
