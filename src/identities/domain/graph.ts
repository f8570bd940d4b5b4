/**
 * The identity graph's rules (DESIGN: Rules of the identity graph), as pure code over an
 * in-memory view of the contacts an observation touches. The service loads those contacts
 * (locked), applies a batch of observations here, and writes back what changed.
 */

export const LINK_FIELDS = ['bsuid', 'parentBsuid', 'msisdn'] as const;
export type LinkField = (typeof LINK_FIELDS)[number];

export type Strength = 'attested' | 'claimed';
export type Activity = 'inbound' | 'outbound' | 'invalid';

/** Where an observation came from: kept on every history row it causes. */
export interface Evidence {
  kind: 'MO' | 'DLR' | 'CONTACT_SHARE' | 'CONTACT_CARD' | 'IMPORT' | 'ADMIN';
  messageId?: string;
  resultCode?: number;
  businessNumber?: string;
}

/** What one webhook says about one person. */
export interface Observation {
  portfolio: string;
  msisdn?: string;
  bsuid?: string;
  parentBsuid?: string;
  eventAt: Date;
  strength: Strength;
  /** False for a failed DLR: it finds the contact to update its status, but never links. */
  links: boolean;
  activity?: Activity;
  evidence: Evidence;
}

export interface ContactState {
  id: string;
  portfolio: string;
  msisdn: string | null;
  bsuid: string | null;
  parentBsuid: string | null;
  /** Event time of the observation that set each link: an older one must not undo it (rule 5). */
  msisdnAt: Date | null;
  bsuidAt: Date | null;
  parentBsuidAt: Date | null;
  firstSeenAt: Date;
  lastSeenAt: Date;
  lastInboundAt: Date | null;
  lastOutboundAt: Date | null;
  invalidAt: Date | null;
  mergedInto: string | null;
}

export type HistoryAction = 'created' | 'linked' | 'unlinked' | 'merged' | 'stale' | 'conflict';

/** One row of link history (rule 7): what changed, from what, to what, and the evidence. */
export interface HistoryEntry {
  contactId: string;
  portfolio: string;
  action: HistoryAction;
  field: LinkField | null;
  fromValue: string | null;
  toValue: string | null;
  /** The other contact of a merge or a move. */
  otherContactId: string | null;
  /** For a merge: the merged contact as it was, so that it can be split again (rule 9). */
  snapshot: ContactState | null;
  strength: Strength;
  evidence: Evidence;
  eventAt: Date;
}

const AT: Record<LinkField, 'msisdnAt' | 'bsuidAt' | 'parentBsuidAt'> = {
  msisdn: 'msisdnAt',
  bsuid: 'bsuidAt',
  parentBsuid: 'parentBsuidAt',
};

/**
 * The contacts of one batch, indexed by their identifiers. Mutated in place by `apply`;
 * `changed` names the contacts to write back.
 */
export class Graph {
  private readonly byId = new Map<string, ContactState>();
  private readonly byValue = new Map<string, string>();
  readonly changed = new Set<string>();
  readonly created = new Set<string>();

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

  holder(portfolio: string, field: LinkField, value: string): ContactState | undefined {
    const id = this.byValue.get(indexKey(portfolio, field, value));
    return id === undefined ? undefined : this.byId.get(id);
  }

  /** Applies one observation: the contact it is about (if any) and the history it writes. */
  apply(observation: Observation): { contact: ContactState | undefined; history: HistoryEntry[] } {
    const run = new Application(this, observation);
    const contact = observation.links ? run.link() : run.find();
    if (contact) {
      recordActivity(contact, observation);
      this.changed.add(contact.id);
    }
    return { contact, history: run.history };
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
      firstSeenAt: at,
      lastSeenAt: at,
      lastInboundAt: null,
      lastOutboundAt: null,
      invalidAt: null,
      mergedInto: null,
    };
    this.put(contact);
    this.created.add(contact.id);
    this.changed.add(contact.id);
    return contact;
  }

  setLink(contact: ContactState, field: LinkField, value: string | null, at: Date | null): void {
    const previous = contact[field];
    if (previous !== null) this.byValue.delete(indexKey(contact.portfolio, field, previous));
    contact[field] = value;
    contact[AT[field]] = at;
    if (value !== null) this.byValue.set(indexKey(contact.portfolio, field, value), contact.id);
    this.changed.add(contact.id);
  }

  private put(contact: ContactState): void {
    this.byId.set(contact.id, contact);
    for (const field of LINK_FIELDS) {
      const value = contact[field];
      if (value !== null) this.byValue.set(indexKey(contact.portfolio, field, value), contact.id);
    }
  }
}

