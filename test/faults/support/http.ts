/** Plain node:http requests to the service on 127.0.0.1, answering status and whole body whatever the status. */
import { Agent, request } from 'node:http';
import { connect } from 'node:net';

export interface Answer {
  status: number;
  body: string;
}

/** Keep-alive sockets, enough that a request never queues in the agent. */
export const keepAliveAgent = () => new Agent({ keepAlive: true, maxSockets: 64 });

export function send(
  port: number,
  method: 'GET' | 'POST' | 'PUT',
  path: string,
  authorization: string | undefined,
  body?: unknown,
  options: { agent?: Agent; timeoutMs?: number; onSent?: () => void } = {},
): Promise<Answer> {
  const text = body === undefined ? undefined : JSON.stringify(body);
  const headers: Record<string, string | number> = {};
  if (authorization) headers.authorization = authorization;
  if (text !== undefined) Object.assign(headers, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers, agent: options.agent ?? false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    if (options.onSent) req.on('finish', options.onSent);
    if (options.timeoutMs) req.setTimeout(options.timeoutMs, () => req.destroy(new Error(`no answer within ${options.timeoutMs} ms`)));
    req.end(text);
  });
}

export const get = (port: number, path: string, authorization?: string, timeoutMs?: number) =>
  send(port, 'GET', path, authorization, undefined, { timeoutMs });

/** Whether a new TCP connection to the port is refused (nothing listens). */
export function connectionRefused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.setTimeout(2_000, () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });
}

export function parseJson(text: string): any {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
