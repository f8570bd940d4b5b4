/** The data the identity graph's rules work on: observations in, contacts and history out. */
import { IdentifierKind } from '../../identifiers/domain/identifier';

/**
 * Rule 8. `attested`: seen together in one webhook, as Meta sent it. `claimed`: said by someone
 * else (a CRM import, a forwarded contact card); it never merges or moves an attested link.
 */
export type Strength = 'attested' | 'claimed';
export type Activity = 'inbound' | 'outbound' | 'invalid';

/** Where an observation came from: kept on every history row it causes. */
export interface Evidence {
  /**
   * `CONTACT_SHARE`: a card marked as shared through REQUEST_CONTACT_INFO; `CONTACT_REQUEST_REPLY`:
   * a card replying to a REQUEST_CONTACT_INFO message sent through the proxy; `CONTACT_CARD`: any
   * other card, a claim. `USER_CHANGED_NUMBER` / `USER_CHANGED_USER_ID`: Meta's system message that
   * the user's phone number and BSUID, or only the BSUID, changed (see `IdentityChange`).
   */
  kind:
    | 'MO'
    | 'DLR'
    | 'CONTACT_SHARE'
    | 'CONTACT_REQUEST_REPLY'
    | 'CONTACT_CARD'
    | 'IMPORT'
    | 'ADMIN'
    | 'SEND'
    | 'USER_CHANGED_NUMBER'
    | 'USER_CHANGED_USER_ID';
  messageId?: string;
  resultCode?: number;
  businessNumber?: string;
  /** The import a CRM claim came in (`PUT …/contacts`). */
  importBatch?: string;
  /** The key that made an admin change (a settlement, a split). */
  admin?: string;
  /** The conflict an admin settled, or the merge row an admin split. */
  conflictId?: string;
  mergeEntryId?: string;
  /** How an admin settled a conflict. */
  resolution?: 'keep' | 'accept';
}

/** What one webhook says about one person. */
export interface Observation {
  portfolio: string;
  msisdn?: string;
  bsuid?: string;
  parentBsuid?: string;
  eventAt: Date;
  strength: Strength;
  /**
   * Whether a claim may fill an identifier a contact lacks (a CRM import may; a forwarded card,
   * which may be someone else's number, may not: it is kept as a conflict). Attested evidence
   * always fills.
   */
  fillsGaps?: boolean;
  /** False for a failed DLR: it finds the contact to update its status, but never links. */
  links: boolean;
  activity?: Activity;
  /**
   * The exchange went to, or came from, the user's phone number (an MO from it, a DLR or a send to
   * it): Meta's contact book logs such exchanges (DESIGN: phoneVisibleUntil).
   */
  byPhone?: boolean;
  /** Meta says the user's BSUID changed: the contact holding the previous one is this person. */
  change?: IdentityChange;
  evidence: Evidence;
}

/**
 * A system message (`user_changed_number`, `user_changed_user_id`): the identifiers the user had
 * before. The observation's own identifiers are the new ones.
 */
export interface IdentityChange {
  previousBsuid: string;
  previousParentBsuid?: string;
  /** The phone number the user had before (Meta's `from` of the system message): finds a person known only by phone. */
  previousMsisdn?: string;
  /**
   * `user_changed_number` (the new number is given) rather than `user_changed_user_id` (it is
   * not). Either way the previous phone leaves the contact unless the message names it.
   */
  phoneChanged: boolean;
}

export interface ContactState {
  id: string;
  portfolio: string;
  msisdn: string | null;
  bsuid: string | null;
  parentBsuid: string | null;
  /** Event time of the latest observation that attested each link: an older one must not undo it (rule 5). */
  msisdnAt: Date | null;
  bsuidAt: Date | null;
  parentBsuidAt: Date | null;
  msisdnStrength: Strength | null;
  bsuidStrength: Strength | null;
  parentBsuidStrength: Strength | null;
  firstSeenAt: Date;
  lastSeenAt: Date;
  lastInboundAt: Date | null;
  lastOutboundAt: Date | null;
  invalidAt: Date | null;
  mergedInto: string | null;
  /** The CRM's own id, from an import. It follows a merge to a survivor that has none. */
  externalId?: string | null;
  /** `orderKey` of the latest linking observation that changed or named this contact (rule 5). */
  lastEventKey?: string | null;
  /** Every observation that shaped the contact is in the log, so that it can be replayed (rule 5). */
  hasFullLog?: boolean;
}

