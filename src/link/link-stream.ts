import type { IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { connectionFor, timeoutError } from './link-http';

export interface StreamedExchange {
  method: string;
  headers: OutgoingHttpHeaders;
  /** Bytes of the body already read (all of it when there is no `rest`). */
  head?: Buffer;
  /** The rest of the body, piped to LINK as it arrives: never held whole in memory. */
  rest?: Readable;
  timeoutMs: number;
}

/**
 * One request to LINK whose body and answer stream: resolves with LINK's answer as soon as its
 * headers arrive, its body still to be read. Bounded by `timeoutMs` twice over: LINK silent that
 * long while the body goes up or the answer comes down (an idle connection), and no answer that
 * long after the whole body was sent. Fails as `exchange` does (`link-http.ts`): a TimeoutError,
 * or an error whose `cause` is the socket's (or the body's, when the body stream failed). Never
 * retried, and redirects are answered as they are.
 */
export function streamExchange(url: URL, { method, headers, head, rest, timeoutMs }: StreamedExchange): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const { agent, send } = connectionFor(url);
    let settled = false;
    let timedOut: DOMException | undefined;
    let deadline: NodeJS.Timeout | undefined;
    const giveUp = () => {
      timedOut = timeoutError();
      request.destroy(timedOut);
    };
    const fail = (error: Error) => {
      clearTimeout(deadline);
      // What the caller still sends is read and dropped, so that it hears the answer instead of waiting to send.
      rest?.unpipe(request).resume();
      if (settled) return;
      settled = true;
      reject(timedOut ?? new Error('LINK request failed', { cause: error }));
    };
    const request = send(url, { method, agent, headers });
    request.setTimeout(timeoutMs, giveUp);
    request.on('finish', () => (deadline = setTimeout(giveUp, timeoutMs)));
    request.on('response', (response) => {
      clearTimeout(deadline);
      if (settled) return void response.resume();
      settled = true;
      resolve(response);
    });
    request.on('error', fail);
    if (!rest) return void request.end(head);
    if (head && head.length > 0) request.write(head);
    // The body failing (the caller gone, a guard refusing it) ends LINK's request unfinished: a cut
    // multipart form or JSON body is nothing LINK acts on.
    rest.once('error', (error) => request.destroy(error));
    rest.pipe(request);
  });
}
