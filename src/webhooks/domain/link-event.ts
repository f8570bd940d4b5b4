import type { CountryCode } from 'libphonenumber-js';
import { AppError, FieldError } from '../../common/errors/app-error';
import { describeInput, Identifier, IdentifierKind, tryParseIdentifier } from '../../identifiers/domain/identifier';
import type { Activity, Evidence, Observation } from '../../graph/domain/observation';
import { answersContactRequest } from './contact-request-reply';
import type { DlrEnvelope, MoEnvelope } from './link-envelope';

/** Where the webhook's identifiers are read in the context of its portfolio. */
export interface EventContext {
  portfolio: string;
  region: CountryCode;
  businessNumber?: string;
  /** A DLR of a message the proxy sent: the identifier it was sent to. */
  sentAs?: Identifier;
  /** A contacts MO replying to a REQUEST_CONTACT_INFO message the proxy sent: the identifier that message went to. */
  contactRequestSentTo?: Identifier;
}

export interface ReadEvent {
  receiptKey: string;
  observations: Observation[];
}

type Identifiers = Partial<Record<IdentifierKind, string>>;

/** LINK's DLR result codes (API document, "Possible resultCodes in Message Status Notifications"). */
export const DLR_SENT_CODES = new Set([112002, 112003, 112006, 112007, 112008]);
export const DLR_INVALID_CONTACT = 112404;

const PLACEHOLDERS = new Set(['', 'null', 'undefined']);

/**
 * `customParameters` as LINK sends it: `null`, missing, or an object whose keys may carry stray
 * spaces (`" whatsappUserId "`). Answers trimmed keys to trimmed string values; blanks and
 * `"null"` count as absent (rule 10).
 */
export function readParameters(raw: unknown): Map<string, string> {
  const parameters = new Map<string, string>();
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return parameters;
  for (const [key, value] of Object.entries(raw)) {
    if (typeof value !== 'string' && typeof value !== 'number') continue;
    const text = String(value).trim();
    if (!PLACEHOLDERS.has(text.toLowerCase())) parameters.set(key.trim(), text);
  }
  return parameters;
}

/** An incoming message (MO): `source` is the user, `customParameters` may add the BSUIDs. */
export function readMo(body: MoEnvelope, context: EventContext): ReadEvent {
  const parameters = readParameters(body.customParameters);
  const errors: FieldError[] = [];
  const ids: Identifiers = {};
  const source = tryParseIdentifier(body.source, context.region);
  if (source.ok) ids[source.identifier.kind] = source.identifier.value;
  else errors.push({ field: 'source', message: `${describeInput(body.source)} ${source.reason}` });
  addParameter(ids, errors, parameters, 'whatsappUserId', 'bsuid', context);
  addParameter(ids, errors, parameters, 'whatsappParentUserId', 'parentBsuid', context);
  if (errors.length > 0) throw AppError.validation(errors);

  const messageId = body.messageId;
  const eventAt = readTimestamp(body.timestamp);
  const base = { portfolio: context.portfolio, eventAt, links: true as const };
  const evidence: Evidence = { kind: 'MO', messageId, businessNumber: context.businessNumber };
  // An MO whose source is the phone number is an exchange by phone (Meta's contact book logs it).
  const byPhone = source.ok && source.identifier.kind === 'msisdn';
  const observations: Observation[] = [{ ...base, ...ids, strength: 'attested', activity: 'inbound', byPhone, evidence }];
  observations.push(...readSharedContacts(body, ids, context, { ...base, messageId }));
  return { receiptKey: `mo:${messageId}`, observations };
}

/**
 * A message status notification (DLR): the user is in `customParameters`, and in what the message
 * was sent to when this service sent it (an identifier the DLR carries wins over it); only a sent
 * DLR links.
 */
export function readDlr(body: DlrEnvelope, context: EventContext, parameters = readParameters(body.customParameters)): ReadEvent {
  const errors: FieldError[] = [];
  const ids: Identifiers = {};
  addParameter(ids, errors, parameters, 'destination', 'msisdn', context);
  addParameter(ids, errors, parameters, 'whatsappUserId', 'bsuid', context);
  addParameter(ids, errors, parameters, 'whatsappParentUserId', 'parentBsuid', context);
  if (errors.length > 0) throw AppError.validation(errors);
  // The message went to this identifier: a DLR naming nobody, or only the BSUID of a message sent
  // to the phone, is still about that person (DESIGN: DLR attributed by its messageId).
  if (context.sentAs && ids[context.sentAs.kind] === undefined) ids[context.sentAs.kind] = context.sentAs.value;

  const { messageId, resultCode } = body;
  const receiptKey = `dlr:${messageId}:${Number(body.messageIndex ?? 0)}:${resultCode}`;
  if (Object.keys(ids).length === 0) return { receiptKey, observations: [] };
  const sent = DLR_SENT_CODES.has(resultCode);
  const activity: Activity | undefined = sent ? 'outbound' : resultCode === DLR_INVALID_CONTACT ? 'invalid' : undefined;
  const observation: Observation = {
    portfolio: context.portfolio,
    ...ids,
    eventAt: readTimestamp(body.timestamp),
    strength: 'attested',
    // A failed DLR carries no link: it only updates status (DESIGN: Rules).
    links: sent,
    activity,
    // A message sent to a phone number given as its destination is an exchange by phone.
    byPhone: sent && ids.msisdn !== undefined,
    evidence: { kind: 'DLR', messageId, resultCode, businessNumber: context.businessNumber },
  };
  return { receiptKey, observations: [observation] };
}

