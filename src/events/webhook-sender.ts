import { lookup as dnsLookup, LookupAddress } from 'node:dns';
import { request as httpRequest, RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, LookupFunction } from 'node:net';
import { isInternalAddress } from './domain/destination';

/** What one delivery attempt got: an HTTP status, or why there was none. */
export interface SendResult {
  status: number | null;
  error: string | null;
}

/** Most of an answer is not read: a subscriber's body means nothing to delivery. */
const KEPT_ANSWER_BYTES = 4096;

/**
 * Posts one signed event. The host is resolved here and every address it resolves to is checked
 * before connecting (unless private addresses are allowed), so DNS cannot steer a delivery into
 * the internal network after the URL was accepted.
 *
 * `timeoutMs` bounds the whole attempt, from resolving the host to the end of the answer (or its
 * first KEPT_ANSWER_BYTES, after which the rest is dropped): an endpoint that answers slowly, byte
 * by byte, cannot hold a send open past it.
 */
export function postEvent(
  url: string,
  headers: Record<string, string>,
  body: string,
  options: { timeoutMs: number; allowPrivate: boolean; signal: AbortSignal },
): Promise<SendResult> {
  return new Promise((resolve) => {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      return resolve({ status: null, error: 'invalid URL' });
    }
    const host = target.hostname.replace(/^\[(.*)\]$/, '$1');
    if (!options.allowPrivate && isIP(host) !== 0 && isInternalAddress(host)) {
      return resolve({ status: null, error: 'address not allowed' });
    }
    let done = false;
    const finish = (result: SendResult) => {
      if (done) return;
      done = true;
      clearTimeout(deadline);
      resolve(result);
      req.destroy();
    };
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    const requestOptions: RequestOptions = {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body).toString() },
      signal: options.signal,
      lookup: options.allowPrivate ? undefined : checkedLookup,
    };
    const req = send(target, requestOptions, (res) => {
      const answered = { status: res.statusCode ?? null, error: null };
      let kept = 0;
      res.on('data', (chunk: Buffer) => {
        kept += chunk.length;
        if (kept >= KEPT_ANSWER_BYTES) finish(answered);
      });
      res.on('end', () => finish(answered));
      res.on('error', (error) => finish({ status: null, error: error.message }));
      res.on('close', () => finish({ status: null, error: 'answer cut short' }));
    });
    const deadline = setTimeout(() => finish({ status: null, error: `no answer within ${options.timeoutMs} ms` }), options.timeoutMs);
    req.on('error', (error) => finish({ status: null, error: error.message }));
    req.end(body);
  });
}

/** `dns.lookup`, refusing a host any of whose addresses is internal. */
const checkedLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
    if (error) return callback(error, '', 4);
    const refused = addresses.find((entry) => isInternalAddress(entry.address));
    if (refused || addresses.length === 0) {
      return callback(Object.assign(new Error(`${hostname} resolves to an address not allowed`), { code: 'EADDRNOTALLOWED' }), '', 4);
    }
    if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
    callback(null, addresses[0].address, addresses[0].family);
  });
};
