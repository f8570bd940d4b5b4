/**
 * The one order the graph's observations are applied in (rule 5): event time, then a tie-break
 * that depends only on what the observation says. Applied in this order, the same observations
 * give the same graph whatever order they arrived in.
 */
import { Observation } from './observation';
import { IDENTIFIER_KINDS, IdentifierKind } from '../../identifiers/domain/identifier';

/**
 * The observation's place in event-time order, as text that sorts byte by byte (PostgreSQL's "C"
 * collation sorts it alike): the ISO time, then what the observation is and the webhook it came
 * in. It names no phone number or BSUID: contacts carry it and merge snapshots copy it, and an
 * erased person must leave none behind. Observations with one key came in one webhook, in an
 * order of their own that a stable sort keeps.
 */
export function orderKey(obs: Observation): string {
  let key = keys.get(obs);
  if (key === undefined) {
    const { kind, messageId, resultCode, importBatch } = obs.evidence;
    key = `${obs.eventAt.toISOString()}|${obs.strength}|${obs.links ? 1 : 0}|${obs.activity ?? ''}|${kind}|${messageId ?? ''}|${resultCode ?? ''}|${importBatch ?? ''}`;
    keys.set(obs, key);
  }
  return key;
}

/** A webhook's observation is sorted, checked, stamped and logged: its key is made once (observations are never changed). */
const keys = new WeakMap<Observation, string>();

/** Sorts in event-time order (a copy). */
export function inEventOrder<T extends Observation>(observations: readonly T[]): T[] {
  return observations
    .map((obs) => ({ obs, key: orderKey(obs) }))
    .sort((a, b) => compareKeys(a.key, b.key))
    .map(({ obs }) => obs);
}

/** Byte order, as PostgreSQL's "C" collation: keys are ASCII but for a messageId. */
export function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function laterKey(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return compareKeys(a, b) >= 0 ? a : b;
}

/**
 * Whether an observation takes its place in event-time order: a linking one whose time is Meta's
 * (a webhook, a contact card in one). An import is a claim made at the moment of the import and
 * counts for its strength, not its time: it never replays anything, and is never replayed.
 */
export function isTimeOrdered(obs: Observation): boolean {
  return obs.links && obs.evidence.kind !== 'IMPORT' && obs.evidence.kind !== 'ADMIN';
}

/** What the graph holds about one identifier, for `isLate`. */
export interface IdentifierSeen {
  /** The order key of the latest logged observation carrying it. */
  logged?: string | null;
  /** Whether a contact holds it now, and that contact's `lastEventKey`. */
  held: boolean;
  holderKey?: string | null;
}

/**
 * An observation arrives late when applying it now might not give what event-time order gives,
 * so that its part of the graph is replayed instead:
 * - the log holds a later linking observation carrying one of its identifiers, or a contact
 *   holding one was changed by a later one;
 * - or one of its identifiers was seen before and no contact holds it now (a claim replaced, a
 *   value a merge dropped): what held it may since have changed.
 * Only linking observations count: the others attach activity, whose times keep the latest
 * whatever the order.
 */
export function isLate(obs: Observation, seen: (field: IdentifierKind, value: string) => IdentifierSeen): boolean {
  if (!isTimeOrdered(obs)) return false;
  const key = orderKey(obs);
  const after = (other: string | null | undefined) => other != null && compareKeys(other, key) > 0;
  const known = IDENTIFIER_KINDS.flatMap((field) => (obs[field] === undefined ? [] : [seen(field, obs[field])]));
  return known.some(({ logged, held, holderKey }) => after(logged) || after(holderKey) || (logged != null && !held));
}