export type HistoryAction = 'created' | 'linked' | 'unlinked' | 'confirmed' | 'merged' | 'stale' | 'conflict' | 'split' | 'settled';

/** Both contacts of a merge as they were before it: what a split needs (rule 9). */
export interface MergeSnapshot {
  survivor: ContactState;
  merged: ContactState;
}

/** One row of link history (rule 7): what changed, from what, to what, and the evidence. */
export interface HistoryEntry {
  contactId: string;
  portfolio: string;
  action: HistoryAction;
  field: IdentifierKind | null;
  fromValue: string | null;
  toValue: string | null;
  /** The other contact of a merge, a move or a conflict. */
  otherContactId: string | null;
  snapshot: MergeSnapshot | null;
  strength: Strength;
  evidence: Evidence;
  eventAt: Date;
}

/** On whose word, and when, a history row was written: an observation's, or an admin's. */
export type HistorySource = Pick<HistoryEntry, 'strength' | 'evidence' | 'eventAt'>;

/** One history row about a contact (rule 7). */
export function historyEntry(
  contact: Pick<ContactState, 'id' | 'portfolio'>,
  action: HistoryAction,
  field: IdentifierKind | null,
  fromValue: string | null,
  toValue: string | null,
  otherContactId: string | null,
  source: HistorySource,
): HistoryEntry {
  return {
    contactId: contact.id,
    portfolio: contact.portfolio,
    action,
    field,
    fromValue,
    toValue,
    otherContactId,
    snapshot: null,
    strength: source.strength,
    evidence: source.evidence,
    eventAt: source.eventAt,
  };
}

export const LINKED_AT: Record<IdentifierKind, 'msisdnAt' | 'bsuidAt' | 'parentBsuidAt'> = {
  msisdn: 'msisdnAt',
  bsuid: 'bsuidAt',
  parentBsuid: 'parentBsuidAt',
};

export const STRENGTH_OF: Record<IdentifierKind, 'msisdnStrength' | 'bsuidStrength' | 'parentBsuidStrength'> = {
  msisdn: 'msisdnStrength',
  bsuid: 'bsuidStrength',
  parentBsuid: 'parentBsuidStrength',
};

/** A contact is invalid while its latest 112404 is newer than anything it sent or received. */
export function isInvalid(contact: Pick<ContactState, 'invalidAt' | 'lastInboundAt' | 'lastOutboundAt'>): boolean {
  if (!contact.invalidAt) return false;
  const lastExchange = latest(contact.lastInboundAt, contact.lastOutboundAt);
  return !lastExchange || contact.invalidAt >= lastExchange;
}

export function latest(a: Date | null, b: Date | null): Date | null {
  if (!a) return b;
  if (!b) return a;
  return a >= b ? a : b;
}

export function earliest(a: Date | null, b: Date | null): Date | null {
  if (!a) return b;
  if (!b) return a;
  return a <= b ? a : b;
}

/** An identifier within its portfolio, as one key: how batches and the backfill's planner tell identifiers apart. */
export function identifierAt(portfolio: string, field: IdentifierKind, value: string): string {
  return `${portfolio}\u0000${field}\u0000${value}`;
}

/** A BSUID change also locks the contact holding the previous BSUID or phone: the person it is about (Graph: leavePrevious). */
export function withPrevious(obs: Observation): Observation[] {
  if (!obs.change) return [obs];
  const { previousBsuid, previousParentBsuid, previousMsisdn } = obs.change;
  return [obs, { ...obs, msisdn: previousMsisdn, bsuid: previousBsuid, parentBsuid: previousParentBsuid, change: undefined }];
}
