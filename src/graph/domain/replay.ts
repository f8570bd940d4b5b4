/**
 * Rule 5 for observations that arrive late: the part of the graph they belong to is applied again
 * from its log, in event-time order, and the result is written over the contacts as they are,
 * keeping their ids wherever a contact of the replay is recognisably the same person.
 */
import { inEventOrder, laterKey, orderKey } from './event-order';
import { Graph } from './graph';
import {
  ContactState,
  earliest,
  HistoryAction,
  HistoryEntry,
  historyEntry,
  latest,
  LINKED_AT,
  Observation,
  STRENGTH_OF,
} from './observation';
import { IDENTIFIER_KINDS, IdentifierKind } from '../../identifiers/domain/identifier';

export interface ReplayInput {
  /** The live contacts that hold the component's identifiers now. */
  current: ContactState[];
  /** Every logged observation of the component. */
  logged: Observation[];
  /** The observations arriving now, late ones among them. */
  arriving: Observation[];
  newId: () => string;
}

export interface Replayed {
  /** The component as event-time order makes it, on the ids it had where a contact is the same person. */
  contacts: ContactState[];
  /** Each link that differs from before, with the arriving evidence; the arriving observations' own stale and conflict rows. */
  history: HistoryEntry[];
  /** Every conflict the component raises in event-time order. */
  conflicts: HistoryEntry[];
  /** For each arriving observation, the contact it is about. */
  contactOf: (string | undefined)[];
}

/** Replays a component: the same observations give the same contacts, whatever order they arrived in. */
export function replayComponent(input: ReplayInput): Replayed {
  let counter = 0;
  const graph = new Graph([], () => `replay:${counter++}`);
  const arriving = new Set(input.arriving);
  const all: HistoryEntry[] = [];
  const arrivingHistory: HistoryEntry[] = [];
  const appliedTo = new Map<Observation, string | undefined>();
  for (const obs of inEventOrder([...input.logged, ...input.arriving])) {
    const applied = graph.apply(obs);
    all.push(...applied.history);
    if (!arriving.has(obs)) continue;
    arrivingHistory.push(...applied.history);
    appliedTo.set(obs, applied.contact?.id);
  }

  const live = graph.contacts().filter((contact) => contact.mergedInto === null);
  const ids = assignIds(live, input.current, input.newId);
  const finalId = (replayId: string | null | undefined): string | undefined => {
    let contact = replayId ? graph.get(replayId) : undefined;
    for (let hops = 0; contact?.mergedInto && hops < 100; hops++) contact = graph.get(contact.mergedInto);
    return contact ? ids.get(contact.id) : undefined;
  };

  const evidenceOf = input.arriving[0];
  const diff = new Diff(evidenceOf);
  const before = new Map(input.current.map((contact) => [contact.id, contact]));
  const written: ContactState[] = [];
  for (const contact of live) {
    const id = ids.get(contact.id);
    if (id === undefined) continue;
    const old = before.get(id);
    written.push(old ? carryOver(contact, id, old) : { ...contact, id });
  }
  const holderNow = (field: IdentifierKind, value: string) => written.find((contact) => contact[field] === value)?.id ?? null;
  /** Who a retired contact resolves to: the holder of what it held or, for a value no one holds now (a past BSUID, a phone the user left), the person it left. */
  const heirOf = (field: IdentifierKind, value: string) => {
    const left = all.findLast((entry) => entry.action === 'unlinked' && entry.field === field && entry.fromValue === value);
    return holderNow(field, value) ?? (left ? (finalId(left.contactId) ?? null) : null);
  };
  const holderBefore = (field: IdentifierKind, value: string) => input.current.find((contact) => contact[field] === value)?.id ?? null;
  for (const contact of written) diff.compare(before.get(contact.id), contact, holderBefore);
  const retiredKey = input.arriving.map(orderKey).reduce<string | null>((key, next) => laterKey(key, next), null);
  for (const old of input.current) {
    if (written.some((contact) => contact.id === old.id)) continue;
    const retired = retire(old, heirOf, retiredKey);
    const heir = retired.mergedInto
      ? (before.get(retired.mergedInto) ?? written.find((contact) => contact.id === retired.mergedInto))
      : undefined;
    diff.retire(old, retired, holderNow, heir);
    written.push(retired);
  }

  const mapped = (entry: HistoryEntry): HistoryEntry | undefined => {
    const contactId = finalId(entry.contactId);
    if (contactId === undefined) return undefined;
    return { ...entry, contactId, otherContactId: finalId(entry.otherContactId) ?? null };
  };
  const own = arrivingHistory.filter((entry) => OWN_ROWS.has(entry.action)).flatMap((entry) => mapped(entry) ?? []);
  const stale = input.arriving.flatMap((obs) => staleRows(obs, written, own));
  return {
    contacts: written,
    history: [...diff.rows, ...own, ...stale],
    conflicts: firstOfEach(all.filter((entry) => entry.action === 'conflict').flatMap((entry) => mapped(entry) ?? [])),
    contactOf: input.arriving.map((obs) => finalId(appliedTo.get(obs))),
  };
}

