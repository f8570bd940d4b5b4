import { at, B1, B2, M, M2, newGraph, observation, P } from '../../../test/support/graph-builders';
import { isTimeOrdered } from './event-order';
import { Graph } from './graph';
import { replayComponent } from './replay';
import { HistoryEntry, IdentityChange, Observation } from './observation';

const P2 = 'SE.ENT.8888';

function people(graph: Graph) {
  return graph
    .contacts()
    .filter((contact) => contact.mergedInto === null)
    .map(({ id, msisdn, bsuid, parentBsuid }) => ({ id, msisdn, bsuid, parentBsuid }));
}

function actions(history: HistoryEntry[]) {
  return history.map((entry) => [entry.action, entry.contactId, entry.field, entry.fromValue, entry.toValue, entry.evidence.kind]);
}

/** Meta's system message: the user now has these identifiers, and had `change`'s before. */
function changed(ids: Partial<Pick<Observation, 'msisdn' | 'bsuid' | 'parentBsuid'>>, minute: number, change: IdentityChange): Observation {
  const kind = change.phoneChanged ? 'USER_CHANGED_NUMBER' : 'USER_CHANGED_USER_ID';
  return observation(ids, minute, { activity: undefined, change, evidence: { kind, messageId: `s${minute}` } });
}

describe('Graph: a BSUID change (system message)', () => {
  it('moves a number change onto the contact of the previous BSUID: new BSUID and phone, the old ones past', () => {
    const graph = newGraph();
    graph.apply(observation({ msisdn: M, bsuid: B1, parentBsuid: P }, 1));
    const { contact, history } = graph.apply(
      changed({ msisdn: M2, bsuid: B2, parentBsuid: P2 }, 5, { previousBsuid: B1, previousParentBsuid: P, phoneChanged: true }),
    );
    expect(contact?.id).toBe('c1');
    expect(people(graph)).toEqual([{ id: 'c1', msisdn: M2, bsuid: B2, parentBsuid: P2 }]);
    expect(actions(history)).toEqual([
      ['unlinked', 'c1', 'bsuid', B1, null, 'USER_CHANGED_NUMBER'],
      ['unlinked', 'c1', 'parentBsuid', P, null, 'USER_CHANGED_NUMBER'],
      ['unlinked', 'c1', 'msisdn', M, null, 'USER_CHANGED_NUMBER'],
      ['linked', 'c1', 'bsuid', null, B2, 'USER_CHANGED_NUMBER'],
      ['linked', 'c1', 'parentBsuid', null, P2, 'USER_CHANGED_NUMBER'],
      ['linked', 'c1', 'msisdn', null, M2, 'USER_CHANGED_NUMBER'],
    ]);
    expect(graph.get('c1')).toMatchObject({
      bsuidAt: at(5),
      msisdnAt: at(5),
      lastEventKey: expect.stringContaining('USER_CHANGED_NUMBER'),
    });
    expect(graph.holder('acme', 'bsuid', B1)).toBeUndefined();
  });

  it('takes the old phone off the person on a BSUID change alone (user_changed_user_id: a number not shared)', () => {
    const graph = newGraph();
    graph.apply(observation({ msisdn: M, bsuid: B1 }, 1));
    const { history } = graph.apply(changed({ bsuid: B2 }, 5, { previousBsuid: B1, phoneChanged: false }));
    expect(people(graph)).toEqual([{ id: 'c1', msisdn: null, bsuid: B2, parentBsuid: null }]);
    expect(actions(history)).toEqual([
      ['unlinked', 'c1', 'bsuid', B1, null, 'USER_CHANGED_USER_ID'],
      ['unlinked', 'c1', 'msisdn', M, null, 'USER_CHANGED_USER_ID'],
      ['linked', 'c1', 'bsuid', null, B2, 'USER_CHANGED_USER_ID'],
    ]);
    expect(graph.holder('acme', 'msisdn', M)).toBeUndefined();
  });

  it('keeps the phone when the change names that same phone', () => {
    const graph = newGraph();
    graph.apply(observation({ msisdn: M, bsuid: B1 }, 1));
    graph.apply(changed({ msisdn: M, bsuid: B2 }, 5, { previousBsuid: B1, phoneChanged: true }));
    expect(people(graph)).toEqual([{ id: 'c1', msisdn: M, bsuid: B2, parentBsuid: null }]);
  });

  it('merges the contact already holding the new BSUID into the older one (one person)', () => {
    const graph = newGraph();
    graph.apply(observation({ msisdn: M, bsuid: B1 }, 1));
    graph.apply(observation({ bsuid: B2 }, 3)); // the new BSUID arrived before the system message
    const { contact, history } = graph.apply(changed({ bsuid: B2 }, 2, { previousBsuid: B1, phoneChanged: false }));
    expect(contact?.id).toBe('c2');
    expect(people(graph)).toEqual([{ id: 'c1', msisdn: null, bsuid: B2, parentBsuid: null }]);
    expect(graph.get('c2')).toMatchObject({ mergedInto: 'c1', bsuid: null });
    expect(actions(history)).toEqual([
      ['unlinked', 'c1', 'bsuid', B1, null, 'USER_CHANGED_USER_ID'],
      ['unlinked', 'c1', 'msisdn', M, null, 'USER_CHANGED_USER_ID'],
      ['merged', 'c1', null, null, null, 'USER_CHANGED_USER_ID'],
      ['unlinked', 'c2', 'bsuid', B2, null, 'USER_CHANGED_USER_ID'],
      ['linked', 'c1', 'bsuid', null, B2, 'USER_CHANGED_USER_ID'],
    ]);
  });

  it('joins a phone-only contact of the new number to the person (rule 3)', () => {
    const graph = newGraph();
    graph.apply(observation({ msisdn: M, bsuid: B1 }, 1));
    graph.apply(observation({ msisdn: M2 }, 2));
    graph.apply(changed({ msisdn: M2, bsuid: B2 }, 5, { previousBsuid: B1, phoneChanged: true }));
    expect(people(graph)).toEqual([{ id: 'c1', msisdn: M2, bsuid: B2, parentBsuid: null }]);
    expect(graph.get('c2')?.mergedInto).toBe('c1');
  });

  it('moves the new number away from the BSUID it was attested with before (rule 4)', () => {
    const graph = newGraph();
    graph.apply(observation({ msisdn: M, bsuid: B1 }, 1));
    graph.apply(observation({ msisdn: M2, bsuid: 'SE.3333' }, 2)); // a recycled number's former owner
    graph.apply(changed({ msisdn: M2, bsuid: B2 }, 5, { previousBsuid: B1, phoneChanged: true }));
    expect(people(graph)).toEqual([
      { id: 'c1', msisdn: M2, bsuid: B2, parentBsuid: null },
      { id: 'c2', msisdn: null, bsuid: 'SE.3333', parentBsuid: null },
    ]);
  });

  it('moves nothing when the previous BSUID was attested after the change (rule 5)', () => {
    const graph = newGraph();
    graph.apply(observation({ msisdn: M, bsuid: B1 }, 9));
    const { history } = graph.apply(changed({ bsuid: B2 }, 5, { previousBsuid: B1, phoneChanged: false }));
    expect(graph.get('c1')).toMatchObject({ msisdn: M, bsuid: B1 });
    expect(actions(history)[0]).toEqual(['stale', 'c1', 'bsuid', B1, B2, 'USER_CHANGED_USER_ID']);
  });

  it('takes the new identifiers as a first sighting when nobody held the previous BSUID', () => {
    const graph = newGraph();
    graph.apply(changed({ msisdn: M2, bsuid: B2 }, 5, { previousBsuid: B1, phoneChanged: true }));
    expect(people(graph)).toEqual([{ id: 'c1', msisdn: M2, bsuid: B2, parentBsuid: null }]);
  });

  it('finds a person known only by phone by the previous phone when nobody held the previous BSUID', () => {
    const graph = newGraph();
    graph.apply(observation({ msisdn: M }, 1)); // LINK or an import: the phone alone
    const { contact, history } = graph.apply(
      changed({ msisdn: M2, bsuid: B2 }, 5, { previousBsuid: B1, previousMsisdn: M, phoneChanged: true }),
    );
    expect(contact?.id).toBe('c1');
    expect(people(graph)).toEqual([{ id: 'c1', msisdn: M2, bsuid: B2, parentBsuid: null }]);
    expect(graph.holder('acme', 'msisdn', M)).toBeUndefined();
    expect(actions(history)).toEqual([
      ['unlinked', 'c1', 'msisdn', M, null, 'USER_CHANGED_NUMBER'],
      ['linked', 'c1', 'bsuid', null, B2, 'USER_CHANGED_NUMBER'],
      ['linked', 'c1', 'msisdn', null, M2, 'USER_CHANGED_NUMBER'],
    ]);
  });

  it('leaves the previous phone to another BSUID that holds it (somebody else)', () => {
    const graph = newGraph();
    graph.apply(observation({ msisdn: M, bsuid: 'SE.3333' }, 1));
    graph.apply(changed({ msisdn: M2, bsuid: B2 }, 5, { previousBsuid: B1, previousMsisdn: M, phoneChanged: true }));
    expect(people(graph)).toEqual([
      { id: 'c1', msisdn: M, bsuid: 'SE.3333', parentBsuid: null },
      { id: 'c2', msisdn: M2, bsuid: B2, parentBsuid: null },
    ]);
  });

  it('changes nothing when delivered again', () => {
    const graph = newGraph();
    graph.apply(observation({ msisdn: M, bsuid: B1 }, 1));
    const message = changed({ msisdn: M2, bsuid: B2 }, 5, { previousBsuid: B1, phoneChanged: true });
    graph.apply(message);
    const again = graph.apply(message);
    expect(again.history.filter((entry) => entry.action !== 'confirmed')).toEqual([]);
    expect(people(graph)).toEqual([{ id: 'c1', msisdn: M2, bsuid: B2, parentBsuid: null }]);
  });

  it('takes its place in event-time order, as every linking webhook', () => {
    expect(isTimeOrdered(changed({ bsuid: B2 }, 5, { previousBsuid: B1, phoneChanged: false }))).toBe(true);
  });

  describe('replayed from the log (rule 5)', () => {
    const live = (contacts: ReturnType<typeof replayComponent>['contacts']) =>
      contacts
        .filter((contact) => contact.mergedInto === null && (contact.msisdn || contact.bsuid || contact.parentBsuid))
        .map(({ id, msisdn, bsuid, parentBsuid }) => ({ id, msisdn, bsuid, parentBsuid }));
    let next = 0;
    const newId = () => `n${++next}`;

    it('keeps a late webhook with the previous BSUID and phone from bringing them back as a contact', () => {
      const first = observation({ msisdn: M, bsuid: B1, parentBsuid: P }, 1);
      const change = changed({ msisdn: M2, bsuid: B2, parentBsuid: P2 }, 5, {
        previousBsuid: B1,
        previousParentBsuid: P,
        phoneChanged: true,
      });
      const graph = newGraph();
      graph.apply(first);
      graph.apply(change);
      const late = observation({ msisdn: M, bsuid: B1 }, 3);
      // The log holds the change twice: under the new identifiers and under the previous ones.
      const replayed = replayComponent({ current: graph.contacts(), logged: [first, change, change], arriving: [late], newId });
      expect(live(replayed.contacts)).toEqual([{ id: 'c1', msisdn: M2, bsuid: B2, parentBsuid: P2 }]);
      expect(replayed.contactOf).toEqual(['c1']);
    });

    it('joins the contact a message with the new BSUID made when the change arrives after it', () => {
      const first = observation({ msisdn: M, bsuid: B1 }, 1);
      const newer = observation({ bsuid: B2 }, 7);
      const graph = newGraph();
      graph.apply(first);
      graph.apply(newer);
      const change = changed({ bsuid: B2 }, 5, { previousBsuid: B1, phoneChanged: false });
      const replayed = replayComponent({ current: graph.contacts(), logged: [first, newer], arriving: [change], newId });
      // One person: the replay keeps the id of the contact sharing the BSUID, the other resolves to it.
      expect(live(replayed.contacts)).toEqual([{ id: 'c2', msisdn: null, bsuid: B2, parentBsuid: null }]);
      expect(replayed.contacts.find((contact) => contact.id === 'c1')?.mergedInto).toBe('c2');
    });
  });
});
