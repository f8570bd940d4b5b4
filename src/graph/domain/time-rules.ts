/**
 * WhatsApp's clocks, each defined once: TypeScript computes with them and the SQL of search and
 * stats builds its intervals from them.
 */

/** An MO from the user opens the customer care window: free-form messages may be sent for 24 hours. */
export const CARE_WINDOW_HOURS = 24;

/**
 * How long Meta keeps putting a username adopter's phone in webhooks after the last exchange with
 * it (DESIGN: phoneVisibleUntil).
 */
export const PHONE_VISIBLE_DAYS = 30;

const HOUR_MS = 60 * 60 * 1000;

/** Until when the care window opened by the last MO stays open; null when no MO was seen. */
export function careWindowOpenUntil(lastInboundAt: Date | number | null): Date | null {
  return lastInboundAt === null ? null : new Date(new Date(lastInboundAt).getTime() + CARE_WINDOW_HOURS * HOUR_MS);
}

/** Until when the last exchange keeps the phone arriving in webhooks; null without an exchange. */
export function phoneVisibleAfter(lastExchangeAt: Date | null): Date | null {
  return lastExchangeAt === null ? null : new Date(lastExchangeAt.getTime() + PHONE_VISIBLE_DAYS * 24 * HOUR_MS);
}
