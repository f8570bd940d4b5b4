import { Agent as HttpAgent, IncomingMessage, request as httpRequest, RequestOptions } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

/** LINK's answer, read in full. */
export interface LinkAnswer {
  status: number;
  text: string;
}

export interface LinkExchange {
  method: string;
  headers: Record<string, string>;
  body?: string;
  timeoutMs: number;
}

/**
 * Connections to LINK are kept open between calls. An idle one is closed after 4 s, or a second
 * before LINK's own `Keep-Alive: timeout` (Node's agent reads it), so that a send never goes out
 * on a connection LINK is closing.
 */
const AGENT_OPTIONS = { keepAlive: true, timeout: 4_000 };
const agents = { 'http:': new HttpAgent(AGENT_OPTIONS), 'https:': new HttpsAgent(AGENT_OPTIONS) };

/** The kept-alive agent and the request function for LINK's URL; a scheme other than http(s) is a configuration error. */
export function connectionFor(url: URL): { agent: HttpAgent; send: typeof httpRequest } {
  const agent = agents[url.protocol as keyof typeof agents];
  if (!agent) throw new TypeError(`LINK_BASE_URL must be http or https, not ${url.protocol}`);
  return { agent, send: url.protocol === 'https:' ? httpsRequest : httpRequest };
}

/**
 * One HTTP exchange with LINK through Node's http client, its answer read in full within
 * `timeoutMs`. Fetch costs several times the CPU per call (web streams, and a WeakRef per call
 * whose target survives every young-generation collection), which made up much of the proxy's
 * collection pauses. Fails as fetch does: a TimeoutError past the deadline, otherwise an error
 * whose `cause` is the socket's (its `code` says whether a connection was ever made). Redirects
 * are answered as they are, never followed.
 */
export function exchange(url: URL, { method, headers, body, timeoutMs }: LinkExchange): Promise<LinkAnswer> {
  return new Promise((resolve, reject) => {
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const agent = agents[url.protocol as keyof typeof agents];
    if (!agent) return reject(new TypeError(`LINK_BASE_URL must be http or https, not ${url.protocol}`));
    const options: RequestOptions = {
      method,
      agent,
      headers: body === undefined ? headers : { ...headers, 'content-length': String(Buffer.byteLength(body)) },
    };
    let settled = false;
    let timedOut: DOMException | undefined;
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      reject(timedOut ?? new Error('LINK request failed', { cause: error }));
    };
    const request = send(url, options, (response: IncomingMessage) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', fail);
      // A connection closed half-way through the answer.
      response.on('close', () => response.complete || fail(Object.assign(new Error('aborted'), { code: 'ECONNRESET' })));
      response.on('end', () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') });
      });
    });
    const timer = setTimeout(() => {
      timedOut = timeoutError();
      request.destroy(timedOut);
    }, timeoutMs);
    request.on('error', fail);
    request.end(body);
  });
}

/** What a call past its deadline fails with: the error `AbortSignal.timeout` gives fetch. */
export function timeoutError(): DOMException {
  return new DOMException('The operation was aborted due to timeout', 'TimeoutError');
}
