import { isISO31661Alpha2 } from 'class-validator';
import { CountryCode, getCountries, getCountryCallingCode, parsePhoneNumberFromString } from 'libphonenumber-js';
import { AppError } from '../../common/errors/app-error';
import { mask } from '../../common/logging/mask';

/** The three ways to address a WhatsApp user, most stable first: a BSUID's phone never changes, a parent spans a group, a phone can be recycled. */
export const IDENTIFIER_KINDS = ['bsuid', 'parentBsuid', 'msisdn'] as const;
export type IdentifierKind = (typeof IDENTIFIER_KINDS)[number];

/** A phone number in E.164, or a BSUID / parent BSUID exactly as Meta wrote it. */
export interface Identifier {
  kind: IdentifierKind;
  value: string;
}

/** One string per identifier, for maps and sets of identifiers of any kind. */
export function identifierKey(identifier: Identifier): string {
  return `${identifier.kind}\u0000${identifier.value}`;
}

export type ParseResult = { ok: true; identifier: Identifier } | { ok: false; reason: string };

const PARENT_BSUID = /^[A-Z]{2}\.ENT\.[A-Za-z0-9]{1,128}$/;
const BSUID = /^[A-Z]{2}\.[A-Za-z0-9]{1,128}$/;
const E164 = /^\+[1-9][0-9]{6,14}$/;
const PHONE_PUNCTUATION = /[\s\-().\u00a0/]/g;
const PLACEHOLDERS = new Set(['null', 'undefined', 'nil', 'none', 'n/a']);
const CALLING_CODES = new Set(getCountries().map((country) => getCountryCallingCode(country)));

/**
 * Reads one identifier (DESIGN: Identifier parsing). Never throws: an input that is not an
 * identifier answers `ok: false` with a reason a person can act on (rule 10: blanks, "null",
 * all-zero numbers and malformed ids are never identifiers).
 *
 * Phone numbers already in international form keep their digits as written: libphonenumber-js
 * would drop a leading 0 after the country code (`+460000000001`), which LINK's own examples use.
 * The library reads local forms (`0735555555`) in `region`.
 */
export function tryParseIdentifier(raw: unknown, region: CountryCode): ParseResult {
  if (typeof raw !== 'string') return fail('is not a string');
  const input = raw.trim();
  if (input === '') return fail('is blank');
  if (PLACEHOLDERS.has(input.toLowerCase())) return fail(`"${input}" is a placeholder, not an identifier`);
  if (/^[A-Za-z]{2}\./.test(input)) return parseBsuid(input);
  return parseMsisdn(input, region);
}

/** Like `tryParseIdentifier`, throwing a 400 that names the input (masked) and the reason. */
export function parseIdentifier(raw: unknown, region: CountryCode, field = 'identifier'): Identifier {
  const result = tryParseIdentifier(raw, region);
  if (!result.ok) throw AppError.invalidField(field, `${describeInput(raw)} ${result.reason}`);
  return result.identifier;
}

/** What an error message may say about an input: masked when it might be personal data. */
export function describeInput(raw: unknown): string {
  if (typeof raw !== 'string') return 'the value';
  const trimmed = raw.trim();
  return trimmed.length > 0 ? `"${mask(trimmed)}"` : 'the value';
}

/**
 * A business number as LINK writes it (`+46000000000`): kept as written, `+` and digits. Not a
 * user identifier, so rule 10 does not apply: LINK's own examples use all-zero numbers.
 */
export function parseBusinessNumber(raw: unknown, field: string): string {
  const compact = typeof raw === 'string' ? raw.replace(/[\s\-()]/g, '') : '';
  const international = compact.startsWith('00') ? `+${compact.slice(2)}` : compact.startsWith('+') ? compact : `+${compact}`;
  if (!/^\+[1-9][0-9]{2,14}$/.test(international)) {
    throw AppError.invalidField(
      field,
      `${describeInput(raw)} is not a business number (international form with its country code, up to 15 digits)`,
    );
  }
  return international;
}

function parseBsuid(input: string): ParseResult {
  if (/^[A-Z]{2}\./.test(input) && !isISO31661Alpha2(input.slice(0, 2))) return fail('does not start with an ISO country code');
  if (PARENT_BSUID.test(input)) return allZeroTail(input) ?? ok('parentBsuid', input);
  if (BSUID.test(input) && !/^[A-Z]{2}\.ENT$/.test(input)) return allZeroTail(input) ?? ok('bsuid', input);
  if (/^[A-Z]{2}\.ENT(\.|$)/.test(input)) {
    return fail('is not a parent BSUID: after "CC.ENT." come 1-128 ASCII letters or digits');
  }
  return fail('is not a BSUID: two upper-case letters, a dot, then 1-128 ASCII letters or digits');
}

function allZeroTail(input: string): ParseResult | undefined {
  const tail = input.slice(input.lastIndexOf('.') + 1);
  return /^0+$/.test(tail) ? fail('is all zeros, not a real id') : undefined;
}

function parseMsisdn(input: string, region: CountryCode): ParseResult {
  // "+46 (0)70 …": the trunk prefix in brackets is not dialled from abroad.
  const compact = input.replace(/\(0\)/g, '').replace(PHONE_PUNCTUATION, '');
  if (!/^\+?[0-9]+$/.test(compact)) return fail('is neither a phone number nor a BSUID');
  if (/^\+?0+$/.test(compact)) return fail('is all zeros, not a real number');
  if (compact.startsWith('+')) return international(compact);
  if (compact.startsWith('00')) return international(`+${compact.slice(2)}`);
  if (compact.startsWith('0')) return local(compact, region);
  // Digits without a prefix: international without "+" when they start with a country code
  // (`46735555555`), else a local number written without its trunk prefix.
  const asInternational = international(`+${compact}`);
  return asInternational.ok ? asInternational : local(compact, region);
}

function international(candidate: string): ParseResult {
  if (!E164.test(candidate)) return fail('is not a phone number: 7 to 15 digits after the country code');
  const code = callingCodeOf(candidate);
  if (!code) return fail('does not start with a known country calling code');
  const national = candidate.slice(1 + code.length);
  if (/^0+$/.test(national)) return fail('is all zeros, not a real number');
  if (national.startsWith('0')) {
    // A trunk prefix written after the country code (`+46 070…`): the library drops it where the
    // country's plan says so. Numbers it does not know are kept as written (`+460000000001`).
    const parsed = parsePhoneNumberFromString(candidate);
    if (parsed?.isValid()) return ok('msisdn', parsed.number);
  }
  return ok('msisdn', candidate);
}

function local(digits: string, region: CountryCode): ParseResult {
  if (/^0+$/.test(digits)) return fail('is all zeros, not a real number');
  const parsed = parsePhoneNumberFromString(digits, region);
  if (!parsed) return fail(`is not a phone number in ${region}`);
  return international(parsed.number);
}

function callingCodeOf(e164: string): string | undefined {
  for (let length = 1; length <= 3; length++) {
    const code = e164.slice(1, 1 + length);
    if (CALLING_CODES.has(code)) return code;
  }
  return undefined;
}

function ok(kind: IdentifierKind, value: string): ParseResult {
  return { ok: true, identifier: { kind, value } };
}

function fail(reason: string): ParseResult {
  return { ok: false, reason };
}
