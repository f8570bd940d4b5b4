// splitMerge: undoing a merge from its snapshot, and what stays with a contact a later relink reached.
import { splitMerge } from './corrections';
import { ContactState, HistoryEntry, MergeSnapshot, Observation } from './observation';
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
  P,
  reload,
  rows,
} from '../../../test/support/graph-builders';
import { IdentifierKind } from '../../identifiers/domain/identifier';

const SPLIT_AT = at(30);

/** Every row of an admin's correction is attested, by the admin, at the time of the correction. */
function expectAdminRows(history: HistoryEntry[], when: Date = SPLIT_AT) {
  for (const entry of history) {
    expect(entry).toMatchObject({ portfolio: 'acme', strength: 'attested', evidence: ADMIN, eventAt: when, snapshot: null });
  }
}

const links = ({ msisdn, bsuid, parentBsuid, mergedInto }: ContactState) => ({ msisdn, bsuid, parentBsuid, mergedInto });
const asStored = (snapshot: MergeSnapshot): MergeSnapshot => JSON.parse(JSON.stringify(snapshot));
const snapshotForms: Array<[string, (snapshot: MergeSnapshot) => MergeSnapshot]> = [
  ['as written', (snapshot) => snapshot],
  ['read back from jsonb', asStored],
];

/** c1 knows the phone, c2 the BSUID and parent; an MO pairing phone and BSUID merges c2 into c1. */
function phoneAndBsuidMerged() {
  const graph = newGraph();
  const snapshot = applyAll(graph, [
    observation({ msisdn: M }, 1),
    observation({ bsuid: B1, parentBsuid: P }, 2),
    observation({ msisdn: M, bsuid: B1 }, 3),
  ])!;
  return { graph, snapshot };
}