function addParameter(
  ids: Identifiers,
  errors: FieldError[],
  parameters: Map<string, string>,
  key: string,
  kind: IdentifierKind,
  context: EventContext,
): void {
  const raw = parameters.get(key);
  if (raw === undefined) return;
  const field = `customParameters.${key}`;
  const parsed = tryParseIdentifier(raw, context.region);
  if (!parsed.ok) {
    errors.push({ field, message: `${describeInput(raw)} ${parsed.reason}` });
  } else if (parsed.identifier.kind !== kind) {
    errors.push({ field, message: `${describeInput(raw)} is a ${parsed.identifier.kind}, expected a ${kind}` });
  } else if (ids[kind] !== undefined && ids[kind] !== parsed.identifier.value) {
    errors.push({ field, message: `${describeInput(raw)} disagrees with source` });
  } else {
    ids[kind] = parsed.identifier.value;
  }
}

/**
 * A `contacts` message: a card shared through the REQUEST_CONTACT_INFO button (`origin:
 * "contact_request"`), or the one card of a reply to a REQUEST_CONTACT_INFO message the proxy sent
 * to this sender, is the sender's own number, attested; any other card is only a claim, worth
 * something when the sender's phone is unknown (rule 8). Unreadable numbers in a card are skipped:
 * a card is the user's text, not LINK's envelope.
 */
function readSharedContacts(
  body: MoEnvelope,
  sender: Identifiers,
  context: EventContext,
  base: { portfolio: string; eventAt: Date; links: true; messageId: string },
): Observation[] {
  const senderIds: Identifiers = { bsuid: sender.bsuid, parentBsuid: sender.parentBsuid };
  if (!sender.bsuid && !sender.parentBsuid) return [];
  const message = (body.content as { message?: { contacts?: unknown } } | undefined)?.message;
  const cards = Array.isArray(message?.contacts) ? message.contacts : [];
  const observations: Observation[] = [];
  for (const card of cards as { origin?: unknown; phones?: unknown }[]) {
    const phone = firstPhone(card?.phones, context.region);
    if (!phone) continue;
    const marked = card.origin === 'contact_request';
    // A reply of several cards is no answer to a request for one's own number.
    const requestedTo = cards.length === 1 ? context.contactRequestSentTo : undefined;
    const replied = !marked && requestedTo !== undefined && answersContactRequest(requestedTo, sender, phone);
    const own = marked || replied;
    if (!own && sender.msisdn) continue;
    const kind = marked ? 'CONTACT_SHARE' : replied ? 'CONTACT_REQUEST_REPLY' : 'CONTACT_CARD';
    observations.push({
      portfolio: base.portfolio,
      eventAt: base.eventAt,
      links: true,
      ...withoutUndefined(senderIds),
      msisdn: phone,
      strength: own ? 'attested' : 'claimed',
      evidence: { kind, messageId: base.messageId, businessNumber: context.businessNumber },
    });
  }
  return observations;
}

function firstPhone(phones: unknown, region: CountryCode): string | undefined {
  if (!Array.isArray(phones)) return undefined;
  for (const entry of phones as { phone?: unknown; waId?: unknown; wa_id?: unknown }[]) {
    const waId = entry?.waId ?? entry?.wa_id;
    const candidate = typeof waId === 'string' && /^[0-9]+$/.test(waId) ? `+${waId}` : entry?.phone;
    const parsed = tryParseIdentifier(candidate, region);
    if (parsed.ok && parsed.identifier.kind === 'msisdn') return parsed.identifier.value;
  }
  return undefined;
}

function withoutUndefined(ids: Identifiers): Identifiers {
  return Object.fromEntries(Object.entries(ids).filter(([, value]) => value !== undefined));
}

/** RFC 3339, and its `+0000` cousin without the colon. */
const RFC_3339 = /^(\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d+)?)([Zz]|[+-]\d{2}):?(\d{2})?$/;
const ALLOWED_CLOCK_SKEW_MS = 5 * 60 * 1000;

/**
 * The event time; LINK always sends one, a missing one is taken as now. A time in the future
 * (past some clock skew) is taken as now: a link dated years ahead could never be undone (rule 5).
 */
export function readTimestamp(raw: unknown, now = new Date()): Date {
  if (raw === undefined || raw === null || raw === '') return now;
  const parts = typeof raw === 'string' ? RFC_3339.exec(raw) : null;
  const zone = parts && (/^[Zz]$/.test(parts[2]) ? 'Z' : parts[3] ? `${parts[2]}:${parts[3]}` : null);
  const date = parts && zone ? new Date(`${parts[1].replace(' ', 'T')}${zone}`) : new Date(NaN);
  if (Number.isNaN(date.getTime()) || !sameCalendarDate(parts?.[1], date, zone)) {
    throw AppError.invalidField('timestamp', 'must be an RFC 3339 date-time');
  }
  return date.getTime() > now.getTime() + ALLOWED_CLOCK_SKEW_MS ? now : date;
}

/** `Date` rolls 2010-02-30 over to March; RFC 3339 does not. */
function sameCalendarDate(local: string | undefined, date: Date, zone: string | null): boolean {
  if (!local || !zone) return false;
  const offsetMinutes = zone === 'Z' ? 0 : (zone.startsWith('-') ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
  const shifted = new Date(date.getTime() + offsetMinutes * 60_000);
  return shifted.toISOString().slice(0, 10) === local.slice(0, 10);
}
