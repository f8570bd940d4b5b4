/**
 * The identity graph's rules (DESIGN: Rules of the identity graph), as pure code over an
 * in-memory view of the contacts an observation touches. The service loads those contacts
 * (locked), applies a batch of observations here, and writes back what changed.
 */
import {
  ContactState,
  earliest,
  IdentityChange,
  HistoryAction,
  HistoryEntry,
  historyEntry,
  latest,
  LINKED_AT,
  Observation,
  Strength,
  STRENGTH_OF,
} from './observation';
import { isTimeOrdered, laterKey, orderKey } from './event-order';
import { IDENTIFIER_KINDS, IdentifierKind } from '../../identifiers/domain/identifier';

/** Fields of a contact `Graph.edit` may change: not its id, portfolio or identifiers (those go through `setLink`). */
type ContactPatch = Partial<Omit<ContactState, 'id' | 'portfolio' | IdentifierKind>>;

/**
 * The contacts of one change, indexed by their identifiers. Mutated in place by `apply` and by an
 * admin's corrections, only through its own methods, so that `changes()` knows every contact and
 * history row to write back.
 */
export class Graph {
  private readonly byId = new Map<string, ContactState>();
  private readonly byValue = new Map<string, string>();
  private readonly changed = new Set<string>();
  private readonly history: HistoryEntry[] = [];
  /** What the observation being applied changed: `stamp` marks them. */
  private changedNow: Set<string> | undefined;

  constructor(
    contacts: Iterable<ContactState>,
    private readonly newId: () => string,
  ) {
    for (const contact of contacts) this.put(contact);
  }

  get(id: string): ContactState | undefined {
    return this.byId.get(id);
  }

  contacts(): ContactState[] {
    return [...this.byId.values()];
  }

  holder(portfolio: string, field: IdentifierKind, value: string): ContactState | undefined {
    const id = this.byValue.get(indexKey(portfolio, field, value));
    return id === undefined ? undefined : this.byId.get(id);
  }

  /** Applies one observation: the contact it is about (if any) and the history it writes. */
  apply(observation: Observation): { contact: ContactState | undefined; history: HistoryEntry[] } {
    this.changedNow = new Set();
    const step = new LinkStep(this, observation);
    const previous = observation.links && observation.change ? step.leavePrevious(observation.change) : undefined;
    const contact = observation.links ? step.link() : step.find();
    if (previous) step.joinPrevious(previous, contact);
    if (contact) recordActivity(contact, observation);
    if (contact) this.markChanged(contact.id);
    if (isTimeOrdered(observation)) this.stamp(observation, step.history, this.changedNow);
    this.changedNow = undefined;
    this.history.push(...step.history);
    return { contact, history: step.history };
  }

  /** What to write back: every contact changed, and the history in the order it was made. */
  changes(): { contacts: ContactState[]; history: HistoryEntry[] } {
    return { contacts: [...this.changed].map((id) => this.byId.get(id) as ContactState), history: [...this.history] };
  }

  /** Changes fields of a contact other than its identifiers (those go through `setLink`). */
  edit(contact: ContactState, patch: ContactPatch): void {
    Object.assign(contact, patch);
    this.markChanged(contact.id);
  }

  /** A history row made outside `apply`: an admin's correction. */
  record(entry: HistoryEntry): void {
    this.history.push(entry);
  }

  /**
   * Every contact a time-ordered observation changed or named in its history carries its order key:
   * an older observation about any of them that arrives later replays them (rule 5).
   */
  private stamp(observation: Observation, history: HistoryEntry[], changedNow: Set<string>): void {
    const key = orderKey(observation);
    const named = history.flatMap((entry) => (entry.otherContactId ? [entry.contactId, entry.otherContactId] : [entry.contactId]));
    for (const id of new Set([...changedNow, ...named])) {
      const contact = this.byId.get(id);
      if (!contact) continue;
      contact.lastEventKey = laterKey(contact.lastEventKey ?? null, key);
      this.changed.add(id);
    }
  }

  /** Names a contact to write back. */
  private markChanged(id: string): void {
    this.changed.add(id);
    this.changedNow?.add(id);
  }

  create(portfolio: string, at: Date): ContactState {
    const contact: ContactState = {
      id: this.newId(),
      portfolio,
      msisdn: null,
      bsuid: null,
      parentBsuid: null,
      msisdnAt: null,
      bsuidAt: null,
      parentBsuidAt: null,
      msisdnStrength: null,
      bsuidStrength: null,
      parentBsuidStrength: null,
      firstSeenAt: at,
      lastSeenAt: at,
      lastInboundAt: null,
      lastOutboundAt: null,
      invalidAt: null,
      mergedInto: null,
      lastEventKey: null,
    };
    this.put(contact);
    this.markChanged(contact.id);
    return contact;
  }

