/**
 * Builders and checks for the unit specs of the graph and its corrections: observations at fixed
 * minutes, a graph whose contacts are c1, c2, … in order of creation. They live under test/ so that the
 * production build (tsconfig.build.json leaves out test/ and *.spec.ts) never ships them.
 */
import { Graph } from '../../src/graph/domain/graph';
import { ContactState, Evidence, HistoryEntry, MergeSnapshot, Observation } from '../../src/graph/domain/observation';
import { IdentifierKind } from '../../src/identifiers/domain/identifier';

export const M = '+46701234567';
export const M2 = '+46709999999';
export const B1 = 'SE.1111';
export const B2 = 'SE.2222';
export const P = 'SE.ENT.9999';

export const at = (minute: number) => new Date(Date.UTC(2026, 5, 1, 12, minute));
export const ADMIN: Evidence = { kind: 'ADMIN', admin: 'ops', mergeEntryId: 'h42' };

type Ids = Partial<Pick<Observation, 'msisdn' | 'bsuid' | 'parentBsuid'>>;

export function observation(ids: Ids, minute: number, extra: Partial<Observation> = {}): Observation {
  return {
    portfolio: 'acme',
    ...ids,
    eventAt: at(minute),
    strength: 'attested',
    links: true,
    activity: 'inbound',
    evidence: { kind: 'MO', messageId: `m${minute}` },
    ...extra,
  };
}

/** A CRM import: a claim that may fill a gap. */
export const claim = (ids: Ids, minute: number) =>
  observation(ids, minute, { strength: 'claimed', fillsGaps: true, activity: undefined, evidence: { kind: 'IMPORT', importBatch: 'b1' } });

export function newGraph(contacts: ContactState[] = []): Graph {
  let next = 0;
  return new Graph(contacts, () => `c${++next}`);
}

/** Applies observations in order, returning the snapshot of the last merge they caused. */
export function applyAll(graph: Graph, observations: Observation[]): MergeSnapshot | undefined {
  let snapshot: MergeSnapshot | undefined;
  for (const obs of observations) {
    const merged = graph.apply(obs).history.find((entry) => entry.action === 'merged');
    if (merged) snapshot = merged.snapshot!;
  }
  return snapshot;
}

/** What the service does: loads the contacts afresh (nothing marked changed) to correct them. */
export function reload(graph: Graph): Graph {
  return newGraph(graph.contacts().map((contact) => ({ ...contact })));
}

export function contact(graph: Graph, id: string): ContactState {
  const found = graph.get(id);
  if (!found) throw new Error(`no contact ${id}`);
  return found;
}

export function rows(history: HistoryEntry[]) {
  return history.map((entry) => [entry.action, entry.contactId, entry.field, entry.fromValue, entry.toValue, entry.otherContactId]);
}

/** The index answers each value with the contact that holds it now, or nobody. */
export function expectHolders(graph: Graph, expected: Array<[IdentifierKind, string, string | undefined]>) {
  const actual = expected.map(([field, value]) => [field, value, graph.holder('acme', field, value)?.id]);
  expect(actual).toEqual(expected);
}
