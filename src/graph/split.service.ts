import { Injectable, Logger } from '@nestjs/common';
import type { Principal } from '../auth/api-keys.service';
import { AppError } from '../common/errors/app-error';
import { ConcurrentChangeError } from '../common/errors/database-errors';
import { IDENTIFIER_KINDS, IdentifierKind } from '../identifiers/domain/identifier';
import { splitMerge } from './domain/corrections';
import { MergeSnapshot } from './domain/observation';
import { GraphRepository } from './graph.repository';
import { GraphStore } from './graph.store';

/** A split merge: who holds the merge's result, who came back, and with which identifiers. */
export interface SplitResult {
  /** The contact that kept the merge's result (the survivor, or what it was merged into since). */
  holderId: string;
  /** The contact that was merged into it, back on its own. */
  restoredId: string;
  restored: IdentifierKind[];
  /** Identifiers the merged contact brought that later evidence gave to a third contact, which keeps them. */
  keptElsewhere: IdentifierKind[];
}

/** Rule 9: an admin undoes a wrong merge from its history row. */
@Injectable()
export class SplitService {
  private readonly logger = new Logger(SplitService.name);

  constructor(
    private readonly store: GraphStore,
    private readonly writes: GraphRepository,
  ) {}

  /** Splits merge `entryId`, which must be a merge of contact `contactId` (or of a contact merged into it). */
  async split(portfolio: string, principal: Principal, contactId: string, entryId: string): Promise<SplitResult> {
    const result = await this.store.change(async (tx) => {
      const merge = await this.writes.findMerge(tx, portfolio, entryId);
      if (!merge) throw AppError.notFound(`History row ${entryId} is not a merge of contact ${contactId}`);
      if (merge.mergedAgain)
        throw AppError.conflict(`The contact merged by history row ${entryId} was merged again later: split the later merge`);
      const holderId = await this.writes.survivorId(tx, portfolio, merge.contactId);
      // The contact asked for may have been merged since it was found: compare where both lead now.
      const askedFor = await this.writes.survivorId(tx, portfolio, contactId);
      if (!holderId || holderId !== askedFor) throw AppError.notFound(`History row ${entryId} is not a merge of contact ${contactId}`);

      const graph = await this.store.lockGraph(tx, portfolio, [holderId, merge.otherContactId], valuesOf(merge.snapshot));
      const holder = graph.get(holderId);
      if (!holder || holder.mergedInto) throw new ConcurrentChangeError(); // merged between finding and locking it: again
      const merged = graph.get(merge.otherContactId);
      if (merged?.mergedInto !== merge.contactId) throw AppError.conflict(`The merge of history row ${entryId} was already split`);
      const evidence = { kind: 'ADMIN' as const, admin: principal.name, mergeEntryId: String(entryId) };
      const split = splitMerge(graph, merge.snapshot, holder, evidence, new Date());
      const result: SplitResult = { holderId, restoredId: merged.id, restored: split.restored, keptElsewhere: split.keptElsewhere };
      return { change: { ...graph.changes(), corrected: true }, result };
    });
    this.logger.log(`merge ${entryId} in ${portfolio} split by ${principal.name}: contact ${result.restoredId} restored`);
    return result;
  }
}

/** Every identifier either side of the merge had: whoever holds one now must be locked. */
function valuesOf(snapshot: MergeSnapshot): Record<IdentifierKind, string[]> {
  const values = { msisdn: [] as string[], bsuid: [] as string[], parentBsuid: [] as string[] };
  for (const field of IDENTIFIER_KINDS) {
    for (const side of [snapshot.survivor, snapshot.merged]) if (side[field] !== null) values[field].push(side[field]);
  }
  return values;
}
