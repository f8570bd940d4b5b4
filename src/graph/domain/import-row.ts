import type { CountryCode } from 'libphonenumber-js';
import { describeInput, IDENTIFIER_KINDS, IdentifierKind, tryParseIdentifier } from '../../identifiers/domain/identifier';

const MAX_EXTERNAL_ID = 256;

export type ImportRow =
  { ok: true; links: Partial<Record<IdentifierKind, string>>; externalId?: string } | { ok: false; field: string; reason: string };

/**
 * Reads one row of a CRM import. Empty cells (missing, null, blank) are absent, as CRM exports
 * write them; a value that is there must be an identifier of its column's kind.
 */
export function readImportRow(row: Record<string, unknown>, region: CountryCode): ImportRow {
  const links: Partial<Record<IdentifierKind, string>> = {};
  for (const field of IDENTIFIER_KINDS) {
    const raw = row[field];
    if (isEmpty(raw)) continue;
    const parsed = tryParseIdentifier(raw, region);
    if (!parsed.ok) return { ok: false, field, reason: `${describeInput(raw)} ${parsed.reason}` };
    if (parsed.identifier.kind !== field) {
      return { ok: false, field, reason: `${describeInput(raw)} is a ${KIND_NAME[parsed.identifier.kind]}, not a ${KIND_NAME[field]}` };
    }
    links[field] = parsed.identifier.value;
  }
  if (Object.keys(links).length === 0) return { ok: false, field: 'msisdn', reason: 'the row has no msisdn, bsuid or parentBsuid' };

  const externalId = row.externalId;
  if (isEmpty(externalId)) return { ok: true, links };
  if ((typeof externalId !== 'string' && typeof externalId !== 'number') || String(externalId).trim().length > MAX_EXTERNAL_ID) {
    return { ok: false, field: 'externalId', reason: `must be a string of up to ${MAX_EXTERNAL_ID} characters` };
  }
  // Control characters (NUL above all) cannot be stored, and are no CRM id.
  // eslint-disable-next-line no-control-regex -- control characters are what it looks for
  if (/[\u0000-\u001f\u007f]/.test(String(externalId))) {
    return { ok: false, field: 'externalId', reason: 'must not hold control characters' };
  }
  return { ok: true, links, externalId: String(externalId).trim() };
}

const KIND_NAME: Record<IdentifierKind, string> = { msisdn: 'phone number', bsuid: 'BSUID', parentBsuid: 'parent BSUID' };

function isEmpty(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}