  setLink(contact: ContactState, field: IdentifierKind, value: string | null, at: Date | null, strength: Strength | null): void {
    const previous = contact[field];
    if (previous !== null) this.byValue.delete(indexKey(contact.portfolio, field, previous));
    contact[field] = value;
    contact[LINKED_AT[field]] = value === null ? null : at;
    contact[STRENGTH_OF[field]] = value === null ? null : strength;
    if (value !== null) this.byValue.set(indexKey(contact.portfolio, field, value), contact.id);
    this.markChanged(contact.id);
  }

  private put(contact: ContactState): void {
    this.byId.set(contact.id, contact);
    for (const field of IDENTIFIER_KINDS) {
      const value = contact[field];
      if (value !== null) this.byValue.set(indexKey(contact.portfolio, field, value), contact.id);
    }
  }
}

/** One observation's way through the rules: finding its contact, and the history that writes. */
class LinkStep {
  readonly history: HistoryEntry[] = [];
  private readonly present: IdentifierKind[];
  /** The most stable identifier carried: the BSUID (its phone never changes), else the parent, else the phone. */
  private readonly primary: IdentifierKind;
  private readonly attested: boolean;

  constructor(
    private readonly graph: Graph,
    private readonly obs: Observation,
  ) {
    this.present = IDENTIFIER_KINDS.filter((field) => obs[field] !== undefined);
    this.primary = this.present[0];
    this.attested = obs.strength === 'attested';
  }

  /** A failed DLR only updates status: the contact that holds its most specific identifier. */
  find(): ContactState | undefined {
    for (const field of this.present) {
      const holder = this.holder(field);
      if (holder) return holder;
    }
    return undefined;
  }

  /** Rules 1–5 and 8: the other identifiers attach to the contact of the primary one. */
  link(): ContactState | undefined {
    if (this.present.length === 0) return undefined;
    const primary = this.primary;
    let target = this.holder(primary);
    if (!target && !this.attested && !this.obs.fillsGaps) return undefined; // a claim about nobody known
    for (const field of this.present.slice(1)) {
      const holder = this.holder(field);
      if (!holder || holder === target) continue;
      if (!target) {
        if (holder[primary] === null || this.canReplace(holder, primary)) {
          target = holder; // a contact known without this primary id gains it below
          continue;
        }
        target = this.createWith(primary); // the identifier is another person's: see below
      }
      if (!this.attested) {
        this.conflict(target, field, target[field], this.value(field), holder.id); // rule 8: never merge or move
      } else if ((holder[primary] === null || this.canReplace(holder, primary)) && this.compatible(holder, target)) {
        target = this.merge(holder, target);
      } else {
        this.move(holder, target, field);
      }
    }
    target ??= this.createWith(primary);
    for (const field of this.present) {
      const holder = this.holder(field);
      if (!holder) this.fill(target, field);
      else if (holder === target) this.confirm(target, field);
    }
    return target;
  }

  /**
   * Meta's system message that the user's BSUID changed, with their phone number or alone: the
   * contact holding the previous BSUID (else the previous phone, `previousHolder`) is this person. The previous BSUID leaves it as an
   * `unlinked` row (a past BSUID, as the send pipeline finds them), and so do the previous parent
   * and the previous phone unless the message names that same phone: a BSUID changes with the
   * phone number, and `user_changed_user_id` comes when the new number cannot be shared, so the
   * old one is a number the user left (and may be recycled). The new BSUID takes their place, unless another
   * contact holds it already (`joinPrevious`). A change older than the latest attestation of the
   * previous BSUID moves nothing (rule 5). The log keeps the change under the previous
   * identifiers too, so that a late webhook about either side replays both (graph.repository.ts).
   */
  leavePrevious(change: IdentityChange): ContactState | undefined {
    const previous = this.previousHolder(change);
    const bsuid = this.obs.bsuid;
    if (!previous || bsuid === undefined || previous.bsuid === bsuid) return undefined;
    const since = previous.bsuid !== null ? previous.bsuidAt : previous.msisdnAt;
    if (since && since > this.obs.eventAt) {
      if (previous.bsuid !== null) this.record(previous, 'stale', 'bsuid', previous.bsuid, bsuid);
      else this.record(previous, 'stale', 'msisdn', previous.msisdn, this.obs.msisdn ?? null);
      return undefined;
    }
    if (previous.bsuid !== null) this.unlink(previous, 'bsuid', null);
    const parent = this.obs.parentBsuid;
    const parentLeaves = change.previousParentBsuid === undefined || change.previousParentBsuid === previous.parentBsuid;
    if (parent !== undefined && previous.parentBsuid !== null && previous.parentBsuid !== parent && parentLeaves) {
      this.unlink(previous, 'parentBsuid', null);
    }
    if (previous.msisdn !== null && previous.msisdn !== this.obs.msisdn) this.unlink(previous, 'msisdn', null);
    if (!this.holder('bsuid')) {
      this.graph.setLink(previous, 'bsuid', bsuid, this.obs.eventAt, 'attested');
      this.record(previous, 'linked', 'bsuid', null, bsuid);
    }
    return previous;
  }