describe(splitMerge.name, () => {
  it('gives the merged contact back what it brought, as strong and as old as it was', () => {
    const { graph: ingested, snapshot } = phoneAndBsuidMerged();
    expect(snapshot).toMatchObject({ survivor: { id: 'c1' }, merged: { id: 'c2' } });
    const graph = reload(ingested);
    const c1 = contact(graph, 'c1');

    const outcome = splitMerge(graph, snapshot, c1, ADMIN, SPLIT_AT);

    expect(contact(graph, 'c2')).toMatchObject({
      mergedInto: null,
      msisdn: null,
      bsuid: B1,
      bsuidAt: at(2),
      bsuidStrength: 'attested',
      parentBsuid: P,
      parentBsuidAt: at(2),
      parentBsuidStrength: 'attested',
    });
    expect(c1).toMatchObject({
      mergedInto: null,
      msisdn: M,
      msisdnStrength: 'attested',
      bsuid: null,
      bsuidAt: null,
      bsuidStrength: null,
      parentBsuid: null,
    });
    expect(outcome.restored).toEqual(['bsuid', 'parentBsuid']);
    expect(outcome.keptElsewhere).toEqual([]);
    expect(rows(outcome.history)).toEqual([
      ['unlinked', 'c1', 'bsuid', B1, null, 'c2'],
      ['linked', 'c2', 'bsuid', null, B1, 'c1'],
      ['unlinked', 'c1', 'parentBsuid', P, null, 'c2'],
      ['linked', 'c2', 'parentBsuid', null, P, 'c1'],
      ['split', 'c1', null, null, null, 'c2'],
      ['split', 'c2', null, null, null, 'c1'],
    ]);
    expectAdminRows(outcome.history);
    expect(
      graph
        .changes()
        .contacts.map((changed) => changed.id)
        .sort(),
    ).toEqual(['c1', 'c2']);
    expectHolders(graph, [
      ['msisdn', M, 'c1'],
      ['bsuid', B1, 'c2'],
      ['parentBsuid', P, 'c2'],
    ]);
  });

  it("gives the CRM's id the survivor took over back to the merged contact only", () => {
    const graph = newGraph();
    graph.apply(observation({ msisdn: M }, 1));
    graph.apply(observation({ bsuid: B1 }, 2)).contact!.externalId = 'crm-2';
    const snapshot = applyAll(graph, [observation({ msisdn: M, bsuid: B1 }, 3)])!;
    expect(contact(graph, 'c1').externalId).toBe('crm-2');

    splitMerge(graph, asStored(snapshot), contact(graph, 'c1'), ADMIN, SPLIT_AT);
    expect(contact(graph, 'c1').externalId).toBeNull();
    expect(contact(graph, 'c2').externalId).toBe('crm-2');
  });

  it('writes back the holder whose CRM id goes back, even when every identifier the merged contact brought stays elsewhere', () => {
    const ingested = newGraph();
    ingested.apply(observation({ msisdn: M, bsuid: B1 }, 1));
    ingested.apply(observation({ parentBsuid: P }, 2)).contact!.externalId = 'crm-2';
    const snapshot = applyAll(ingested, [observation({ msisdn: M, parentBsuid: P }, 3), observation({ bsuid: B2, parentBsuid: P }, 4)])!;
    expectHolders(ingested, [['parentBsuid', P, 'c3']]);
    const graph = reload(ingested);

    const outcome = splitMerge(graph, asStored(snapshot), contact(graph, 'c1'), ADMIN, SPLIT_AT);

    expect(outcome.keptElsewhere).toEqual(['parentBsuid']);
    expect(contact(graph, 'c1').externalId).toBeNull();
    expect(
      graph
        .changes()
        .contacts.map((changed) => changed.id)
        .sort(),
    ).toEqual(['c1', 'c2']);
  });

  it('leaves a graph that the webhooks keep working on: each identifier finds its own contact again', () => {
    const { graph, snapshot } = phoneAndBsuidMerged();
    splitMerge(graph, snapshot, contact(graph, 'c1'), ADMIN, SPLIT_AT);
    expect(graph.apply(observation({ bsuid: B1 }, 40)).contact?.id).toBe('c2');
    expect(graph.apply(observation({ msisdn: M }, 41)).contact?.id).toBe('c1');
  });

  it('works the same on a snapshot read back from jsonb, and restores Date objects', () => {
    const written = phoneAndBsuidMerged();
    const stored = phoneAndBsuidMerged();
    const fromJson = asStored(stored.snapshot);
    expect(typeof fromJson.merged.bsuidAt).toBe('string');

    const expected = splitMerge(written.graph, written.snapshot, contact(written.graph, 'c1'), ADMIN, SPLIT_AT);
    const outcome = splitMerge(stored.graph, fromJson, contact(stored.graph, 'c1'), ADMIN, SPLIT_AT);

    expect(outcome).toEqual(expected);
    expect(stored.graph.contacts()).toEqual(written.graph.contacts());
    const c2 = contact(stored.graph, 'c2');
    for (const key of ['bsuidAt', 'parentBsuidAt', 'firstSeenAt', 'lastSeenAt', 'lastInboundAt'] as const) {
      expect(c2[key]).toBeInstanceOf(Date);
    }
    expect(c2.bsuidAt).toEqual(at(2));
    expectHolders(stored.graph, [
      ['msisdn', M, 'c1'],
      ['bsuid', B1, 'c2'],
      ['parentBsuid', P, 'c2'],
    ]);
  });

  describe('an identifier a later relink gave to a third contact stays there', () => {
    it.each<
      [
        string,
        Observation[],
        Partial<ContactState>,
        Partial<ContactState>,
        IdentifierKind[],
        IdentifierKind[],
        Array<[IdentifierKind, string, string | undefined]>,
      ]
    >([
      [
        'the phone the merged contact brought, since seen with a new BSUID',
        [
          observation({ bsuid: B1 }, 1),
          observation({ msisdn: M }, 2),
          observation({ msisdn: M, bsuid: B1 }, 3),
          observation({ msisdn: M, bsuid: B2 }, 5),
        ],
        { msisdn: null, bsuid: null, parentBsuid: null, mergedInto: null },
        { msisdn: M, bsuid: B2, parentBsuid: null, mergedInto: null },
        [],
        ['msisdn'],
        [
          ['msisdn', M, 'c3'],
          ['bsuid', B1, 'c1'],
          ['bsuid', B2, 'c3'],
        ],
      ],
      [
        'the parent BSUID the merged contact brought, since seen with another BSUID',
        [
          observation({ msisdn: M }, 1),
          observation({ bsuid: B1, parentBsuid: P }, 2),
          observation({ msisdn: M, bsuid: B1 }, 3),
          observation({ bsuid: B2, parentBsuid: P }, 5),
        ],
        { msisdn: null, bsuid: B1, parentBsuid: null, mergedInto: null },
        { msisdn: null, bsuid: B2, parentBsuid: P, mergedInto: null },
        ['bsuid'],
        ['parentBsuid'],
        [
          ['msisdn', M, 'c1'],
          ['bsuid', B1, 'c2'],
          ['bsuid', B2, 'c3'],
          ['parentBsuid', P, 'c3'],
        ],
      ],
    ])('%s', (_, observations, merged, third, restored, keptElsewhere, holders) => {
      const graph = newGraph();
      const snapshot = applyAll(graph, observations)!;
      expect(snapshot).toMatchObject({ survivor: { id: 'c1' }, merged: { id: 'c2' } });

      const outcome = splitMerge(graph, snapshot, contact(graph, 'c1'), ADMIN, SPLIT_AT);

      expect(links(contact(graph, 'c2'))).toEqual(merged);
      expect(links(contact(graph, 'c3'))).toEqual(third);
      expect(outcome.restored).toEqual(restored);
      expect(outcome.keptElsewhere).toEqual(keptElsewhere);
      expect(outcome.history.filter((entry) => entry.contactId === 'c3')).toEqual([]);
      expect(outcome.history.slice(-2).map((entry) => entry.action)).toEqual(['split', 'split']);
      expectHolders(graph, holders);
    });
  });

  /** c1 has B1 and a claimed phone M2; c2 has M; an MO pairing M with B1 merges c2 in, and M (attested) displaces M2. */
  const claimedPhoneDisplaced = [
    observation({ bsuid: B1 }, 1),
    claim({ bsuid: B1, msisdn: M2 }, 2),
    observation({ msisdn: M }, 3),
    observation({ msisdn: M, bsuid: B1 }, 4),
  ];

  it.each(snapshotForms)('gives the survivor back the claimed value the merge displaced (snapshot %s)', (_, form) => {
    const graph = newGraph();
    const snapshot = applyAll(graph, claimedPhoneDisplaced)!;
    expect(snapshot.survivor).toMatchObject({ id: 'c1', msisdn: M2, msisdnStrength: 'claimed' });
    expect(contact(graph, 'c1').msisdn).toBe(M);

    const outcome = splitMerge(graph, form(snapshot), contact(graph, 'c1'), ADMIN, SPLIT_AT);

    expect(contact(graph, 'c1')).toMatchObject({ msisdn: M2, msisdnStrength: 'claimed', msisdnAt: at(2), bsuid: B1 });
    expect(contact(graph, 'c2')).toMatchObject({ msisdn: M, msisdnStrength: 'attested', msisdnAt: at(3), mergedInto: null });
    expect(contact(graph, 'c1').msisdnAt).toBeInstanceOf(Date);
    expect(outcome.restored).toEqual(['msisdn']);
    expect(rows(outcome.history)).toEqual([
      ['unlinked', 'c1', 'msisdn', M, null, 'c2'],
      ['linked', 'c2', 'msisdn', null, M, 'c1'],
      ['linked', 'c1', 'msisdn', null, M2, null],
      ['split', 'c1', null, null, null, 'c2'],
      ['split', 'c2', null, null, null, 'c1'],
    ]);
    expectAdminRows(outcome.history);
    expectHolders(graph, [
      ['msisdn', M, 'c2'],
      ['msisdn', M2, 'c1'],
      ['bsuid', B1, 'c1'],
    ]);
  });

  // The survivor's displaced value comes back even when the merged contact's value has moved on.
  it('gives the survivor back its displaced value even when a relink took the merged value on', () => {
    const graph = newGraph();
    const snapshot = applyAll(graph, [...claimedPhoneDisplaced, observation({ msisdn: M, bsuid: B2 }, 6)])!;
    expect(links(contact(graph, 'c3'))).toEqual({ msisdn: M, bsuid: B2, parentBsuid: null, mergedInto: null });

    const outcome = splitMerge(graph, snapshot, contact(graph, 'c1'), ADMIN, SPLIT_AT);

    expect(outcome.keptElsewhere).toEqual(['msisdn']);
    expect(contact(graph, 'c1')).toMatchObject({ msisdn: M2, msisdnStrength: 'claimed', msisdnAt: at(2) });
    expectHolders(graph, [['msisdn', M2, 'c1']]);
  });

  it("gives the merged contact back its claimed value that the survivor's attested one beat", () => {
    const graph = newGraph();
    const snapshot = applyAll(graph, [
      observation({ msisdn: M }, 1),
      observation({ bsuid: B1 }, 2),
      claim({ bsuid: B1, msisdn: M2 }, 3),
      observation({ msisdn: M, bsuid: B1 }, 4),
    ])!;
    expect(snapshot).toMatchObject({ survivor: { id: 'c1', msisdn: M }, merged: { id: 'c2', msisdn: M2, msisdnStrength: 'claimed' } });
    expectHolders(graph, [['msisdn', M2, undefined]]);

    const outcome = splitMerge(graph, snapshot, contact(graph, 'c1'), ADMIN, SPLIT_AT);

    expect(contact(graph, 'c2')).toMatchObject({ msisdn: M2, msisdnStrength: 'claimed', msisdnAt: at(3), bsuid: B1, mergedInto: null });
    expect(links(contact(graph, 'c1'))).toEqual({ msisdn: M, bsuid: null, parentBsuid: null, mergedInto: null });
    expect(outcome.restored).toEqual(['bsuid', 'msisdn']);
    expect(rows(outcome.history)).toEqual([
      ['unlinked', 'c1', 'bsuid', B1, null, 'c2'],
      ['linked', 'c2', 'bsuid', null, B1, 'c1'],
      ['linked', 'c2', 'msisdn', null, M2, 'c1'],
      ['split', 'c1', null, null, null, 'c2'],
      ['split', 'c2', null, null, null, 'c1'],
    ]);
    expectHolders(graph, [
      ['msisdn', M, 'c1'],
      ['msisdn', M2, 'c2'],
      ['bsuid', B1, 'c2'],
    ]);
  });

  it('splits from the contact the survivor was merged into later', () => {
    const graph = newGraph();
    // c1 knows the parent, c2 the phone, c3 the BSUID; c3 merges into c2, then c2 into c1.
    const first = applyAll(graph, [
      observation({ parentBsuid: P }, 0),
      observation({ msisdn: M }, 1),
      observation({ bsuid: B1 }, 2),
      observation({ msisdn: M, bsuid: B1 }, 3),
    ])!;
    expect(first).toMatchObject({ survivor: { id: 'c2' }, merged: { id: 'c3' } });
    applyAll(graph, [observation({ bsuid: B1, parentBsuid: P }, 4)]);
    expect(contact(graph, 'c2').mergedInto).toBe('c1');
    const c1 = contact(graph, 'c1');

    const outcome = splitMerge(graph, first, c1, ADMIN, SPLIT_AT);

    expect(links(contact(graph, 'c3'))).toEqual({ msisdn: null, bsuid: B1, parentBsuid: null, mergedInto: null });
    expect(contact(graph, 'c3')).toMatchObject({ bsuidAt: at(2), bsuidStrength: 'attested' });
    expect(links(c1)).toEqual({ msisdn: M, bsuid: null, parentBsuid: P, mergedInto: null });
    expect(links(contact(graph, 'c2'))).toEqual({ msisdn: null, bsuid: null, parentBsuid: null, mergedInto: 'c1' });
    expect(outcome).toMatchObject({ restored: ['bsuid'], keptElsewhere: [] });
    expect(rows(outcome.history)).toEqual([
      ['unlinked', 'c1', 'bsuid', B1, null, 'c3'],
      ['linked', 'c3', 'bsuid', null, B1, 'c1'],
      ['split', 'c1', null, null, null, 'c3'],
      ['split', 'c3', null, null, null, 'c1'],
    ]);
    expectHolders(graph, [
      ['msisdn', M, 'c1'],
      ['bsuid', B1, 'c3'],
      ['parentBsuid', P, 'c1'],
    ]);
  });

  // Same root cause as above: the displaced value returns only when the holder is the survivor itself.
  it('gives the displaced value back to the contact the survivor was merged into later', () => {
    const graph = newGraph();
    // c1 knows the parent; c2 has B1 and a claimed M2; c3 has M. c3 merges into c2 (M displaces M2), then c2 into c1.
    const first = applyAll(graph, [observation({ parentBsuid: P }, 0), ...claimedPhoneDisplaced])!;
    expect(first).toMatchObject({ survivor: { id: 'c2', msisdn: M2 }, merged: { id: 'c3', msisdn: M } });
    applyAll(graph, [observation({ bsuid: B1, parentBsuid: P }, 5)]);
    expect(contact(graph, 'c2').mergedInto).toBe('c1');

    splitMerge(graph, first, contact(graph, 'c1'), ADMIN, SPLIT_AT);

    expect(links(contact(graph, 'c1'))).toEqual({ msisdn: M2, bsuid: B1, parentBsuid: P, mergedInto: null });
  });

  it("brings back the merged contact's own activity; the holder keeps what was recorded on it", () => {
    const graph = newGraph();
    const snapshot = applyAll(graph, [
      observation({ msisdn: M }, 1),
      observation({ bsuid: B1 }, 2),
      observation({ bsuid: B1 }, 4, { activity: 'outbound', evidence: { kind: 'DLR', messageId: 'd4' } }),
      observation({ bsuid: B1 }, 5, { links: false, activity: 'invalid', evidence: { kind: 'DLR', messageId: 'd5', resultCode: 112404 } }),
      observation({ msisdn: M, bsuid: B1 }, 6),
      observation({ msisdn: M }, 8),
    ])!;
    expect(snapshot.merged).toMatchObject({ id: 'c2', lastInboundAt: at(2), lastOutboundAt: at(4), invalidAt: at(5) });

    splitMerge(graph, asStored(snapshot), contact(graph, 'c1'), ADMIN, SPLIT_AT);

    const activity = ({ firstSeenAt, lastSeenAt, lastInboundAt, lastOutboundAt, invalidAt }: ContactState) => ({
      firstSeenAt,
      lastSeenAt,
      lastInboundAt,
      lastOutboundAt,
      invalidAt,
    });
    expect(activity(contact(graph, 'c2'))).toEqual({
      firstSeenAt: at(2),
      lastSeenAt: at(5),
      lastInboundAt: at(2),
      lastOutboundAt: at(4),
      invalidAt: at(5),
    });
    expect(activity(contact(graph, 'c1'))).toEqual({
      firstSeenAt: at(1),
      lastSeenAt: at(8),
      lastInboundAt: at(8),
      lastOutboundAt: at(4),
      invalidAt: at(5),
    });
  });

  it('refuses a snapshot whose merged contact is not loaded', () => {
    const { snapshot } = phoneAndBsuidMerged();
    const graph = newGraph([{ ...snapshot.survivor }]);
    expect(() => splitMerge(graph, snapshot, contact(graph, 'c1'), ADMIN, SPLIT_AT)).toThrow('merged contact c2 is not loaded');
  });
});
