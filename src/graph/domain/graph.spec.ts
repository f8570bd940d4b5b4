import { at, B1, B2, M, M2, newGraph, observation, P } from '../../../test/support/graph-builders';
import { Graph } from './graph';
import { HistoryEntry, isInvalid, Observation } from './observation';

/** The identifiers of each live (not merged-away) contact. */
function people(graph: Graph) {
  return graph
    .contacts()
    .filter((contact) => contact.mergedInto === null)
    .map(({ id, msisdn, bsuid, parentBsuid }) => ({ id, msisdn, bsuid, parentBsuid }));
}

function permutations<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((item, index) => permutations([...items.slice(0, index), ...items.slice(index + 1)]).map((rest) => [item, ...rest]));
}

function actions(history: HistoryEntry[]) {
  return history.map((entry) => [entry.action, entry.contactId, entry.field, entry.fromValue, entry.toValue]);
}

describe(Graph.name, () => {
  describe('rule 1: nothing known creates a contact', () => {
    it('creates one contact holding every identifier of the observation', () => {
      const graph = newGraph();
      const { contact, history } = graph.apply(observation({ msisdn: M, bsuid: B1, parentBsuid: P }, 1));
      expect(people(graph)).toEqual([{ id: 'c1', msisdn: M, bsuid: B1, parentBsuid: P }]);
      expect(contact?.lastInboundAt).toEqual(at(1));
      expect(actions(history)).toEqual([
        ['created', 'c1', null, null, null],
        ['linked', 'c1', 'bsuid', null, B1],
        ['linked', 'c1', 'parentBsuid', null, P],
        ['linked', 'c1', 'msisdn', null, M],
      ]);
    });
  });

  describe('rule 2: one contact holds some, it gains the rest', () => {
    it('adds a BSUID to a phone-only contact', () => {
      const graph = newGraph();
      graph.apply(observation({ msisdn: M }, 1));
      const { history } = graph.apply(observation({ msisdn: M, bsuid: B1 }, 2));
      expect(people(graph)).toEqual([{ id: 'c1', msisdn: M, bsuid: B1, parentBsuid: null }]);
      expect(actions(history)).toEqual([['linked', 'c1', 'bsuid', null, B1]]);
    });

    it('adds a phone to a BSUID-only contact', () => {
      const graph = newGraph();
      graph.apply(observation({ bsuid: B1, parentBsuid: P }, 1));
      graph.apply(observation({ msisdn: M, bsuid: B1 }, 2));
      expect(people(graph)).toEqual([{ id: 'c1', msisdn: M, bsuid: B1, parentBsuid: P }]);
    });
  });

  describe('rule 3: two contacts of one person merge into the older', () => {
    it('merges a BSUID-only contact into the older phone-only one', () => {
      const graph = newGraph();
      graph.apply(observation({ msisdn: M }, 1));
      graph.apply(observation({ bsuid: B1, parentBsuid: P }, 2));
      const { contact, history } = graph.apply(observation({ msisdn: M, bsuid: B1 }, 3, { activity: 'outbound' }));
      expect(people(graph)).toEqual([{ id: 'c1', msisdn: M, bsuid: B1, parentBsuid: P }]);
      expect(graph.get('c2')).toMatchObject({ mergedInto: 'c1', msisdn: null, bsuid: null, parentBsuid: null });
      expect(contact?.id).toBe('c1');
      expect(contact?.lastInboundAt).toEqual(at(2));
      expect(contact?.lastOutboundAt).toEqual(at(3));
      expect(history[0]).toEqual(
        expect.objectContaining({
          action: 'merged',
          contactId: 'c1',
          otherContactId: 'c2',
          snapshot: {
            survivor: expect.objectContaining({ id: 'c1', msisdn: M, bsuid: null, lastInboundAt: at(1) }),
            merged: expect.objectContaining({ id: 'c2', bsuid: B1, parentBsuid: P, bsuidAt: at(2) }),
          },
        }),
      );
      // Each identifier that moved is history of its own, on both contacts.
      expect(actions(history.slice(1))).toEqual([
        ['unlinked', 'c2', 'bsuid', B1, null],
        ['linked', 'c1', 'bsuid', null, B1],
        ['unlinked', 'c2', 'parentBsuid', P, null],
        ['linked', 'c1', 'parentBsuid', null, P],
      ]);
    });

    it('keeps the older contact whichever side the observation finds first', () => {
      const graph = newGraph();
      graph.apply(observation({ bsuid: B1 }, 1));
      graph.apply(observation({ msisdn: M }, 2));
      graph.apply(observation({ msisdn: M, bsuid: B1 }, 3));
      expect(people(graph)).toEqual([{ id: 'c1', msisdn: M, bsuid: B1, parentBsuid: null }]);
      expect(graph.get('c2')?.mergedInto).toBe('c1');
    });

    it.each([
      ['the merged contact', null, 'crm-2', 'crm-2'],
      ['the survivor, which keeps its own', 'crm-1', 'crm-2', 'crm-1'],
    ])("keeps the CRM's id of %s on the survivor", (_, survivorId, mergedId, kept) => {
      const graph = newGraph();
      graph.apply(observation({ bsuid: B1 }, 1)).contact!.externalId = survivorId;
      graph.apply(observation({ msisdn: M }, 2)).contact!.externalId = mergedId;
      graph.apply(observation({ msisdn: M, bsuid: B1 }, 3));
      expect(graph.get('c1')).toMatchObject({ msisdn: M, bsuid: B1, externalId: kept });
      expect(graph.get('c2')).toMatchObject({ mergedInto: 'c1', externalId: mergedId });
    });

    it('merges a parent-only contact into the BSUID contact', () => {
      const graph = newGraph();
      graph.apply(observation({ parentBsuid: P }, 1));
      graph.apply(observation({ bsuid: B1, msisdn: M }, 2));
      graph.apply(observation({ bsuid: B1, parentBsuid: P }, 3));
      expect(people(graph)).toEqual([{ id: 'c1', msisdn: M, bsuid: B1, parentBsuid: P }]);
    });
  });

  describe('rule 4: a phone seen with a new BSUID moves to it', () => {
    it('moves the phone to a new contact for the new BSUID and leaves the old one without a phone', () => {
      const graph = newGraph();
      graph.apply(observation({ msisdn: M, bsuid: B1 }, 1));
      const { history } = graph.apply(observation({ msisdn: M, bsuid: B2 }, 5));
      expect(people(graph)).toEqual([
        { id: 'c1', msisdn: null, bsuid: B1, parentBsuid: null },
        { id: 'c2', msisdn: M, bsuid: B2, parentBsuid: null },
      ]);
      expect(actions(history)).toEqual([
        ['created', 'c2', null, null, null],
        ['linked', 'c2', 'bsuid', null, B2],
        ['unlinked', 'c1', 'msisdn', M, null],
        ['linked', 'c2', 'msisdn', null, M],
      ]);
    });

    it('moves the phone to an existing BSUID-only contact', () => {
      const graph = newGraph();
      graph.apply(observation({ msisdn: M, bsuid: B1 }, 1));
      graph.apply(observation({ bsuid: B2 }, 2));
      graph.apply(observation({ msisdn: M, bsuid: B2 }, 5));
      expect(people(graph)).toEqual([
        { id: 'c1', msisdn: null, bsuid: B1, parentBsuid: null },
        { id: 'c2', msisdn: M, bsuid: B2, parentBsuid: null },
      ]);
    });

    it('never gives a BSUID a second phone: the clash is a conflict', () => {
      const graph = newGraph();
      graph.apply(observation({ msisdn: M, bsuid: B1 }, 1));
      const { history } = graph.apply(observation({ msisdn: M2, bsuid: B1 }, 2));
      expect(people(graph)).toEqual([{ id: 'c1', msisdn: M, bsuid: B1, parentBsuid: null }]);
      expect(actions(history)).toEqual([['conflict', 'c1', 'msisdn', M, M2]]);
    });
  });

  describe('rule 5: an older observation never undoes a newer link', () => {
    it('records a late pairing as stale and moves nothing', () => {
      const graph = newGraph();
      graph.apply(observation({ msisdn: M, bsuid: B1 }, 1));
      graph.apply(observation({ msisdn: M, bsuid: B2 }, 5));
      const { history } = graph.apply(observation({ msisdn: M, bsuid: B1 }, 3));
      expect(people(graph)).toEqual([
        { id: 'c1', msisdn: null, bsuid: B1, parentBsuid: null },
        { id: 'c2', msisdn: M, bsuid: B2, parentBsuid: null },
      ]);
      expect(actions(history)).toEqual([['stale', 'c2', 'msisdn', M, M]]);
    });

    it('lands on the same graph whichever order the two pairings arrive in', () => {
      const inOrder = newGraph();
      inOrder.apply(observation({ msisdn: M, bsuid: B1 }, 1));
      inOrder.apply(observation({ msisdn: M, bsuid: B2 }, 5));
      const late = newGraph();
      late.apply(observation({ msisdn: M, bsuid: B2 }, 5));
      late.apply(observation({ msisdn: M, bsuid: B1 }, 1));
      const byBsuid = (graph: Graph) =>
        people(graph)
          .map(({ bsuid, msisdn }) => ({ bsuid, msisdn }))
          .sort((a, b) => a.bsuid!.localeCompare(b.bsuid!));
      expect(byBsuid(late)).toEqual(byBsuid(inOrder));
    });
  });

  describe('rule 6: the same observation again changes nothing', () => {
    it('writes no history the second time', () => {
      const graph = newGraph();
      const obs = observation({ msisdn: M, bsuid: B1, parentBsuid: P }, 1);
      graph.apply(obs);
      const before = JSON.stringify(graph.contacts());
      expect(graph.apply(obs).history).toEqual([]);
      expect(JSON.stringify(graph.contacts())).toBe(before);
    });
  });

  describe('rule 8: claimed links fill gaps but never merge or move', () => {
    const claim = (ids: Partial<Pick<Observation, 'msisdn' | 'bsuid' | 'parentBsuid'>>, minute: number) =>
      observation(ids, minute, { strength: 'claimed', fillsGaps: true, activity: undefined, evidence: { kind: 'IMPORT' } });

    it('fills a gap', () => {
      const graph = newGraph();
      graph.apply(observation({ bsuid: B1 }, 1));
      const { history } = graph.apply(claim({ bsuid: B1, msisdn: M }, 2));
      expect(people(graph)).toEqual([{ id: 'c1', msisdn: M, bsuid: B1, parentBsuid: null }]);
      expect(history).toEqual([expect.objectContaining({ action: 'linked', strength: 'claimed', toValue: M })]);
    });

    it('keeps a clash with an attested link as a conflict', () => {
      const graph = newGraph();
      graph.apply(observation({ msisdn: M, bsuid: B1 }, 1));
      graph.apply(observation({ bsuid: B2 }, 2));
      const { history } = graph.apply(claim({ bsuid: B2, msisdn: M }, 3));
      expect(people(graph)).toEqual([
        { id: 'c1', msisdn: M, bsuid: B1, parentBsuid: null },
        { id: 'c2', msisdn: null, bsuid: B2, parentBsuid: null },
      ]);
      expect(actions(history)).toEqual([['conflict', 'c2', 'msisdn', null, M]]);
      expect(history[0].otherContactId).toBe('c1');
    });

    it('does not merge two contacts', () => {
      const graph = newGraph();
      graph.apply(observation({ msisdn: M }, 1));
      graph.apply(observation({ bsuid: B1 }, 2));
      graph.apply(claim({ bsuid: B1, msisdn: M }, 3));
      expect(people(graph)).toHaveLength(2);
    });

    it('does not overwrite a different value', () => {
      const graph = newGraph();
      graph.apply(observation({ msisdn: M, bsuid: B1 }, 1));
      const { history } = graph.apply(claim({ bsuid: B1, msisdn: M2 }, 2));
      expect(people(graph)).toEqual([{ id: 'c1', msisdn: M, bsuid: B1, parentBsuid: null }]);
      expect(actions(history)).toEqual([['conflict', 'c1', 'msisdn', M, M2]]);
    });

    it('gives way to attested evidence, which replaces the claimed link', () => {
      const graph = newGraph();
      graph.apply(observation({ bsuid: B1 }, 1));
      graph.apply(claim({ bsuid: B1, msisdn: M2 }, 2));
      const { history } = graph.apply(observation({ bsuid: B1, msisdn: M }, 3));
      expect(people(graph)).toEqual([{ id: 'c1', msisdn: M, bsuid: B1, parentBsuid: null }]);
      expect(actions(history)).toEqual([
        ['unlinked', 'c1', 'msisdn', M2, null],
        ['linked', 'c1', 'msisdn', null, M],
      ]);
      expect(graph.get('c1')?.msisdnStrength).toBe('attested');
    });

    it('does not stop an attested merge', () => {
      const graph = newGraph();
      graph.apply(observation({ msisdn: M }, 1));
      graph.apply(observation({ bsuid: B1 }, 2));
      graph.apply(claim({ bsuid: B1, msisdn: M2 }, 3));
      graph.apply(observation({ bsuid: B1, msisdn: M }, 4));
      expect(people(graph)).toEqual([{ id: 'c1', msisdn: M, bsuid: B1, parentBsuid: null }]);
    });

    it('becomes attested when Meta attests the same pairing', () => {
      const graph = newGraph();
      graph.apply(observation({ bsuid: B1 }, 1));
      graph.apply(claim({ bsuid: B1, msisdn: M }, 2));
      const { history } = graph.apply(observation({ bsuid: B1, msisdn: M }, 3));
      expect(actions(history)).toEqual([['confirmed', 'c1', 'msisdn', M, M]]);
      expect(graph.get('c1')).toMatchObject({ msisdnStrength: 'attested', msisdnAt: at(3) });
    });

    it('keeps a claim that may not fill gaps (a forwarded card) as a conflict only', () => {
      const graph = newGraph();
      graph.apply(observation({ bsuid: B1 }, 1));
      const card = observation({ bsuid: B1, msisdn: M }, 2, {
        strength: 'claimed',
        activity: undefined,
        evidence: { kind: 'CONTACT_CARD' },
      });
      const { history } = graph.apply(card);
      expect(people(graph)).toEqual([{ id: 'c1', msisdn: null, bsuid: B1, parentBsuid: null }]);
      expect(actions(history)).toEqual([['conflict', 'c1', 'msisdn', null, M]]);
      expect(graph.apply({ ...card, bsuid: B2 }).history).toEqual([]);
      expect(people(graph)).toHaveLength(1);
    });
  });

  describe('rule 5, the time of a link is its latest attestation', () => {
    const finalOwner = (order: Observation[]) => {
      const graph = newGraph();
      order.forEach((obs) => graph.apply(obs));
      return people(graph).find((contact) => contact.msisdn === M)?.bsuid;
    };

    it.each([
      [
        'a phone first seen alone',
        [observation({ msisdn: M }, 1), observation({ msisdn: M, bsuid: B1 }, 3), observation({ msisdn: M, bsuid: B2 }, 5)],
      ],
      [
        'a pairing seen twice',
        [observation({ msisdn: M, bsuid: B1 }, 1), observation({ msisdn: M, bsuid: B1 }, 5), observation({ msisdn: M, bsuid: B2 }, 4)],
      ],
      ['two pairings at the same instant', [observation({ msisdn: M, bsuid: B1 }, 1), observation({ msisdn: M, bsuid: B2 }, 1)]],
    ])('lands on one owner in every arrival order: %s', (_, observations) => {
      const owners = permutations(observations).map(finalOwner);
      expect(new Set(owners).size).toBe(1);
    });
  });

  describe('an observation that does not link (a failed DLR)', () => {
    it('updates the status of the contact it finds and creates nothing', () => {
      const graph = newGraph();
      graph.apply(observation({ bsuid: B1 }, 1));
      const { contact, history } = graph.apply(observation({ bsuid: B1, msisdn: M }, 2, { links: false, activity: 'invalid' }));
      expect(contact?.invalidAt).toEqual(at(2));
      expect(history).toEqual([]);
      expect(people(graph)).toEqual([{ id: 'c1', msisdn: null, bsuid: B1, parentBsuid: null }]);
      expect(graph.apply(observation({ msisdn: M2 }, 3, { links: false })).contact).toBeUndefined();
      expect(graph.contacts()).toHaveLength(1);
    });
  });

  it('keeps portfolios apart', () => {
    const graph = newGraph();
    graph.apply(observation({ msisdn: M, bsuid: B1 }, 1));
    graph.apply(observation({ msisdn: M, bsuid: B2 }, 2, { portfolio: 'other' }));
    expect(people(graph)).toEqual([
      { id: 'c1', msisdn: M, bsuid: B1, parentBsuid: null },
      { id: 'c2', msisdn: M, bsuid: B2, parentBsuid: null },
    ]);
  });
});

describe(isInvalid.name, () => {
  it.each([
    [{ invalidAt: null, lastInboundAt: null, lastOutboundAt: null }, false],
    [{ invalidAt: at(2), lastInboundAt: null, lastOutboundAt: at(1) }, true],
    [{ invalidAt: at(2), lastInboundAt: at(3), lastOutboundAt: null }, false],
    [{ invalidAt: at(2), lastInboundAt: null, lastOutboundAt: at(4) }, false],
  ])('%j → %s', (contact, expected) => {
    expect(isInvalid(contact)).toBe(expected);
  });
});
