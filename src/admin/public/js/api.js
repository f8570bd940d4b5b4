import { storedCredentials } from './session.js';

/** An answer other than 2xx, with LINK's ErrorResponse as the service sends it. */
export class ApiError extends Error {
  /**
   * @param {number} status
   * @param {{ resultCode?: number, description?: string, fields?: { field: string, message: string }[] } | null} body
   */
  constructor(status, body) {
    super(body?.description ?? `The service answered ${status}`);
    this.status = status;
    this.body = body;
  }
}

/**
 * Basic credentials with the key's name and secret, as any client of the API sends them.
 * @param {{ name: string, secret: string }} credentials
 */
function authorization(credentials) {
  const bytes = new TextEncoder().encode(`${credentials.name}:${credentials.secret}`);
  return `Basic ${btoa(String.fromCharCode(...bytes))}`;
}

/**
 * Calls one of the service's own API routes with the signed-in key: the console has no routes or
 * rights of its own.
 * @param {string} method
 * @param {string} path
 * @param {{ body?: unknown, credentials?: { name: string, secret: string } }} [options]
 */
export async function call(method, path, options = {}) {
  const credentials = options.credentials ?? storedCredentials();
  /** @type {Record<string, string>} */
  const headers = { accept: 'application/json' };
  if (credentials) headers.authorization = authorization(credentials);
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  let response;
  try {
    response = await fetch(path, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
  } catch {
    // The request never got an answer: nothing is known to have changed, and nothing is retried.
    throw new ApiError(0, { description: 'The service could not be reached: check the connection and try again' });
  }
  const body = parseJson(await response.text());
  if (!response.ok) throw new ApiError(response.status, body);
  return body;
}

/** Every answer of the API is JSON; anything else (a proxy's error page, say) counts as no body. */
function parseJson(text) {
  try {
    return text ? JSON.parse(text) : null;
  } catch {
    return null;
  }
}

/** Path segments (a phone written with spaces or `+`, a BSUID) go in encoded. */
export const segment = (value) => encodeURIComponent(value);

/**
 * A query string of the defined values only.
 * @param {Record<string, string | number | boolean | undefined | null>} params
 */
export function query(params) {
  const entries = Object.entries(params).filter(([, value]) => value !== undefined && value !== null && value !== '');
  return entries.length ? `?${new URLSearchParams(entries.map(([key, value]) => [key, String(value)]))}` : '';
}

/**
 * The routes the console calls, under one portfolio.
 * @param {string} portfolio
 */
export function portfolioApi(portfolio) {
  const base = `/v1/portfolios/${segment(portfolio)}`;
  return {
    contact: (identifier) => call('GET', `${base}/contacts/${segment(identifier)}`),
    activity: (identifier) => call('GET', `${base}/contacts/${segment(identifier)}/activity`),
    history: (identifier, cursor) => call('GET', `${base}/contacts/${segment(identifier)}/history${query({ limit: 100, cursor })}`),
    list: (filters) => call('GET', `${base}/contacts${query(filters)}`),
    split: (identifier, entry) => call('POST', `${base}/contacts/${segment(identifier)}/history/${segment(entry)}/split`),
    erase: (identifier) => call('DELETE', `${base}/contacts/${segment(identifier)}`),
    conflicts: (status, cursor) => call('GET', `${base}/conflicts${query({ status, cursor, limit: 50 })}`),
    settle: (id, resolution) => call('POST', `${base}/conflicts/${segment(id)}/settle`, { body: { resolution } }),
    stats: (atRiskWithinDays) => call('GET', `${base}/stats${query({ atRiskWithinDays })}`),
    learned: (days) => call('GET', `${base}/stats/learned${query({ days })}`),
  };
}
