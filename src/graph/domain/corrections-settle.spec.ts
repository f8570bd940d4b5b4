// acceptClaim and keepExisting: how an admin settles a conflict, by taking the claim or keeping what is there.
import { acceptClaim, keepExisting } from './corrections';
import { Evidence, HistoryEntry, Observation } from './observation';
import {
  ADMIN,
  applyAll,
  at,
  B1,
  B2,
  claim,
  contact,
  expectHolders,
  M,
  M2,
  newGraph,
  observation,
  reload,
  rows,
} from '../../../test/support/graph-builders';
import { IdentifierKind } from '../../identifiers/domain/identifier';

describe(acceptClaim.name, () => {
  const SETTLE_AT = at(20);
  const SETTLE: Evidence = { ...ADMIN, mergeEntryId: undefined, conflictId: 'k7', resolution: 'accept' };
  const settleRows = (history: HistoryEntry[]) => {
    for (const entry of history)
      expect(entry).toMatchObject({ strength: 'attested', evidence: SETTLE, eventAt: SETTLE_AT, snapshot: null });
  };

  it('moves a value another contact holds, and sends the old one to history', () => {
    const graph = newGraph();
    // c1: B1 with M2; c2: B2 with M. A card says B2's phone is M2: a conflict the admin accepts.
    applyAll(graph, [observation({ msisdn: M2, bsuid: B1 }, 1), observation({ msisdn: M, bsuid: B2 }, 2)]);
    const c2 = contact(graph, 'c2');

    const history = acceptClaim(graph, c2, 'msisdn', M2, SETTLE, SETTLE_AT);

    expect(c2).toMatchObject({ msisdn: M2, msisdnStrength: 'attested', msisdnAt: SETTLE_AT, bsuid: B2 });
    expect(contact(graph, 'c1')).toMatchObject({ msisdn: null, msisdnAt: null, msisdnStrength: null, bsuid: B1 });
    expect(rows(history)).toEqual([
      ['unlinked', 'c1', 'msisdn', M2, null, 'c2'],
      ['unlinked', 'c2', 'msisdn', M, null, null],
      ['linked', 'c2', 'msisdn', null, M2, 'c1'],
      ['settled', 'c2', 'msisdn', M, M2, 'c1'],
    ]);
    settleRows(history);
    expect(graph.changes().contacts.map((changed) => changed.id)).toEqual(expect.arrayContaining(['c1', 'c2']));
    expectHolders(graph, [
      ['msisdn', M2, 'c2'],
      ['msisdn', M, undefined],
      ['bsuid', B1, 'c1'],
      ['bsuid', B2, 'c2'],
    ]);
  });

  it('writes only the settlement when the contact already holds the value', () => {
    const graph = newGraph();
    applyAll(graph, [observation({ bsuid: B1 }, 1), claim({ bsuid: B1, msisdn: M }, 2)]);
    const c1 = contact(graph, 'c1');
    const before = { ...c1 };

    const history = acceptClaim(graph, c1, 'msisdn', M, SETTLE, SETTLE_AT);

    expect(rows(history)).toEqual([['settled', 'c1', 'msisdn', M, M, null]]);
    settleRows(history);
    expect(c1).toEqual(before);
    expectHolders(graph, [['msisdn', M, 'c1']]);
  });

  it('links a value nobody holds', () => {
    const graph = newGraph();
    // A forwarded card (may not fill gaps) said B1's phone is M: only a conflict until the admin accepts it.
    applyAll(graph, [
      observation({ bsuid: B1 }, 1),
      observation({ bsuid: B1, msisdn: M }, 2, { strength: 'claimed', activity: undefined, evidence: { kind: 'CONTACT_CARD' } }),
    ]);
    const c1 = contact(graph, 'c1');
    expect(c1.msisdn).toBeNull();

    const history = acceptClaim(graph, c1, 'msisdn', M, SETTLE, SETTLE_AT);

    expect(c1).toMatchObject({ msisdn: M, msisdnStrength: 'attested', msisdnAt: SETTLE_AT });
    expect(rows(history)).toEqual([
      ['linked', 'c1', 'msisdn', null, M, null],
      ['settled', 'c1', 'msisdn', null, M, null],
    ]);
    settleRows(history);
    expectHolders(graph, [['msisdn', M, 'c1']]);
  });

  it('replaces the contact’s own value when nobody else holds the accepted one', () => {
    const graph = newGraph();
    applyAll(graph, [observation({ msisdn: M, bsuid: B1 }, 1)]);
    const c1 = contact(graph, 'c1');

    const history = acceptClaim(graph, c1, 'msisdn', M2, SETTLE, SETTLE_AT);

    expect(rows(history)).toEqual([
      ['unlinked', 'c1', 'msisdn', M, null, null],
      ['linked', 'c1', 'msisdn', null, M2, null],
      ['settled', 'c1', 'msisdn', M, M2, null],
    ]);
    expectHolders(graph, [
      ['msisdn', M2, 'c1'],
      ['msisdn', M, undefined],
    ]);
  });
});

describe(keepExisting.name, () => {
  it.each<[string, Observation[], IdentifierKind, string | null]>([
    ['an attested phone against a card', [observation({ msisdn: M, bsuid: B1 }, 1), claim({ bsuid: B1, msisdn: M2 }, 2)], 'msisdn', M],
    [
      'an empty phone against a card',
      [
        observation({ bsuid: B1 }, 1),
        observation({ bsuid: B1, msisdn: M }, 2, { strength: 'claimed', activity: undefined, evidence: { kind: 'CONTACT_CARD' } }),
      ],
      'msisdn',
      null,
    ],
  ])('writes only a settled row and changes nothing: %s', (_, observations, field, kept) => {
    const ingested = newGraph();
    applyAll(ingested, observations);
    const graph = reload(ingested);
    const before = JSON.stringify(graph.contacts());
    const evidence: Evidence = { kind: 'ADMIN', admin: 'ops', conflictId: 'k8', resolution: 'keep' };

    const history = keepExisting(graph, contact(graph, 'c1'), field, evidence, at(20));

    expect(history).toEqual([
      {
        contactId: 'c1',
        portfolio: 'acme',
        action: 'settled',
        field,
        fromValue: kept,
        toValue: kept,
        otherContactId: null,
        snapshot: null,
        strength: 'attested',
        evidence,
        eventAt: at(20),
      },
    ]);
    expect(JSON.stringify(graph.contacts())).toBe(before);
    expect(graph.changes()).toEqual({ contacts: [], history });
    expectHolders(graph, [
      ['bsuid', B1, 'c1'],
      ['msisdn', M, kept === M ? 'c1' : undefined],
      ['msisdn', M2, undefined],
    ]);
  });
});
