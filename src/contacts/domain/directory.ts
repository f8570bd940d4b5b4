/**
 * The contract between the contact book and the send pipeline: what the look-ups of one send
 * request found, in the shape the planner (dispatch/domain/destination-plan.ts) reads.
 */

/** A contact of the sending portfolio, as the send pipeline needs it. */
export interface KnownContact {
  id: string;
  msisdn: string | null;
  /** The BSUID the contact holds now: a destination naming an older one is sent here instead. */
  bsuid: string | null;
  parentBsuid: string | null;
  invalid: boolean;
  careWindowOpenUntil: Date | null;
  /** The user stopped marketing messages (Meta's `user_preferences`); looked up only for a marketing template. */
  marketingOptedOut?: boolean;
}

/** What the look-ups found for a request's identifiers, keyed by `identifierKey` (identifiers/domain/identifier.ts). */
export interface Directory {
  /** The contact of this portfolio an identifier belongs to: now, or (a BSUID) in its history. */
  contacts: Map<string, KnownContact>;
  /** BSUIDs known only in other portfolios, and parent BSUIDs known only outside the group. */
  foreign: Set<string>;
}
