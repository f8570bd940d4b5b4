import { createServer, IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One delivery a CRM received: its headers, its body as sent, and that body parsed. */
export interface CrmDelivery {
  headers: IncomingHttpHeaders;
  raw: string;
  body: Record<string, unknown>;
  /** What the fake answered. */
  status: number;
  /** Answered 200 but never finished the answer: not a delivery the service may count as sent. */
  trickled?: boolean;
}

/** How the fake answers one request: a status after a delay, or 200 and then one byte every 300 ms, never ending. */
export interface CrmAnswer {
  status?: number;
  delayMs?: number;
  trickle?: boolean;
}

export interface FakeCrm {
  url: string;
  deliveries: CrmDelivery[];
  /** Scripted answers for the next requests, in order; once they run out every request gets 204. */
  answer(...answers: CrmAnswer[]): void;
  /** Waits until `check` holds over the deliveries received (polling, generous timeout). */
  until(check: (deliveries: CrmDelivery[]) => boolean, timeoutMs?: number): Promise<CrmDelivery[]>;
  reset(): void;
  close(): Promise<void>;
}

/** A CRM's webhook endpoint as a real HTTP server on 127.0.0.1, on a free port. */
export async function startFakeCrm(): Promise<FakeCrm> {
  const deliveries: CrmDelivery[] = [];
  const queue: CrmAnswer[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const next = queue.shift() ?? {};
      const status = next.status ?? 204;
      if (next.trickle) {
        deliveries.push({ headers: req.headers, raw, body: JSON.parse(raw) as Record<string, unknown>, status: 200, trickled: true });
        res.writeHead(200);
        const trickle = setInterval(() => res.write('.'), 300);
        timers.add(trickle);
        res.on('close', () => {
          clearInterval(trickle);
          timers.delete(trickle);
        });
        return;
      }
      const timer = setTimeout(() => {
        timers.delete(timer);
        // Recorded when answered: a delivery the service gave up waiting for is not one it counts as sent.
        deliveries.push({ headers: req.headers, raw, body: JSON.parse(raw) as Record<string, unknown>, status });
        if (!res.destroyed) res.writeHead(status).end();
      }, next.delayMs ?? 0);
      timers.add(timer);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/contact-book`,
    deliveries,
    answer: (...answers) => queue.push(...answers),
    async until(check, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      while (!check(deliveries)) {
        if (Date.now() > deadline)
          throw new Error(`CRM condition not met; received ${JSON.stringify(deliveries.map((d) => [d.status, d.body.type]))}`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      return deliveries;
    },
    reset() {
      deliveries.length = 0;
      queue.length = 0;
    },
    async close() {
      for (const timer of timers) clearTimeout(timer);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Polls `read` until `check` holds over its answer; answers it. */
export async function eventually<T>(read: () => Promise<T>, check: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (check(value)) return value;
    if (Date.now() > deadline) throw new Error(`condition not met; last value ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
