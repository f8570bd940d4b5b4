/**
 * Identity-change events: what a CRM that cached "phone P = BSUID B" must hear about, derived from
 * the history rows one change of the graph writes (DESIGN rule 7), in their order.
 *
 * | history row                                          | event              |
 * |------------------------------------------------------|--------------------|
 * | created                                              | contact.created    |
 * | linked, the value not taken from another contact     | contact.linked     |
 * | unlinked, the value linked to `otherContactId` in the same change | contact.relinked (from `contactId` to `otherContactId`) |
 * | unlinked otherwise (a value dropped or corrected away) | contact.unlinked |
 * | linked, the value taken from another contact         | none: its `contact.relinked` says it |
 * | merged                                               | contact.merged (survivor, merged id) |
 * | split                                                | contact.split      |
 * | confirmed, stale                                     | none: nothing a CRM holds changed |
 * | conflict                                             | none: a claim kept apart changes no link; if an admin accepts it, the settlement's own linked/unlinked rows are the events |
 * | settled                                              | none: as above |
 *
 * An erasure gives `contact.erased` per contact of the person, with ids only. `contact.invalid`
 * (DLR 112404) comes from the contact's state, not from history: the statement that writes the
 * contacts sees both the old and the new state (graph.repository.ts).
 */
import type { HistoryEntry } from '../../graph/domain/observation';
import type { IdentifierKind } from '../../identifiers/domain/identifier';

export const EVENT_TYPES = [
  'contact.created',
  'contact.linked',
  'contact.unlinked',
  'contact.relinked',
  'contact.merged',
  'contact.split',
  'contact.erased',
  'contact.invalid',
] as const;
export type IdentityEventType = (typeof EVENT_TYPES)[number];

/** Whether a subscriber gets identifiers whole or masked (`+4670*****67`). */
export type IdentifierExposure = 'full' | 'masked';

/** Where the change came from: the history row's evidence without the admin key's name. */
export interface EventEvidence {
  kind: string;
  messageId?: string;
  resultCode?: number;
  businessNumber?: string;
  importBatch?: string;
  conflictId?: string;
  mergeEntryId?: string;
  resolution?: string;
}

/** One event as the outbox stores it. */
export interface NewIdentityEvent {
  portfolio: string;
  type: IdentityEventType;
  contactId: string;
  otherContactId: string | null;
  field: IdentifierKind | null;
  value: string | null;
  evidence: EventEvidence;
  eventAt: Date;
}

/** The events of one committed change: its history rows in order, then its erasure. */
export function eventsOfChange(
  history: readonly HistoryEntry[],
  erased: { portfolio: string; contactIds: readonly string[] } | undefined,
  now: Date,
): NewIdentityEvent[] {
  const linkedFrom = new Set(
    history
      .filter((row) => row.action === 'linked' && row.otherContactId)
      .map((row) => moveKey(row.otherContactId, row.contactId, row.field, row.toValue)),
  );
  const unlinkedTo = new Set(
    history
      .filter((row) => row.action === 'unlinked' && row.otherContactId)
      .map((row) => moveKey(row.contactId, row.otherContactId, row.field, row.fromValue)),
  );
  const events: NewIdentityEvent[] = [];
  for (const row of history) {
    const event = eventOf(row, linkedFrom, unlinkedTo);
    if (event) events.push(event);
  }
  for (const contactId of erased?.contactIds ?? []) {
    events.push({
      portfolio: erased!.portfolio,
      type: 'contact.erased',
      contactId,
      otherContactId: null,
      field: null,
      value: null,
      evidence: { kind: 'ADMIN' },
      eventAt: now,
    });
  }
  return events;
}

function eventOf(row: HistoryEntry, linkedFrom: Set<string>, unlinkedTo: Set<string>): NewIdentityEvent | undefined {
  const event = (type: IdentityEventType, otherContactId: string | null, value: string | null): NewIdentityEvent => ({
    portfolio: row.portfolio,
    type,
    contactId: row.contactId,
    otherContactId,
    field: row.field,
    value,
    evidence: evidenceOf(row.evidence),
    eventAt: row.eventAt,
  });
  switch (row.action) {
    case 'created':
      return event('contact.created', null, null);
    case 'linked':
      if (row.otherContactId && unlinkedTo.has(moveKey(row.otherContactId, row.contactId, row.field, row.toValue))) return undefined;
      return event('contact.linked', null, row.toValue);
    case 'unlinked':
      if (row.otherContactId && linkedFrom.has(moveKey(row.contactId, row.otherContactId, row.field, row.fromValue)))
        return event('contact.relinked', row.otherContactId, row.fromValue);
      return event('contact.unlinked', null, row.fromValue);
    case 'merged':
      return event('contact.merged', row.otherContactId, null);
    case 'split':
      return event('contact.split', row.otherContactId, null);
    default:
      return undefined;
  }
}

function moveKey(from: string | null, to: string | null, field: string | null, value: string | null): string {
  return `${from}\u0000${to}\u0000${field}\u0000${value}`;
}

function evidenceOf(evidence: HistoryEntry['evidence']): EventEvidence {
  const { kind, messageId, resultCode, businessNumber, importBatch, conflictId, mergeEntryId, resolution } = evidence;
  const kept: EventEvidence = { kind, messageId, resultCode, businessNumber, importBatch, conflictId, mergeEntryId, resolution };
  return Object.fromEntries(Object.entries(kept).filter(([, value]) => value !== undefined)) as unknown as EventEvidence;
}
