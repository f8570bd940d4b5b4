import fc from 'fast-check';
import { IdentifierSeen, inEventOrder, isLate, isTimeOrdered, laterKey, orderKey } from './event-order';
import { Graph } from './graph';
import { ContactState, HistoryEntry, Observation } from './observation';
import { replayComponent } from './replay';
import { newGraph, observation } from '../../../test/support/graph-builders';
import { IDENTIFIER_KINDS, IdentifierKind } from '../../identifiers/domain/identifier';

/** An MO at a second past noon, by graph-builders' `observation`. */
const mo = (
  second: number,
  ids: Partial<Record<IdentifierKind, string>>,
  messageId = `m-${second}-${Object.values(ids).join('-')}`,
): Observation => observation(ids, 0, { eventAt: new Date(Date.UTC(2026, 5, 1, 12, 0, second)), evidence: { kind: 'MO', messageId } });

/** A contact as the graph makes it from one MO, under the given id. */
const holding = (id: string, ids: Partial<Record<IdentifierKind, string>>): ContactState => ({
  ...(newGraph().apply(mo(0, ids)).contact as ContactState),
  id,
});

/**
 * What order must not change, without ids: the identifiers of each live contact, and which claims
 * stand open against which person. A claim is one however many rows hold it: in event-time order a
 * claim raised on a contact that is merged later, and raised again on the survivor, is two rows,
 * where a replay, which maps the component onto the contacts it ends with, keeps the first.
 */
interface Shape {
  contacts: string[];
  /** The person's identifiers (a merged contact's survivor's), the field and the claimed value. */
  conflicts: string[];
}

/**
 * The ingest path in memory: each observation as it arrives, applied at once unless it is late,
 * and then its part of the graph replayed from the log. Mirrors IngestService and GraphReplayService.
 */
class Book {
  private readonly contacts = new Map<string, ContactState>();
  private readonly log: Observation[] = [];
  private conflicts: HistoryEntry[] = [];
  private next = 0;
  private readonly newId = () => `c${String(this.next++).padStart(4, '0')}`;

  receive(obs: Observation): void {
    if (isLate(obs, (field, value) => this.seen(field, value))) this.replay(obs);
    else this.applyNow(obs);
    if (isTimeOrdered(obs)) this.log.push(obs);
  }

  shape(): Shape {
    const live = [...this.contacts.values()].filter(
      (contact) => contact.mergedInto === null && IDENTIFIER_KINDS.some((field) => contact[field] !== null),
    );
    return {
      contacts: live.map((contact) => IDENTIFIER_KINDS.map((field) => contact[field] ?? '-').join(' ')).sort(),
      conflicts: [...new Set(this.conflicts.map((entry) => `${this.personOf(entry.contactId)} ${entry.field} ${entry.toValue}`))].sort(),
    };
  }

  /** The identifiers of the live contact a contact is, or was merged into. */
  private personOf(id: string): string {
    let contact = this.contacts.get(id);
    for (let hops = 0; contact?.mergedInto && hops < 100; hops++) contact = this.contacts.get(contact.mergedInto);
    return contact ? IDENTIFIER_KINDS.map((field) => contact[field] ?? '-').join(' ') : '?';
  }

  private seen(field: IdentifierKind, value: string): IdentifierSeen {
    const logged = this.log.filter((obs) => obs[field] === value).reduce<string | null>((key, obs) => laterKey(key, orderKey(obs)), null);
    const holder = [...this.contacts.values()].find((contact) => contact[field] === value);
    return { logged, held: holder !== undefined, holderKey: holder?.lastEventKey };
  }

  private applyNow(obs: Observation): void {
    const graph = new Graph(
      [...this.contacts.values()].map((contact) => ({ ...contact })),
      this.newId,
    );
    const applied = graph.apply(obs);
    for (const changed of graph.changes().contacts) this.contacts.set(changed.id, changed);
    this.addConflicts(applied.history.filter((entry) => entry.action === 'conflict'));
  }

  private replay(obs: Observation): void {
    const component = this.component(obs);
    const values = (field: IdentifierKind) => new Set(component.flatMap((logged) => (logged[field] ? [logged[field]] : [])));
    const current = [...this.contacts.values()].filter((contact) =>
      IDENTIFIER_KINDS.some((field) => contact[field] !== null && values(field).has(contact[field])),
    );
    const replayed = replayComponent({ current, logged: component.filter((logged) => logged !== obs), arriving: [obs], newId: this.newId });
    // Conflicts raised on contacts merged into the component since are the component's too.
    const ids = new Set([...current, ...replayed.contacts].map((contact) => contact.id));
    for (let grew = true; grew;) {
      grew = false;
      for (const contact of this.contacts.values()) {
        if (contact.mergedInto && ids.has(contact.mergedInto) && !ids.has(contact.id)) grew = ids.add(contact.id) !== undefined;
      }
    }
    const kept = (entry: HistoryEntry) => replayed.conflicts.some((c) => sameConflict(c, entry));
    this.conflicts = this.conflicts.filter((entry) => !ids.has(entry.contactId) || kept(entry));
    for (const contact of replayed.contacts) this.contacts.set(contact.id, contact);
    this.addConflicts(replayed.conflicts);
  }

  private component(seed: Observation): Observation[] {
    const found = new Set<Observation>([seed]);
    for (let grew = true; grew;) {
      grew = false;
      for (const obs of this.log) {
        if (found.has(obs)) continue;
        if ([...found].some((other) => IDENTIFIER_KINDS.some((field) => obs[field] !== undefined && obs[field] === other[field]))) {
          found.add(obs);
          grew = true;
        }
      }
    }
    return [...found];
  }