/** The work of applying one observation: finding its contact, and the history that writes. */
class Application {
  readonly history: HistoryEntry[] = [];
  private readonly present: LinkField[];

  constructor(
    private readonly graph: Graph,
    private readonly obs: Observation,
  ) {
    this.present = LINK_FIELDS.filter((field) => obs[field] !== undefined);
  }

  /** A failed DLR only updates status: the contact that holds its most specific identifier. */
  find(): ContactState | undefined {
    for (const field of this.present) {
      const holder = this.holder(field);
      if (holder) return holder;
    }
    return undefined;
  }

  /**
   * Rules 1–5 and 8. The *primary* identifier is the most stable one the observation carries:
   * the BSUID (its phone never changes), else the parent BSUID, else the phone number. The
   * other identifiers attach to the primary's contact.
   */
  link(): ContactState | undefined {
    if (this.present.length === 0) return undefined;
    const primary = this.present[0];
    let target = this.holder(primary);
    for (const field of this.present.slice(1)) {
      const holder = this.holder(field);
      if (!holder || holder === target) continue;
      if (!target) {
        if (holder[primary] === null) {
          target = holder; // a contact known without this primary id gains it below
          continue;
        }
        target = this.createWith(primary); // the identifier is another person's: see below
      }
      if (this.obs.strength === 'claimed') {
        // Rule 8: a claim never merges or moves; the clash is kept for an admin to settle.
        this.conflict(target, field, target[field], this.value(field), holder.id);
      } else if (holder[primary] === null && compatible(holder, target)) {
        target = this.merge(holder, target);
      } else {
        this.move(holder, target, field);
      }
    }
    target ??= this.createWith(primary);
    for (const field of this.present) {
      if (!this.holder(field)) this.fill(target, field);
    }
    return target;
  }

  private value(field: LinkField): string {
    return this.obs[field] as string;
  }

  private holder(field: LinkField): ContactState | undefined {
    return this.graph.holder(this.obs.portfolio, field, this.value(field));
  }

  private createWith(field: LinkField): ContactState {
    const contact = this.graph.create(this.obs.portfolio, this.obs.eventAt);
    this.write(contact, 'created', null, null, null);
    this.fill(contact, field);
    return contact;
  }

  /** Adds an identifier no contact holds; a different value already there is a conflict, never overwritten. */
  private fill(contact: ContactState, field: LinkField): void {
    const value = this.value(field);
    const existing = contact[field];
    if (existing === value) return;
    if (existing !== null) {
      this.conflict(contact, field, existing, value);
      return;
    }
    this.graph.setLink(contact, field, value, this.obs.eventAt);
    this.write(contact, 'linked', field, null, value);
  }

  /**
   * Rule 4, relink: the identifier leaves `from` for `to`, unless the observation is older than
   * the one that linked it to `from` (rule 5: history records it, nothing moves).
   */
  private move(from: ContactState, to: ContactState, field: LinkField): void {
    const value = this.value(field);
    const linkedAt = from[AT[field]];
    if (to[field] !== null && to[field] !== value) {
      this.conflict(to, field, to[field], value, from.id);
      return;
    }
    if (linkedAt && this.obs.eventAt < linkedAt) {
      this.write(from, 'stale', field, value, value, to.id);
      return;
    }
    this.graph.setLink(from, field, null, null);
    this.write(from, 'unlinked', field, value, null, to.id);
    this.graph.setLink(to, field, value, this.obs.eventAt);
    this.write(to, 'linked', field, null, value, from.id);
  }

