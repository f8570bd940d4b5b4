import { PHONE_VISIBLE_DAYS } from './domain/time-rules';

/*
 * `phoneVisibility` (domain/phone-visibility.ts) in SQL over `contact c`, for the list filters and
 * the stats: change them together.
 */

/** When the phone of `contact c` first entered the contact book of one of the portfolio's numbers; null without a phone. */
export const CONTACT_BOOK_AT = `(SELECT min(b.entered_at) FROM contact_book_entry b WHERE b.portfolio = c.portfolio AND b.msisdn = c.msisdn)`;

/** The phone of `contact c` has a contact-book entry: one index probe, for a page of contacts. */
export const HAS_CONTACT_BOOK_ENTRY = `EXISTS (SELECT 1 FROM contact_book_entry b WHERE b.portfolio = c.portfolio AND b.msisdn = c.msisdn)`;

/**
 * The conditions of `phoneVisibility`. `hasEntry` tells whether c's phone has a contact-book entry:
 * the probe above for a page of contacts, a join for a whole portfolio (the stats).
 */
export function phoneVisibilitySql(hasEntry = HAS_CONTACT_BOOK_ENTRY) {
  return {
    /** `contactBook`: the phone keeps arriving, with no end. */
    inContactBook: `(c.msisdn IS NOT NULL AND ${hasEntry})`,
    /** `window` or `none`: the "send one MT" worklist. */
    needsContactBookEntry: `(c.msisdn IS NOT NULL AND NOT ${hasEntry})`,
    /** `phoneVisibleUntil` between now and `days` days on; the entry is looked up last, for the few in that span. */
    visibilityEndsWithin: (days: string) => `(c.msisdn IS NOT NULL
      AND greatest(c.last_inbound_at, c.last_outbound_at) + interval '${PHONE_VISIBLE_DAYS} days' BETWEEN now() AND now() + make_interval(days => ${days})
      AND NOT ${hasEntry})`,
  };
}
