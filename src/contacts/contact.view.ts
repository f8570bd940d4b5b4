import { isInvalid } from '../graph/domain/observation';
import { phoneVisibility, PhoneVisibility } from '../graph/domain/phone-visibility';
import { careWindowOpenUntil } from '../graph/domain/time-rules';
import type { ContactRead } from '../graph/contact.entity';
import type { LinkHistory } from '../graph/link-history.entity';

export interface ContactView {
  id: string;
  portfolio: string;
  msisdn: string | null;
  bsuid: string | null;
  parentBsuid: string | null;
  status: 'active' | 'invalid';
  firstSeenAt: string;
  updatedAt: string;
  lastInboundAt: string | null;
  lastOutboundAt: string | null;
  careWindowOpenUntil: string | null;
  /** Null when the phone keeps arriving with no end (`contactBook`), or nothing keeps it arriving. */
  phoneVisibleUntil: string | null;
  /** Why the phone keeps arriving in webhooks: `contactBook`, `window`, `none`; null without a phone. */
  phoneVisibility: PhoneVisibility | null;
  /** When an exchange by phone first logged the person into the business's contact book, as far as this service saw. */
  contactBookAt: string | null;
  externalId: string | null;
  /** The username the user chose to show, as Meta's webhooks last gave it (personal data, as the phone). */
  username: string | null;
  /** The user's latest choice on marketing messages (Meta's `user_preferences`): opted out, and when; null if never told. */
  marketing: { optedOut: boolean; at: string } | null;
  /** The identifier to message: the phone when known (it works for every template), else the BSUID. */
  sendTo: string | null;
  /** Which identifier `sendTo` is, and why it was chosen. */
  sendToKind: 'msisdn' | 'bsuid' | 'parentBsuid' | null;
  sendToReason: string;
}

const SEND_TO_REASON = {
  msisdn: 'The phone number is known: it reaches the user from any portfolio and carries every template, authentication included.',
  bsuid: 'No phone number is known: the BSUID reaches the user from this portfolio only, and cannot carry authentication templates.',
  parentBsuid:
    'Only the parent BSUID is known: it reaches the user from the portfolios of its group, and cannot carry authentication templates.',
  none: 'The contact holds no identifier any more (it was moved to another contact): there is nothing to send to.',
} as const;

export function toContactView(contact: ContactRead): ContactView {
  const visibility = phoneVisibility(contact);
  return {
    id: contact.id,
    portfolio: contact.portfolio,
    msisdn: contact.msisdn,
    bsuid: contact.bsuid,
    parentBsuid: contact.parentBsuid,
    status: isInvalid(contact) ? 'invalid' : 'active',
    firstSeenAt: contact.firstSeenAt.toISOString(),
    updatedAt: contact.updatedAt.toISOString(),
    lastInboundAt: iso(contact.lastInboundAt),
    lastOutboundAt: iso(contact.lastOutboundAt),
    careWindowOpenUntil: iso(careWindowOpenUntil(contact.lastInboundAt)),
    // Meta keeps sending the phone of a username adopter while a business number exchanged
    // messages with it in the last 30 days, or while it is in the business's contact book.
    phoneVisibleUntil: iso(visibility.phoneVisibleUntil),
    phoneVisibility: visibility.phoneVisibility,
    contactBookAt: contact.msisdn ? iso(contact.contactBookAt) : null,
    externalId: contact.externalId,
    username: contact.username ?? null,
    marketing: contact.marketing ? { optedOut: contact.marketing.optedOut, at: new Date(contact.marketing.at).toISOString() } : null,
    ...sendTo(contact),
  };
}

function sendTo(contact: ContactRead): Pick<ContactView, 'sendTo' | 'sendToKind' | 'sendToReason'> {
  const kind = contact.msisdn ? 'msisdn' : contact.bsuid ? 'bsuid' : contact.parentBsuid ? 'parentBsuid' : null;
  return { sendTo: kind ? contact[kind] : null, sendToKind: kind, sendToReason: SEND_TO_REASON[kind ?? 'none'] };
}

export interface HistoryView {
  id: string;
  contactId: string;
  action: string;
  field: string | null;
  from: string | null;
  to: string | null;
  otherContactId: string | null;
  strength: string;
  evidence: Record<string, unknown>;
  eventAt: string;
  recordedAt: string;
}

export function toHistoryView(row: LinkHistory): HistoryView {
  return {
    id: String(row.id),
    contactId: row.contactId,
    action: row.action,
    field: row.field,
    from: row.fromValue,
    to: row.toValue,
    otherContactId: row.otherContactId,
    strength: row.strength,
    evidence: { ...row.evidence },
    eventAt: row.eventAt.toISOString(),
    recordedAt: row.recordedAt.toISOString(),
  };
}

function iso(date: Date | null): string | null {
  return date ? date.toISOString() : null;
}
