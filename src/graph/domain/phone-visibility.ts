import { latest, Observation } from './observation';
import { phoneVisibleAfter } from './time-rules';

/**
 * Why the phone keeps arriving in webhooks, or does not:
 * - `contactBook`: an exchange by phone number on or after CONTACT_BOOK_SINCE logged the person into
 *   the business's contact book; the phone keeps arriving, with no end;
 * - `window`: only the last exchange keeps it arriving, until `phoneVisibleUntil` (possibly past);
 * - `none`: a phone is known, but no exchange with it was seen (a CRM import): nothing keeps it arriving.
 * `null` when no phone is known.
 */
export type PhoneVisibility = 'contactBook' | 'window' | 'none';

export interface PhoneFacts {
  msisdn: string | null;
  lastInboundAt: Date | null;
  lastOutboundAt: Date | null;
  /** The earliest contact-book entry of the contact's phone, with any business number of the portfolio. */
  contactBookAt: Date | null;
}

/**
 * Whether and until when the phone keeps arriving in webhooks. One business number having the
 * phone in its contact book is enough, as Meta keeps the contact book per business. Mirrored in SQL
 * by `phoneVisibilitySql` (phone-visibility.sql.ts): change them together.
 */
export function phoneVisibility(facts: PhoneFacts): { phoneVisibility: PhoneVisibility | null; phoneVisibleUntil: Date | null } {
  if (!facts.msisdn) return { phoneVisibility: null, phoneVisibleUntil: null };
  if (facts.contactBookAt) return { phoneVisibility: 'contactBook', phoneVisibleUntil: null };
  const lastExchange = latest(facts.lastInboundAt, facts.lastOutboundAt);
  if (!lastExchange) return { phoneVisibility: 'none', phoneVisibleUntil: null };
  return { phoneVisibility: 'window', phoneVisibleUntil: phoneVisibleAfter(lastExchange) };
}

/** Business number of an entry made by a number the service could not tell (a DLR in a portfolio of several numbers). */
export const UNKNOWN_BUSINESS_NUMBER = 'unknown';

/** A phone number logged into the contact book of a portfolio's business number. */
export interface ContactBookEntryRow {
  portfolio: string;
  msisdn: string;
  businessNumber: string;
  /** The first exchange by phone on or after CONTACT_BOOK_SINCE. */
  enteredAt: Date;
}

/**
 * The contact-book entries that observations make: an MO from the phone number, or a message sent
 * to it (a sent DLR naming it, a send through the proxy), on or after `since` (Meta's launch,
 * CONTACT_BOOK_SINCE). One entry per (portfolio, phone, business number), the earliest; an entry
 * whose business number is not known is kept under UNKNOWN_BUSINESS_NUMBER, as Meta keeps the
 * contact book per business and one number of the portfolio is enough.
 */
export function contactBookEntries(observations: Iterable<Observation>, since: Date): ContactBookEntryRow[] {
  const entries = new Map<string, ContactBookEntryRow>();
  for (const obs of observations) {
    const exchanged = obs.activity === 'inbound' || obs.activity === 'outbound';
    if (!exchanged || obs.byPhone !== true || !obs.msisdn || obs.eventAt < since) continue;
    const businessNumber = obs.evidence.businessNumber ?? UNKNOWN_BUSINESS_NUMBER;
    const key = `${obs.portfolio}\u0000${obs.msisdn}\u0000${businessNumber}`;
    const known = entries.get(key);
    if (!known || obs.eventAt < known.enteredAt)
      entries.set(key, { portfolio: obs.portfolio, msisdn: obs.msisdn, businessNumber, enteredAt: obs.eventAt });
  }
  return [...entries.values()];
}
