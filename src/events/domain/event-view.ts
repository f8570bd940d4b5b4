import { mask } from '../../common/logging/mask';
import type { IdentifierKind } from '../../identifiers/domain/identifier';
import type { EventEvidence, IdentifierExposure, IdentityEventType, NewIdentityEvent } from './identity-event';

/** An outbox row as the repository reads it: the event as written, and what the database gave it. */
export interface StoredEvent extends NewIdentityEvent {
  id: string;
  tx: string;
  recordedAt: Date;
}

/** An event as a CRM reads it (pull) or receives it (push). */
export interface IdentityEventView {
  /** `evt_<n>`: the same in every delivery of the event (the `webhook-id`), for the CRM to drop repeats. */
  id: string;
  type: IdentityEventType;
  portfolio: string;
  /** Where to resume reading after this event (`GET …/events?after=`). */
  cursor: string;
  contactId: string;
  /** merged: the contact merged away; relinked: the contact the identifier moved to; split: the other side. */
  otherContactId: string | null;
  field: IdentifierKind | null;
  value: string | null;
  evidence: EventEvidence;
  occurredAt: string;
  recordedAt: string;
}

export function toEventView(event: StoredEvent, identifiers: IdentifierExposure): IdentityEventView {
  return {
    id: `evt_${event.id}`,
    type: event.type,
    portfolio: event.portfolio,
    cursor: formatCursor({ tx: event.tx, id: event.id }),
    contactId: event.contactId,
    otherContactId: event.otherContactId,
    field: event.field,
    value: event.value === null || identifiers === 'full' ? event.value : mask(event.value),
    evidence: event.evidence,
    occurredAt: event.eventAt.toISOString(),
    recordedAt: event.recordedAt.toISOString(),
  };
}

/** A position in a portfolio's events: the order of the writing transaction, then the row. */
export interface EventPosition {
  tx: string;
  id: string;
}

export const START: EventPosition = { tx: '0', id: '0' };

export function formatCursor(position: EventPosition): string {
  return `${position.tx}.${position.id}`;
}

/** Reads a cursor `formatCursor` wrote; undefined for anything else. */
export function parseCursor(text: string): EventPosition | undefined {
  const match = /^(\d{1,18})\.(\d{1,18})$/.exec(text);
  return match ? { tx: BigInt(match[1]).toString(), id: BigInt(match[2]).toString() } : undefined;
}