  /**
   * The contact holding the previous BSUID or, when none does, the one holding the previous phone
   * (Meta's attested old number) with no BSUID of its own: a person known only by phone (LINK, an
   * import). A phone held with another BSUID is somebody else's pairing, not this change's.
   */
  private previousHolder(change: IdentityChange): ContactState | undefined {
    const byBsuid = this.graph.holder(this.obs.portfolio, 'bsuid', change.previousBsuid);
    if (byBsuid || change.previousMsisdn === undefined) return byBsuid;
    const byPhone = this.graph.holder(this.obs.portfolio, 'msisdn', change.previousMsisdn);
    return byPhone && byPhone.bsuid === null ? byPhone : undefined;
  }

  /** The new BSUID was another contact's already: the two are one person (rule 3), if nothing attested says otherwise. */
  joinPrevious(previous: ContactState, target: ContactState | undefined): void {
    if (!target || target === previous || previous.mergedInto !== null) return;
    if (this.compatible(previous, target)) this.merge(previous, target);
    else this.conflict(previous, 'bsuid', null, this.value('bsuid'), target.id);
  }

  private value(field: IdentifierKind): string {
    return this.obs[field] as string;
  }

  private holder(field: IdentifierKind): ContactState | undefined {
    return this.graph.holder(this.obs.portfolio, field, this.value(field));
  }

  /** Attested evidence replaces a link that was only claimed. */
  private canReplace(contact: ContactState, field: IdentifierKind): boolean {
    return this.attested && contact[field] !== null && contact[STRENGTH_OF[field]] === 'claimed';
  }

  /** Two contacts can merge when no attested identifier of one contradicts the other's. */
  private compatible(a: ContactState, b: ContactState): boolean {
    return IDENTIFIER_KINDS.every(
      (field) =>
        a[field] === null ||
        b[field] === null ||
        a[field] === b[field] ||
        a[STRENGTH_OF[field]] === 'claimed' ||
        b[STRENGTH_OF[field]] === 'claimed',
    );
  }

  private createWith(field: IdentifierKind): ContactState {
    const contact = this.graph.create(this.obs.portfolio, this.obs.eventAt);
    this.record(contact, 'created', null, null, null);
    this.fill(contact, field);
    return contact;
  }

  /** Adds an identifier no contact holds. A different attested value is never overwritten: a conflict. */
  private fill(contact: ContactState, field: IdentifierKind): void {
    const value = this.value(field);
    const existing = contact[field];
    if (existing === value) return this.confirm(contact, field);
    if (existing !== null && !this.canReplace(contact, field)) return this.conflict(contact, field, existing, value);
    if (!this.attested && !this.obs.fillsGaps) return this.conflict(contact, field, existing, value);
    if (existing !== null) this.unlink(contact, field, null);
    this.graph.setLink(contact, field, value, this.obs.eventAt, this.obs.strength);
    this.record(contact, 'linked', field, null, value);
  }

  /**
   * An attested pairing seen again: the link's time moves to the latest attestation (so that an
   * observation older than it cannot undo it), and a claimed link becomes attested.
   */
  private confirm(contact: ContactState, field: IdentifierKind): void {
    if (!this.attested) return;
    const patch: ContactPatch = {};
    if (contact[STRENGTH_OF[field]] === 'claimed') {
      patch[STRENGTH_OF[field]] = 'attested';
      this.record(contact, 'confirmed', field, contact[field], contact[field]);
    }
    if (this.present.length > 1) patch[LINKED_AT[field]] = latest(contact[LINKED_AT[field]], this.obs.eventAt);
    this.graph.edit(contact, patch);
  }

  /**
   * Rule 4, relink: the identifier leaves `from` for `to`, unless the observation is older than
   * the latest one that attested it on `from` (rule 5: history records it, nothing moves).
   */
  private move(from: ContactState, to: ContactState, field: IdentifierKind): void {
    const value = this.value(field);
    if (to[field] !== null && to[field] !== value && !this.canReplace(to, field)) {
      return this.conflict(to, field, to[field], value, from.id);
    }
    if (from[STRENGTH_OF[field]] === 'attested' && this.isStale(from, field)) {
      return this.record(from, 'stale', field, value, value, to.id);
    }
    if (to[field] !== null) this.unlink(to, field, null);
    this.unlink(from, field, to.id);
    this.graph.setLink(to, field, value, this.obs.eventAt, 'attested');
    this.record(to, 'linked', field, null, value, from.id);
  }

