import { createServer, IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request LINK received, as the fake saw it. */
export interface LinkRequest {
  method: string;
  /** Path and query, as sent (not decoded). */
  path: string;
  headers: IncomingHttpHeaders;
  /** The body parsed as JSON, or its text when it is not JSON, or undefined when empty. */
  body: unknown;
}

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
  /** Forgets the requests and the answers not used yet (for a `beforeEach`). */
  reset(): void;
  close(): Promise<void>;
}

/** LINK's API as a real HTTP server on 127.0.0.1, on a free port. */
export async function startFakeLink(): Promise<FakeLink> {
  const requests: LinkRequest[] = [];
  const queue: LinkResponse[] = [];
  const timers = new Set<NodeJS.Timeout>();

  const server = createServer((req, res) => {
    void readBody(req).then((text) => {
      requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: parse(text) });
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
    reset() {
      requests.length = 0;
      queue.length = 0;
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

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', () => resolve(Buffer.concat(chunks).toString('utf8')));
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
