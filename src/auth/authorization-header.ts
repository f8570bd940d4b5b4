/** What an Authorization header names: a bearer secret, or Basic's key name and secret. */
export type Credentials = { scheme: 'bearer'; secret: string } | { scheme: 'basic'; name: string; secret: string };

/** Base64 as RFC 7617 writes it (padding optional): anything else is not a Basic credential. */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}(?:==)?|[A-Za-z0-9+/]{3}=?)?$/;

/**
 * Reads `Bearer <secret>` or `Basic <base64 of name:secret>`: exactly a scheme and one credential,
 * so that `Bearer <secret> junk` is no credential at all. Undefined when the header is not one of those.
 */
export function readAuthorization(header: string): Credentials | undefined {
  const parts = header.trim().split(/[ \t]+/);
  if (parts.length !== 2 || parts[1] === '') return undefined;
  const [scheme, credential] = parts;
  if (/^bearer$/i.test(scheme)) return { scheme: 'bearer', secret: credential };
  if (!/^basic$/i.test(scheme) || !BASE64.test(credential)) return undefined;
  const decoded = Buffer.from(credential, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { scheme: 'basic', name: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
}
