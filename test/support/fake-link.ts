import { createHash } from 'node:crypto';
import { createServer, IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request LINK received, as the fake saw it. */
export interface LinkRequest {
  method: string;
  /** Path and query, as sent (not decoded). */
  path: string;
  headers: IncomingHttpHeaders;
  /** The body parsed as JSON, or its text when it is not JSON, or undefined when empty (or over KEPT_BODY_BYTES). */
  body: unknown;
  /** The body's length and SHA-256, kept whatever its size. */
  bytes: number;
  sha256: string;
}

/** Bodies up to this size are kept; larger ones (media uploads) only counted and hashed. */
const KEPT_BODY_BYTES = 1024 * 1024;

/** What the fake answers to the next request. */
export interface LinkResponse {
  status?: number;
  /** Sent as JSON unless it is a string (sent as is). */
  body?: unknown;
  headers?: Record<string, string>;
  /** Milliseconds to wait before answering. */
  delayMs?: number;
  /** Destroy the socket instead of answering. */
  drop?: boolean;
}

export interface FakeLink {
  baseUrl: string;
  requests: LinkRequest[];
  /** Scripted answers, used in order; once they run out every request gets 200 `{}`. */
  enqueue(...responses: LinkResponse[]): void;
  /** Bytes received so far of bodies still arriving, and of all bodies, since the last reset. */
  receivedBytes(): number;
  /** Forgets the requests and the answers not used yet (for a `beforeEach`). */
  reset(): void;
  close(): Promise<void>;
}

/** LINK's API as a real HTTP server on 127.0.0.1, on a free port. */
export async function startFakeLink(): Promise<FakeLink> {
  const requests: LinkRequest[] = [];
  const queue: LinkResponse[] = [];
  const timers = new Set<NodeJS.Timeout>();

  const received = { bytes: 0 };
  const server = createServer((req, res) => {
    void readBody(req, received).then(({ text, bytes, sha256 }) => {
      requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: parse(text), bytes, sha256 });
      const answer = queue.shift() ?? {};
      const timer = setTimeout(() => {
        timers.delete(timer);
        respond(req, res, answer);
      }, answer.delayMs ?? 0);
      timers.add(timer);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    enqueue: (...responses) => queue.push(...responses),
    receivedBytes: () => received.bytes,
    reset() {
      requests.length = 0;
      queue.length = 0;
      received.bytes = 0;
    },
    async close() {
      for (const timer of timers) clearTimeout(timer);
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}

function respond(req: IncomingMessage, res: ServerResponse, answer: LinkResponse): void {
  if (answer.drop) {
    req.socket.destroy();
    return;
  }
  if (res.destroyed) return; // the client gave up waiting
  const body = answer.body === undefined ? {} : answer.body;
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(answer.status ?? 200, { 'content-type': 'application/json', ...answer.headers });
  res.end(text);
}

function readBody(req: IncomingMessage, received: { bytes: number }): Promise<{ text: string; bytes: number; sha256: string }> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const hash = createHash('sha256');
    let bytes = 0;
    req.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      received.bytes += chunk.length;
      hash.update(chunk);
      if (bytes <= KEPT_BODY_BYTES) chunks.push(chunk);
    });
    let finished = false;
    const done = () => {
      if (finished) return;
      finished = true;
      const text = bytes <= KEPT_BODY_BYTES ? Buffer.concat(chunks).toString('utf8') : '';
      resolve({ text, bytes, sha256: hash.digest('hex') });
    };
    req.on('end', done);
    req.on('error', done);
  });
}

function parse(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
