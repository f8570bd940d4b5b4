/**
 * An admin's corrections to the graph: splitting a merge (rule 9) and settling a conflict
 * (rule 8). Pure code over the same in-memory Graph the webhooks use; the service loads and locks
 * every contact involved and writes back the graph's changes, the history answered here included.
 */
import { Graph } from './graph';
import { ContactState, Evidence, HistoryAction, HistoryEntry, historyEntry, LINKED_AT, MergeSnapshot, STRENGTH_OF } from './observation';
import { IDENTIFIER_KINDS, IdentifierKind } from '../../identifiers/domain/identifier';

export interface SplitOutcome {
  history: HistoryEntry[];
  /** The merged contact's identifiers that came back to it. */
  restored: IdentifierKind[];
  /** Those that did not: later evidence gave them to a third contact, which keeps them. */
  keptElsewhere: IdentifierKind[];
}

/**
 * Splits a merge: the merged contact comes back with the identifiers it brought, unless later
 * evidence moved one to a third contact (that link is newer than the merge and stays). A value
 * of the survivor that the merge displaced returns to it. Both contacts get a `split` row.
 *
 * `holder` is the contact that holds the merge's result now: the survivor, or whatever the
 * survivor was merged into later.
 */
export function splitMerge(graph: Graph, snapshot: MergeSnapshot, holder: ContactState, evidence: Evidence, at: Date): SplitOutcome {
  const merged = graph.get(snapshot.merged.id);
  if (!merged) throw new Error(`merged contact ${snapshot.merged.id} is not loaded`);
  const log = new HistoryLog(graph, evidence, at);
  const outcome: SplitOutcome = { history: log.entries, restored: [], keptElsewhere: [] };
  graph.edit(merged, { mergedInto: null });

  for (const field of IDENTIFIER_KINDS) {
    const value = snapshot.merged[field];
    if (value === null) continue;
    const current = graph.holder(merged.portfolio, field, value);
    if (current && current !== holder && current !== merged) {
      outcome.keptElsewhere.push(field);
      continue;
    }
    if (current === holder) {
      graph.setLink(holder, field, null, null, null);
      log.write(holder, 'unlinked', field, value, null, merged.id);
    }
    if (current !== merged) {
      graph.setLink(merged, field, value, toDate(snapshot.merged[LINKED_AT[field]]), snapshot.merged[STRENGTH_OF[field]]);
      log.write(merged, 'linked', field, null, value, holder.id);
    }
    outcome.restored.push(field);
  }
  for (const field of IDENTIFIER_KINDS) restoreDisplaced(graph, log, snapshot, holder, field);
  // The merged contact's own activity comes back as it was; what happened after the merge was
  // recorded on the survivor, which keeps it (it cannot tell whose it was).
  graph.edit(merged, {
    firstSeenAt: new Date(snapshot.merged.firstSeenAt),
    lastSeenAt: new Date(snapshot.merged.lastSeenAt),
    lastInboundAt: toDate(snapshot.merged.lastInboundAt),
    lastOutboundAt: toDate(snapshot.merged.lastOutboundAt),
    invalidAt: toDate(snapshot.merged.invalidAt),
  });
  // A CRM id the survivor took over from the merged contact goes back with it.
  if (holder.id === snapshot.survivor.id && holder.externalId === snapshot.merged.externalId && !snapshot.survivor.externalId) {
    graph.edit(holder, { externalId: snapshot.survivor.externalId ?? null });
  }

  log.write(holder, 'split', null, null, null, merged.id);
  log.write(merged, 'split', null, null, null, holder.id);
  return outcome;
}

/**
 * The survivor's own value that the merge replaced (a claimed one) goes back to the holder, when
 * the holder has none for that field now and nobody else took the value since.
 */
function restoreDisplaced(graph: Graph, log: HistoryLog, snapshot: MergeSnapshot, holder: ContactState, field: IdentifierKind): void {
  const own = snapshot.survivor[field];
  const displaced = own !== null && snapshot.merged[field] !== null && snapshot.merged[field] !== own;
  if (!displaced || holder[field] !== null || graph.holder(holder.portfolio, field, own)) return;
  graph.setLink(holder, field, own, toDate(snapshot.survivor[LINKED_AT[field]]), snapshot.survivor[STRENGTH_OF[field]]);
  log.write(holder, 'linked', field, null, own, null);
}

/**
 * Settles a conflict by accepting the claim: `contact` gets `value` as its `field`, taken from
 * whichever contact holds it now, and the value it had goes to history. An admin vouched for
 * it, so the link counts as attested: later webhooks can move it like any link Meta attested.
 */
export function acceptClaim(
  graph: Graph,
  contact: ContactState,
  field: IdentifierKind,
  value: string,
  evidence: Evidence,
  at: Date,
): HistoryEntry[] {
  const log = new HistoryLog(graph, evidence, at);
  const existing = contact[field];
  const current = graph.holder(contact.portfolio, field, value);
  if (current !== contact) {
    if (current) {
      graph.setLink(current, field, null, null, null);
      log.write(current, 'unlinked', field, value, null, contact.id);
    }
    if (existing !== null) {
      graph.setLink(contact, field, null, null, null);
      log.write(contact, 'unlinked', field, existing, null, null);
    }
    graph.setLink(contact, field, value, at, 'attested');
    log.write(contact, 'linked', field, null, value, current?.id ?? null);
  }
  log.write(contact, 'settled', field, existing, value, current && current !== contact ? current.id : null);
  return log.entries;
}

/** Settles a conflict by keeping what the contact has: only the settlement is history. */
export function keepExisting(graph: Graph, contact: ContactState, field: IdentifierKind, evidence: Evidence, at: Date): HistoryEntry[] {
  const log = new HistoryLog(graph, evidence, at);
  log.write(contact, 'settled', field, contact[field], contact[field], null);
  return log.entries;
}

/** History rows of an admin's correction, recorded in the graph: attested by the admin, at the time of the correction. */
class HistoryLog {
  readonly entries: HistoryEntry[] = [];

  constructor(
    private readonly graph: Graph,
    private readonly evidence: Evidence,
    private readonly at: Date,
  ) {}

  write(
    contact: ContactState,
    action: HistoryAction,
    field: IdentifierKind | null,
    fromValue: string | null,
    toValue: string | null,
    otherContactId: string | null,
  ): void {
    const source = { strength: 'attested' as const, evidence: this.evidence, eventAt: this.at };
    const entry = historyEntry(contact, action, field, fromValue, toValue, otherContactId, source);
    this.entries.push(entry);
    this.graph.record(entry);
  }
}

/** Snapshots come back from jsonb with their times as text. */
function toDate(value: Date | string | null): Date | null {
  return value === null ? null : new Date(value);
}