/**
 * A late observation pairing identifiers that event-time order keeps apart (a newer pairing won)
 * is history all the same (rule 5): a `stale` row on the contact that holds the value now, as an
 * older webhook arriving in order writes.
 */
function staleRows(obs: Observation, contacts: ContactState[], own: HistoryEntry[]): HistoryEntry[] {
  const present = IDENTIFIER_KINDS.filter((field) => obs[field] !== undefined);
  if (!obs.links || obs.strength !== 'attested' || present.length < 2) return [];
  const holderOf = (field: IdentifierKind) => contacts.find((contact) => contact.mergedInto === null && contact[field] === obs[field]);
  const primary = holderOf(present[0]);
  return present.slice(1).flatMap((field) => {
    const holder = holderOf(field);
    if (!holder || holder === primary || own.some((entry) => entry.evidence === obs.evidence && entry.field === field)) return [];
    const value = obs[field] as string;
    return [historyEntry(holder, 'stale', field, value, value, primary?.id ?? null, obs)];
  });
}

/** One open conflict per contact, field and claimed value, the first raised: as they stay open when raised in order. */
function firstOfEach(conflicts: HistoryEntry[]): HistoryEntry[] {
  const seen = new Set<string>();
  return conflicts.filter((entry) => {
    const key = `${entry.contactId}|${entry.field}|${entry.toValue}`;
    return !seen.has(key) && seen.add(key) !== undefined;
  });
}

/** The arriving observations' rows that no difference of links tells: what they confirmed, lost to an older link, or contradicted. */
const OWN_ROWS = new Set<HistoryAction>(['confirmed', 'stale', 'conflict']);

/**
 * Each contact of the replay keeps the id of the contact of before that shares most with it, the
 * BSUID counting most (its phone never changes), then the parent, then the phone. A contact of
 * the replay that shares nothing gets a new id; one that holds nothing is not kept.
 */
function assignIds(replayed: ContactState[], current: ContactState[], newId: () => string): Map<string, string> {
  const pairs = replayed.flatMap((contact, order) =>
    current.map((old) => ({ contact, old, order, score: sharedWeight(contact, old) })).filter((pair) => pair.score > 0),
  );
  pairs.sort(
    (a, b) =>
      b.score - a.score || a.order - b.order || a.old.firstSeenAt.getTime() - b.old.firstSeenAt.getTime() || (a.old.id < b.old.id ? -1 : 1),
  );
  const ids = new Map<string, string>();
  const taken = new Set<string>();
  for (const { contact, old } of pairs) {
    if (ids.has(contact.id) || taken.has(old.id)) continue;
    ids.set(contact.id, old.id);
    taken.add(old.id);
  }
  for (const contact of replayed) {
    if (!ids.has(contact.id) && IDENTIFIER_KINDS.some((field) => contact[field] !== null)) ids.set(contact.id, newId());
  }
  return ids;
}

