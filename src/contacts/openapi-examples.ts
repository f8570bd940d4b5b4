/** Example bodies for the OpenAPI document at /docs: what the contact book answers, as it answers it. */

export const CONTACT_EXAMPLE = {
  id: '0b6f2c1e-8d3a-4c57-9f10-2a4e5b6c7d8e',
  portfolio: 'acme',
  msisdn: '+46701234567',
  bsuid: 'SE.13491208655302741918',
  parentBsuid: 'SE.ENT.11815799212886844830',
  status: 'active',
  firstSeenAt: '2026-06-01T10:00:00.000Z',
  updatedAt: '2026-06-03T08:15:00.000Z',
  lastInboundAt: '2026-06-03T08:15:00.000Z',
  lastOutboundAt: '2026-06-02T12:00:00.000Z',
  careWindowOpenUntil: '2026-06-04T08:15:00.000Z',
  phoneVisibleUntil: null,
  phoneVisibility: 'contactBook',
  contactBookAt: '2026-06-01T10:00:00.000Z',
  externalId: 'crm-4711',
  username: '@anna.s',
  marketing: { optedOut: false, at: '2026-06-02T09:00:00.000Z' },
  sendTo: '+46701234567',
  sendToKind: 'msisdn',
  sendToReason: 'The phone number is known: it reaches the user from any portfolio and carries every template, authentication included.',
};

/** What a contact's `phoneVisibility` says (DESIGN: phoneVisibleUntil). */
export const PHONE_VISIBILITY_DOC =
  '`phoneVisibility` tells why the phone number keeps arriving in webhooks for a user who adopted a username: ' +
  '`contactBook` when an exchange by phone number (an MO from it, a message sent to it) on or after CONTACT_BOOK_SINCE logged it into ' +
  "the contact book of one of the portfolio's business numbers (`phoneVisibleUntil` is null: it keeps arriving; `contactBookAt` says since when); " +
  '`window` when only the last exchange keeps it arriving, until `phoneVisibleUntil` (last exchange + 30 days; a past time means it has stopped); ' +
  '`none` when no exchange with the phone was seen (an imported number); null when no phone number is known.';

export const RESOLVE_EXAMPLE = {
  results: [
    { input: 'SE.13491208655302741918', status: 'found', contact: CONTACT_EXAMPLE },
    { input: '+46709999999', status: 'unknown' },
    { input: 'nope', status: 'invalid', error: '"nope" is neither a phone number nor a BSUID' },
  ],
};

export const PAGE_EXAMPLE = { items: [CONTACT_EXAMPLE], nextCursor: '0b6f2c1e-8d3a-4c57-9f10-2a4e5b6c7d8e' };

export const STATS_EXAMPLE = {
  contacts: 1200,
  withPhone: 1100,
  withBsuid: 900,
  bsuidOnly: 100,
  withParent: 300,
  invalid: 4,
  inConflict: 2,
  openConflicts: 3,
  inContactBook: 800,
  needsContactBookEntry: 300,
  phoneVisibilityAtRisk: 25,
  atRiskWithinDays: 7,
};

export const HISTORY_EXAMPLE = {
  contact: CONTACT_EXAMPLE,
  items: [
    {
      id: '42',
      contactId: CONTACT_EXAMPLE.id,
      action: 'linked',
      field: 'msisdn',
      from: null,
      to: '+46701234567',
      otherContactId: null,
      strength: 'attested',
      evidence: { kind: 'MO', messageId: 'b1e0f1a3-44c1-4f8e-9c7a-3f2b1d0e9a88', businessNumber: '+46000000000' },
      eventAt: '2026-06-01T10:00:00.000Z',
      recordedAt: '2026-06-01T10:00:00.120Z',
    },
  ],
  nextCursor: null,
};

export const IMPORT_EXAMPLE = {
  batchId: '7d1c3f0a-5b2e-4e8f-a1c9-6b0d2e3f4a5b',
  rows: 3,
  created: 1,
  updated: 0,
  unchanged: 0,
  conflicts: 1,
  invalid: 1,
  problems: [
    {
      row: 2,
      outcome: 'conflict',
      field: 'msisdn',
      reason: '+4670*****67 belongs to another contact (…); kept as a conflict for an admin to settle',
      contactId: CONTACT_EXAMPLE.id,
    },
    {
      row: 3,
      outcome: 'invalid',
      field: 'bsuid',
      reason: '"SE.***" is not a BSUID: two upper-case letters, a dot, then 1-128 ASCII letters or digits',
    },
  ],
};

export const CONFLICT_EXAMPLE = {
  id: '7',
  status: 'open',
  field: 'msisdn',
  existingValue: '+46701234567',
  claimedValue: '+46707654321',
  strength: 'claimed',
  evidence: { kind: 'IMPORT', importBatch: IMPORT_EXAMPLE.batchId, admin: 'crm-sync' },
  eventAt: '2026-06-05T09:00:00.000Z',
  createdAt: '2026-06-05T09:00:00.050Z',
  settledAt: null,
  settledBy: null,
  contact: CONTACT_EXAMPLE,
  otherContact: null,
};

export const SPLIT_EXAMPLE = {
  contact: CONTACT_EXAMPLE,
  restored: {
    ...CONTACT_EXAMPLE,
    id: '5c9e1d2f-0a3b-4c6d-8e7f-1a2b3c4d5e6f',
    msisdn: null,
    bsuid: 'SE.88812345678901234567',
    sendTo: 'SE.88812345678901234567',
  },
  restoredIdentifiers: ['bsuid'],
  keptElsewhere: [],
};

export const ERASURE_EXAMPLE = {
  contactIds: [CONTACT_EXAMPLE.id],
  identifiers: [
    { field: 'msisdn', value: '+4670*****67' },
    { field: 'bsuid', value: 'SE.13****************18' },
  ],
  historyRows: 5,
  conflicts: 0,
  exchanges: 1,
  contactBookEntries: 1,
  redactedHistoryRows: 0,
};

export const GROUP_EXAMPLE = { group: 'acme-group', parentBsuid: 'SE.ENT.11815799212886844830', contacts: [CONTACT_EXAMPLE] };

export const ACTIVITY_EXAMPLE = {
  contactId: CONTACT_EXAMPLE.id,
  businessNumbers: [
    {
      businessNumber: '+46000000000',
      lastInboundAt: '2026-06-03T08:15:00.000Z',
      lastOutboundAt: '2026-06-02T12:00:00.000Z',
      careWindowOpenUntil: '2026-06-04T08:15:00.000Z',
      phoneVisibility: 'contactBook',
      phoneVisibleUntil: null,
      contactBookAt: '2026-06-01T10:00:00.000Z',
    },
    {
      businessNumber: '+46000000001',
      lastInboundAt: null,
      lastOutboundAt: '2026-05-20T09:00:00.000Z',
      careWindowOpenUntil: null,
      phoneVisibility: 'window',
      phoneVisibleUntil: '2026-06-19T09:00:00.000Z',
      contactBookAt: null,
    },
  ],
};

export const LEARNED_EXAMPLE = {
  days: 30,
  since: '2026-05-05',
  items: [{ day: '2026-06-01', msisdn: 12, bsuid: 30, parentBsuid: 4 }],
};