  /** Older than the link's attestation; at the same instant the greater primary id wins, so that order does not matter. */
  private isStale(from: ContactState, field: IdentifierKind): boolean {
    const linkedAt = from[LINKED_AT[field]];
    if (!linkedAt) return false;
    if (this.obs.eventAt.getTime() !== linkedAt.getTime()) return this.obs.eventAt < linkedAt;
    return this.value(this.primary) <= (from[this.primary] ?? '');
  }

  /**
   * Rule 3: two contacts are one person; the younger folds into the older and stays resolvable.
   * Each identifier that moves is history of its own, and the merge row keeps both contacts as
   * they were, for a split (rule 9).
   */
  private merge(a: ContactState, b: ContactState): ContactState {
    const [survivor, merged] = older(a, b) === a ? [a, b] : [b, a];
    const snapshot = { survivor: { ...survivor }, merged: { ...merged } };
    this.history.push({ ...historyEntry(survivor, 'merged', null, null, null, merged.id, this.obs), snapshot });
    for (const field of IDENTIFIER_KINDS) {
      const value = merged[field];
      if (value === null) continue;
      const at = merged[LINKED_AT[field]];
      const strength = merged[STRENGTH_OF[field]];
      const survivorWins = survivor[field] !== null && (strength === 'claimed' || survivor[STRENGTH_OF[field]] === 'attested');
      this.unlink(merged, field, survivor.id);
      if (survivorWins) continue;
      if (survivor[field] !== null) this.unlink(survivor, field, null);
      this.graph.setLink(survivor, field, value, at, strength);
      this.record(survivor, 'linked', field, null, value, merged.id);
    }
    this.graph.edit(survivor, {
      firstSeenAt: earliest(survivor.firstSeenAt, merged.firstSeenAt) as Date,
      lastSeenAt: latest(survivor.lastSeenAt, merged.lastSeenAt) as Date,
      lastInboundAt: latest(survivor.lastInboundAt, merged.lastInboundAt),
      lastOutboundAt: latest(survivor.lastOutboundAt, merged.lastOutboundAt),
      invalidAt: latest(survivor.invalidAt, merged.invalidAt),
      externalId: survivor.externalId ?? merged.externalId,
    });
    this.graph.edit(merged, { mergedInto: survivor.id });
    return survivor;
  }

  private unlink(contact: ContactState, field: IdentifierKind, otherContactId: string | null): void {
    const value = contact[field];
    this.graph.setLink(contact, field, null, null, null);
    this.record(contact, 'unlinked', field, value, null, otherContactId);
  }

  /** `contact` was said to have `claimed` as its `field`, which `existing` (or another contact) contradicts. */
  private conflict(
    contact: ContactState,
    field: IdentifierKind,
    existing: string | null,
    claimed: string,
    otherContactId: string | null = null,
  ): void {
    this.record(contact, 'conflict', field, existing, claimed, otherContactId);
  }

  private record(
    contact: ContactState,
    action: HistoryAction,
    field: IdentifierKind | null,
    fromValue: string | null,
    toValue: string | null,
    otherContactId: string | null = null,
  ): void {
    this.history.push(historyEntry(contact, action, field, fromValue, toValue, otherContactId, this.obs));
  }
}

function older(a: ContactState, b: ContactState): ContactState {
  const diff = a.firstSeenAt.getTime() - b.firstSeenAt.getTime();
  if (diff !== 0) return diff < 0 ? a : b;
  return a.id < b.id ? a : b;
}

/** MO opens the care window, a sent/delivered/read DLR records an outbound, 112404 marks invalid. */
function recordActivity(contact: ContactState, obs: Observation): void {
  if (obs.strength !== 'attested') return;
  contact.lastSeenAt = latest(contact.lastSeenAt, obs.eventAt) as Date;
  contact.firstSeenAt = earliest(contact.firstSeenAt, obs.eventAt) as Date;
  if (obs.activity === 'inbound') contact.lastInboundAt = latest(contact.lastInboundAt, obs.eventAt);
  if (obs.activity === 'outbound') contact.lastOutboundAt = latest(contact.lastOutboundAt, obs.eventAt);
  if (obs.activity === 'invalid') contact.invalidAt = latest(contact.invalidAt, obs.eventAt);
}

function indexKey(portfolio: string, field: IdentifierKind, value: string): string {
  return `${portfolio}\u0000${field}\u0000${value}`;
}