const WEIGHT: Record<IdentifierKind, number> = { bsuid: 4, parentBsuid: 2, msisdn: 1 };

function sharedWeight(a: ContactState, b: ContactState): number {
  return IDENTIFIER_KINDS.reduce((sum, field) => sum + (a[field] !== null && a[field] === b[field] ? WEIGHT[field] : 0), 0);
}

/**
 * The replayed contact on its old id. Only linking observations are logged, so activity that
 * others brought (a send, a failed DLR) stays from before; the CRM id and the log mark stay too.
 */
function carryOver(replayed: ContactState, id: string, old: ContactState): ContactState {
  return {
    ...replayed,
    id,
    firstSeenAt: earliest(replayed.firstSeenAt, old.firstSeenAt) as Date,
    lastSeenAt: latest(replayed.lastSeenAt, old.lastSeenAt) as Date,
    lastInboundAt: latest(replayed.lastInboundAt, old.lastInboundAt),
    lastOutboundAt: latest(replayed.lastOutboundAt, old.lastOutboundAt),
    invalidAt: latest(replayed.invalidAt, old.invalidAt),
    externalId: old.externalId ?? null,
    hasFullLog: old.hasFullLog,
    mergedInto: null,
  };
}

/** A contact of before that no contact of the replay is: it holds nothing now, and resolves to the person of what it held. */
function retire(old: ContactState, heirOf: (field: IdentifierKind, value: string) => string | null, key: string | null): ContactState {
  const heir = IDENTIFIER_KINDS.map((field) => (old[field] === null ? null : heirOf(field, old[field]))).find((id) => id !== null) ?? null;
  const retired: ContactState = { ...old, mergedInto: heir, lastEventKey: laterKey(old.lastEventKey ?? null, key) };
  for (const field of IDENTIFIER_KINDS) {
    retired[field] = null;
    retired[LINKED_AT[field]] = null;
    retired[STRENGTH_OF[field]] = null;
  }
  return retired;
}

/** History rows for what a replay changed: unlinks first, then links, each with the arriving evidence. */
class Diff {
  private readonly unlinks: HistoryEntry[] = [];
  private readonly links: HistoryEntry[] = [];

  constructor(private readonly obs: Observation) {}

  get rows(): HistoryEntry[] {
    return [...this.unlinks, ...this.links];
  }

  compare(old: ContactState | undefined, now: ContactState, holderBefore: (field: IdentifierKind, value: string) => string | null): void {
    if (!old) this.links.push(historyEntry(now, 'created', null, null, null, null, this.obs));
    for (const field of IDENTIFIER_KINDS) {
      const was = old?.[field] ?? null;
      const is = now[field];
      if (was === is) continue;
      if (was !== null) this.unlinks.push(historyEntry(now, 'unlinked', field, was, null, null, this.obs));
      if (is !== null) {
        const from = holderBefore(field, is);
        this.links.push(historyEntry(now, 'linked', field, null, is, from === now.id ? null : from, this.obs));
      }
    }
  }

  /** A retired contact's links go, and it folds into its heir: a merge an admin can split (rule 9). */
  retire(
    old: ContactState,
    retired: ContactState,
    holderNow: (field: IdentifierKind, value: string) => string | null,
    heir?: ContactState,
  ): void {
    for (const field of IDENTIFIER_KINDS) {
      const was = old[field];
      if (was !== null) this.unlinks.push(historyEntry(old, 'unlinked', field, was, null, holderNow(field, was), this.obs));
    }
    if (heir && retired.mergedInto) {
      this.links.push({
        ...historyEntry(heir, 'merged', null, null, null, old.id, this.obs),
        snapshot: { survivor: { ...heir }, merged: { ...old } },
      });
    }
  }
}