  /** Rule 3: two contacts are one person; the younger folds into the older and stays resolvable. */
  private merge(a: ContactState, b: ContactState): ContactState {
    const [survivor, merged] = older(a, b) === a ? [a, b] : [b, a];
    const snapshot: ContactState = { ...merged };
    for (const field of LINK_FIELDS) {
      const value = merged[field];
      if (value === null) continue;
      const at = merged[AT[field]];
      this.graph.setLink(merged, field, null, null);
      if (survivor[field] === null) this.graph.setLink(survivor, field, value, at);
    }
    survivor.firstSeenAt = earliest(survivor.firstSeenAt, merged.firstSeenAt) as Date;
    survivor.lastSeenAt = latest(survivor.lastSeenAt, merged.lastSeenAt) as Date;
    survivor.lastInboundAt = latest(survivor.lastInboundAt, merged.lastInboundAt);
    survivor.lastOutboundAt = latest(survivor.lastOutboundAt, merged.lastOutboundAt);
    survivor.invalidAt = latest(survivor.invalidAt, merged.invalidAt);
    merged.mergedInto = survivor.id;
    this.graph.changed.add(survivor.id);
    this.graph.changed.add(merged.id);
    this.history.push({ ...this.entry(survivor, 'merged', null, null, null, merged.id), snapshot });
    return survivor;
  }

  /** `contact` was said to have `claimed` as its `field`, which `existing` (or another contact) contradicts. */
  private conflict(contact: ContactState, field: LinkField, existing: string | null, claimed: string, otherContactId: string | null = null): void {
    this.write(contact, 'conflict', field, existing, claimed, otherContactId);
  }

  private write(
    contact: ContactState,
    action: HistoryAction,
    field: LinkField | null,
    fromValue: string | null,
    toValue: string | null,
    otherContactId: string | null = null,
  ): void {
    this.history.push(this.entry(contact, action, field, fromValue, toValue, otherContactId));
  }

  private entry(
    contact: ContactState,
    action: HistoryAction,
    field: LinkField | null,
    fromValue: string | null,
    toValue: string | null,
    otherContactId: string | null,
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
      strength: this.obs.strength,
      evidence: this.obs.evidence,
      eventAt: this.obs.eventAt,
    };
  }
}

/** Two contacts can merge when no identifier of one contradicts the other's. */
function compatible(a: ContactState, b: ContactState): boolean {
  return LINK_FIELDS.every((field) => a[field] === null || b[field] === null || a[field] === b[field]);
}

function older(a: ContactState, b: ContactState): ContactState {
  const diff = a.firstSeenAt.getTime() - b.firstSeenAt.getTime();
  if (diff !== 0) return diff < 0 ? a : b;
  return a.id < b.id ? a : b;
}

/** MO opens the care window, a sent/delivered/read DLR records an outbound, 112404 marks invalid. */
function recordActivity(contact: ContactState, obs: Observation): void {
  contact.lastSeenAt = latest(contact.lastSeenAt, obs.eventAt) as Date;
  contact.firstSeenAt = earliest(contact.firstSeenAt, obs.eventAt) as Date;
  if (obs.activity === 'inbound') contact.lastInboundAt = latest(contact.lastInboundAt, obs.eventAt);
  if (obs.activity === 'outbound') contact.lastOutboundAt = latest(contact.lastOutboundAt, obs.eventAt);
  if (obs.activity === 'invalid') contact.invalidAt = latest(contact.invalidAt, obs.eventAt);
}

/** A contact is invalid while its latest 112404 is newer than anything it sent or received. */
export function isInvalid(contact: Pick<ContactState, 'invalidAt' | 'lastInboundAt' | 'lastOutboundAt'>): boolean {
  if (!contact.invalidAt) return false;
  const lastExchange = latest(contact.lastInboundAt, contact.lastOutboundAt);
  return !lastExchange || contact.invalidAt >= lastExchange;
}

function latest(a: Date | null, b: Date | null): Date | null {
  if (!a) return b;
  if (!b) return a;
  return a >= b ? a : b;
}

function earliest(a: Date | null, b: Date | null): Date | null {
  if (!a) return b;
  if (!b) return a;
  return a <= b ? a : b;
}

function indexKey(portfolio: string, field: LinkField, value: string): string {
  return `${portfolio}\u0000${field}\u0000${value}`;
}
