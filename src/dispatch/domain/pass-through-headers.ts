/**
 * Which headers a pass-through sends on, each way. Hop-by-hop headers (RFC 9110, 7.6.1) belong to
 * one connection; the caller's credentials are replaced by the portfolio's LINK credentials;
 * `Host` is LINK's; `Expect: 100-continue` was answered by this service already.
 */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);
const NOT_TO_LINK = new Set([...HOP_BY_HOP, 'authorization', 'host', 'expect', 'cookie']);
/** Set by this service on every answer (`x-request-id`, the security headers): LINK's do not replace them. */
const OURS = new Set([
  ...HOP_BY_HOP,
  'x-request-id',
  'content-security-policy',
  'strict-transport-security',
  'x-content-type-options',
  'x-frame-options',
]);

type Headers = Record<string, string | string[] | undefined>;

/** The caller's headers for LINK: without its credentials and the connection's own. */
export function headersToLink(headers: Headers): Record<string, string | string[]> {
  return pick(headers, (name) => !NOT_TO_LINK.has(name));
}

/** LINK's answer headers for the caller: without the connection's own, and without overriding ours. */
export function headersFromLink(headers: Headers): Record<string, string | string[]> {
  return pick(headers, (name) => !OURS.has(name));
}

function pick(headers: Headers, keep: (name: string) => boolean): Record<string, string | string[]> {
  // Headers a Connection header names are hop-by-hop too.
  const named = new Set(
    String(headers.connection ?? '')
      .split(',')
      .map((name) => name.trim().toLowerCase())
      .filter((name) => name !== ''),
  );
  const kept: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (value !== undefined && keep(lower) && !named.has(lower)) kept[lower] = value;
  }
  return kept;
}
