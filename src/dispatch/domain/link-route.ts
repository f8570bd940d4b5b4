/**
 * The routes of LINK's WhatsApp message API that the service passes through (LINK's document:
 * every route under its base URL but POST /messages, which the service plans): whose portfolio a
 * call acts for, and which calls teach the template registry.
 */
import { AppError, FieldError } from '../../common/errors/app-error';
import { isJsonObject } from '../../common/http/json';
import type { ScannedPart } from './multipart-scan';

/** The three fields LINK names a business number's account by, wherever a call carries them. */
export const PLATFORM_FIELDS = ['platformId', 'platformPartnerId', 'source'] as const;
export type PlatformField = (typeof PLATFORM_FIELDS)[number];
export type LinkTarget = Partial<Record<PlatformField, string>>;

/** What a call does that the service learns from, when LINK accepts it. */
export type LinkCall =
  | { kind: 'createTemplate' }
  | { kind: 'updateTemplate'; templateId: string }
  | { kind: 'deleteTemplate'; templateId: string; templateName: string }
  | { kind: 'other' };

export interface LinkPath {
  /** The platform fields the path names (`/platformId/{…}/platformPartnerId/{…}/source/{…}/…`). */
  target: LinkTarget;
  call: LinkCall;
}

const ACCOUNT_PATH = /^\/platformId\/([^/]+)\/platformPartnerId\/([^/]+)\/source\/([^/]+)(\/.*)?$/;

/**
 * Reads a LINK path (below the base URL, without its query): the account it names, and whether it
 * creates, updates or deletes a template. Segments are percent-decoded; one that cannot be is 400.
 */
export function readLinkPath(method: string, path: string): LinkPath {
  const match = ACCOUNT_PATH.exec(path);
  if (!match) return { target: {}, call: { kind: 'other' } };
  const [platformId, platformPartnerId, source] = [match[1], match[2], match[3]].map(decodeSegment);
  const rest = (match[4] ?? '').split('/').filter((segment) => segment !== '');
  return { target: { platformId, platformPartnerId, source }, call: templateCall(method.toUpperCase(), rest) };
}

/** LINK's document, "Create Templates / Manage Templates". */
function templateCall(method: string, rest: string[]): LinkCall {
  if (rest[0] !== 'templates') return { kind: 'other' };
  // LINK creates with PUT; Meta's own API creates with POST on the same collection.
  if (rest.length === 1 && (method === 'PUT' || method === 'POST')) return { kind: 'createTemplate' };
  if (rest.length === 2 && method === 'POST') return { kind: 'updateTemplate', templateId: decodeSegment(rest[1]) };
  if (rest.length === 3 && method === 'DELETE') {
    return { kind: 'deleteTemplate', templateId: decodeSegment(rest[1]), templateName: decodeSegment(rest[2]) };
  }
  return { kind: 'other' };
}

/** The platform fields of a JSON body (`POST /mo/status` carries them there). */
export function readBodyTarget(body: unknown): LinkTarget {
  if (!isJsonObject(body)) return {};
  return readFields((field) => body[field]);
}

/** The platform fields of a query string, or of a multipart form's fields. */
export function readFieldsTarget(fields: { get(name: string): string | null | undefined }): LinkTarget {
  return readFields((field) => fields.get(field) ?? undefined);
}

function readFields(valueOf: (field: PlatformField) => unknown): LinkTarget {
  const target: LinkTarget = {};
  for (const field of PLATFORM_FIELDS) {
    const value = valueOf(field);
    const text = typeof value === 'number' && Number.isFinite(value) ? String(value) : typeof value === 'string' ? value.trim() : '';
    if (text !== '') target[field] = text;
  }
  return target;
}

/**
 * The account a call acts for, from every place that names it (path, body, form fields, query).
 * They must agree: LINK reads one of them, and the key is checked against the one the service read,
 * so two that differ could act for a portfolio the key does not reach. All three are needed.
 */
export function combineTargets(places: { where: string; target: LinkTarget }[]): Required<LinkTarget> {
  const combined: LinkTarget = {};
  const problems: FieldError[] = [];
  for (const field of PLATFORM_FIELDS) {
    for (const { where, target } of places) {
      const value = target[field];
      if (value === undefined) continue;
      if (combined[field] === undefined) combined[field] = value;
      else if (combined[field] !== value) problems.push({ field, message: `${where} names another ${field} than the rest of the request` });
    }
    if (combined[field] === undefined) {
      problems.push({ field, message: 'is needed (in the path, the body or the query) to tell whose LINK account the call is for' });
    }
  }
  if (problems.length > 0) throw AppError.validation(problems);
  return combined as Required<LinkTarget>;
}

/**
 * A multipart form may name the account again in any later part: each complete field of the form
 * named after one must say what the call was checked for, or the upload is cut off before LINK
 * has the whole form.
 */
export function assertFormAgrees(parts: readonly ScannedPart[], target: Required<LinkTarget>): void {
  for (const part of parts) {
    const field = PLATFORM_FIELDS.find((name) => name === part.name);
    if (!field || part.value === undefined) continue;
    if (part.file || part.value.trim() !== target[field]) {
      throw AppError.invalidField(field, `the form names another ${field} than the rest of the request`);
    }
  }
}

/** Whether the platform a call names is the portfolio's own: it goes out under that portfolio's LINK credentials. */
export function namesPlatformOf(
  portfolio: { platformId: string | null; platformPartnerId: string | null },
  named: { readonly [field: string]: unknown },
): boolean {
  if (!portfolio.platformId) return true;
  const partnerDiffers = portfolio.platformPartnerId && named.platformPartnerId !== portfolio.platformPartnerId;
  return named.platformId === portfolio.platformId && !partnerDiffers;
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw AppError.invalidField('path', 'a path segment is badly percent-encoded');
  }
}
