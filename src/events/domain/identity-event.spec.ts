import { historyEntry, type HistoryAction, type HistoryEntry } from '../../graph/domain/observation';
import type { IdentifierKind } from '../../identifiers/domain/identifier';
import { eventsOfChange } from './identity-event';

const AT = new Date('2026-06-01T10:00:00Z');
const NOW = new Date('2026-06-02T10:00:00Z');
const A = 'aaaaaaaa-0000-4000-8000-000000000001';
const B = 'bbbbbbbb-0000-4000-8000-000000000002';
const PHONE = '+46701234567';
const BSUID = 'SE.13491208655302741918';

function row(
  contactId: string,
  action: HistoryAction,
  field: IdentifierKind | null = null,
  fromValue: string | null = null,
  toValue: string | null = null,
  otherContactId: string | null = null,
): HistoryEntry {
  return historyEntry({ id: contactId, portfolio: 'acme' }, action, field, fromValue, toValue, otherContactId, {
    strength: 'attested',
    evidence: { kind: 'MO', messageId: 'm-1', admin: 'root' },
    eventAt: AT,
  });
}

const brief = (history: HistoryEntry[]) =>
  eventsOfChange(history, undefined, NOW).map((e) => [e.type, e.contactId, e.otherContactId, e.field, e.value]);

describe(eventsOfChange.name, () => {
  it.each<[string, HistoryEntry[], unknown[][]]>([
    [
      'a new contact with its identifiers',
      [row(A, 'created'), row(A, 'linked', 'msisdn', null, PHONE), row(A, 'linked', 'bsuid', null, BSUID)],
      [
        ['contact.created', A, null, null, null],
        ['contact.linked', A, null, 'msisdn', PHONE],
        ['contact.linked', A, null, 'bsuid', BSUID],
      ],
    ],
    [
      'a relink: the phone leaves A for B, one event from and to',
      [row(A, 'unlinked', 'msisdn', PHONE, null, B), row(B, 'linked', 'msisdn', null, PHONE, A)],
      [['contact.relinked', A, B, 'msisdn', PHONE]],
    ],
    [
      'a merge: the merge, and each identifier that moved to the survivor',
      [row(A, 'merged', null, null, null, B), row(B, 'unlinked', 'bsuid', BSUID, null, A), row(A, 'linked', 'bsuid', null, BSUID, B)],
      [
        ['contact.merged', A, B, null, null],
        ['contact.relinked', B, A, 'bsuid', BSUID],
      ],
    ],
    [
      'a merge whose survivor keeps its own value: the merged one is dropped, not moved',
      [row(A, 'merged', null, null, null, B), row(B, 'unlinked', 'msisdn', PHONE, null, A)],
      [
        ['contact.merged', A, B, null, null],
        ['contact.unlinked', B, null, 'msisdn', PHONE],
      ],
    ],
    ['an identifier corrected away', [row(A, 'unlinked', 'msisdn', PHONE, null, null)], [['contact.unlinked', A, null, 'msisdn', PHONE]]],
    [
      'a split: both sides, and what returned',
      [
        row(A, 'split', null, null, null, B),
        row(B, 'split', null, null, null, A),
        row(A, 'unlinked', 'bsuid', BSUID, null, B),
        row(B, 'linked', 'bsuid', null, BSUID, A),
      ],
      [
        ['contact.split', A, B, null, null],
        ['contact.split', B, A, null, null],
        ['contact.relinked', A, B, 'bsuid', BSUID],
      ],
    ],
    [
      'confirmations, stale observations, conflicts and settlements: nothing a CRM holds changed',
      [
        row(A, 'confirmed', 'msisdn', PHONE, PHONE),
        row(A, 'stale', 'msisdn', PHONE, PHONE, B),
        row(A, 'conflict', 'msisdn', PHONE, '+46709999999'),
        row(A, 'settled', 'msisdn', PHONE, '+46709999999'),
      ],
      [],
    ],
  ])('%s', (_, history, expected) => {
    expect(brief(history)).toEqual(expected);
  });

  it('keeps the evidence without the admin key that made it, and the event time', () => {
    const [event] = eventsOfChange([row(A, 'created')], undefined, NOW);
    expect(event).toEqual({
      portfolio: 'acme',
      type: 'contact.created',
      contactId: A,
      otherContactId: null,
      field: null,
      value: null,
      evidence: { kind: 'MO', messageId: 'm-1' },
      eventAt: AT,
    });
  });

  it('announces an erasure by contact ids only, after the history', () => {
    const events = eventsOfChange([], { portfolio: 'acme', contactIds: [A, B] }, NOW);
    expect(events).toEqual(
      [A, B].map((contactId) => ({
        portfolio: 'acme',
        type: 'contact.erased',
        contactId,
        otherContactId: null,
        field: null,
        value: null,
        evidence: { kind: 'ADMIN' },
        eventAt: NOW,
      })),
    );
  });
});