  private addConflicts(entries: HistoryEntry[]): void {
    for (const entry of entries) {
      const open = this.conflicts.some((c) => c.contactId === entry.contactId && c.field === entry.field && c.toValue === entry.toValue);
      if (!open) this.conflicts.push(entry);
    }
  }
}

function sameConflict(a: HistoryEntry, b: HistoryEntry): boolean {
  return a.contactId === b.contactId && a.field === b.field && a.fromValue === b.fromValue && a.toValue === b.toValue;
}

function shapeAfter(arrivals: Observation[]): Shape {
  const book = new Book();
  arrivals.forEach((obs) => book.receive(obs));
  return book.shape();
}

describe(replayComponent.name, () => {
  // The five MOs: P1 alone at t10, S3 alone at t20, P3+S3 at t40, P1+S1 at t40, P1+S3 at t60.
  const p1 = mo(10, { msisdn: '+46700000001' });
  const s3 = mo(20, { bsuid: 'SE.3' });
  const p3s3 = mo(40, { bsuid: 'SE.3', msisdn: '+46700000003' });
  const p1s1 = mo(40, { bsuid: 'SE.1', msisdn: '+46700000001' });
  const p1s3 = mo(60, { bsuid: 'SE.3', msisdn: '+46700000001' });

  it('gives the graph of event-time order when the webhooks arrive out of it', () => {
    const inTimeOrder = shapeAfter([p1, s3, p3s3, p1s1, p1s3]);
    expect(inTimeOrder).toEqual({
      contacts: ['SE.1 - +46700000001', 'SE.3 - +46700000003'],
      conflicts: ['SE.3 - +46700000003 msisdn +46700000001'],
    });
    expect(shapeAfter([p1, s3, p1s3, p3s3, p1s1])).toEqual(inTimeOrder);
  });

  it('keeps the ids of the contacts that stay the same person', () => {
    const book = new Book();
    [p1, s3, p1s3].forEach((obs) => book.receive(obs));
    const before = book.shape();
    expect(before.contacts).toEqual(['SE.3 - +46700000001']);
    const current = [holding('kept', { bsuid: 'SE.3', msisdn: '+46700000001' })];
    const replayed = replayComponent({ current, logged: [p1, s3, p1s3], arriving: [p3s3], newId: () => 'new' });
    expect(replayed.contacts.find((contact) => contact.bsuid === 'SE.3')?.id).toBe('kept');
  });

  it('writes what moved as history with the late evidence, unlinks before links', () => {
    const current = [holding('a', { bsuid: 'SE.3', msisdn: '+46700000001' })];
    const replayed = replayComponent({ current, logged: [p1, s3, p1s3], arriving: [p3s3], newId: () => 'b' });
    // P1 was first seen alone at t10: in event-time order it is its own person, whom S3 later contradicts.
    expect(
      replayed.history.map((entry) => [entry.action, entry.contactId, entry.field, entry.fromValue, entry.toValue, entry.otherContactId]),
    ).toEqual([
      ['unlinked', 'a', 'msisdn', '+46700000001', null, null],
      ['created', 'b', null, null, null, null],
      ['linked', 'b', 'msisdn', null, '+46700000001', 'a'],
      ['linked', 'a', 'msisdn', null, '+46700000003', null],
    ]);
    expect(new Set(replayed.history.map((entry) => entry.evidence.messageId))).toEqual(new Set([p3s3.evidence.messageId]));
  });

  it('gives the same graph for every arrival order of random webhooks', () => {
    const phones = ['+46700000001', '+46700000002', '+46700000003'];
    const bsuids = ['SE.1', 'SE.2', 'SE.3'];
    const webhook = fc
      .record({
        at: fc.integer({ min: 0, max: 6 }),
        msisdn: fc.option(fc.constantFrom(...phones), { nil: undefined }),
        bsuid: fc.option(fc.constantFrom(...bsuids), { nil: undefined }),
        parentBsuid: fc.option(fc.constantFrom('SE.ENT.1', 'SE.ENT.2'), { nil: undefined }),
        kind: fc.constantFrom('MO', 'MO', 'MO', 'CARD'),
      })
      .filter((o) => o.msisdn !== undefined || o.bsuid !== undefined || o.parentBsuid !== undefined);
    const observations = fc
      .array(webhook, { minLength: 1, maxLength: 10 })
      .map((raw) => raw.map((o, index) => as(o.kind, mo(o.at * 10, withoutUndefined(o), `m${index}`))));
    const arrivals = observations.chain((all) =>
      fc.tuple(fc.constant(all), fc.shuffledSubarray(all, { minLength: all.length, maxLength: all.length })),
    );
    fc.assert(
      fc.property(arrivals, ([all, shuffled]) => {
        expect(shapeAfter(shuffled)).toEqual(shapeAfter(inEventOrder(all)));
      }),
      { numRuns: 500 },
    );
  });
});

/** The same identifiers, in an MO or in a contact card forwarded in one (claimed). */
function as(kind: 'MO' | 'CARD', obs: Observation): Observation {
  if (kind === 'MO') return obs;
  return { ...obs, strength: 'claimed', activity: undefined, evidence: { kind: 'CONTACT_CARD', messageId: obs.evidence.messageId } };
}

function withoutUndefined(o: { msisdn?: string; bsuid?: string; parentBsuid?: string }): Partial<Record<IdentifierKind, string>> {
  return Object.fromEntries(
    Object.entries({ msisdn: o.msisdn, bsuid: o.bsuid, parentBsuid: o.parentBsuid }).filter(([, v]) => v !== undefined),
  );
}
