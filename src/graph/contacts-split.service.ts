import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { Principal } from '../auth/api-keys.service';
import { AppError } from '../common/errors/app-error';
import { ConcurrentChangeError } from '../common/errors/database-errors';
import { PipelinedTransaction } from '../database/pipelined-transaction';
import type { Portfolio } from '../portfolios/portfolio.entity';
import { ContactView, toContactView } from '../contacts/contact.view';
import { ContactsWriteRepository } from './graph.repository';
import { ContactsService } from '../contacts/contacts.service';
import { splitMerge, SplitOutcome } from './domain/corrections';
import { Graph } from './domain/graph';
import { MergeSnapshot } from './domain/observation';
import { IDENTIFIER_KINDS, IdentifierKind } from '../identifiers/domain/identifier';

export interface SplitView {
  /** The contact that kept the merge's result, after the split. */
  contact: ContactView;
  /** The contact that was merged into it, back on its own. */
  restored: ContactView;
  restoredIdentifiers: IdentifierKind[];
  /** Identifiers the merged contact brought that later evidence gave to a third contact, which keeps them. */
  keptElsewhere: IdentifierKind[];
}

interface MergeRow {
  contactId: string;
  otherContactId: string;
  snapshot: MergeSnapshot;
}

/** Rule 9: an admin undoes a wrong merge from its history row. */
@Injectable()
export class ContactsSplitService {
  private readonly logger = new Logger(ContactsSplitService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly writes: ContactsWriteRepository,
    private readonly contacts: ContactsService,
  ) {}

  async split(portfolio: Portfolio, principal: Principal, identifier: string, entryId: string): Promise<SplitView> {
    const contact = await this.contacts.findOrFail(portfolio, identifier);
    const outcome = await PipelinedTransaction.runRetrying(this.dataSource, async (tx) => {
      const merge = await this.loadMerge(tx, portfolio, contact.id, entryId);
      const holderId = await this.writes.survivorId(tx, portfolio.key, merge.contactId);
      // The contact asked for may have been merged since it was found: compare where both lead now.
      const askedFor = await this.writes.survivorId(tx, portfolio.key, contact.id);
      if (!holderId || holderId !== askedFor) throw AppError.notFound(`History row ${entryId} is not a merge of contact ${contact.id}`);

      const values = valuesOf(merge.snapshot);
      const graph = new Graph(await this.writes.lock(tx, portfolio.key, [holderId, merge.otherContactId], values), randomUUID);
      if (graph.get(holderId)?.mergedInto) throw new ConcurrentChangeError(); // merged between finding and locking it: again
      const merged = graph.get(merge.otherContactId);
      if (merged?.mergedInto !== merge.contactId) throw AppError.conflict(`The merge of history row ${entryId} was already split`);
      const evidence = { kind: 'ADMIN' as const, admin: principal.name, mergeEntryId: String(entryId) };
      const split: SplitOutcome = splitMerge(graph, merge.snapshot, graph.get(holderId)!, evidence, new Date());
      await this.writes.writeAndCommit(tx, { contacts: [...graph.changed].map((id) => graph.get(id)!), history: split.history, conflicts: [], exchanges: [], corrected: true });
      return { holderId, restoredId: merged.id, split };
    });
    this.logger.log(`merge ${entryId} in ${portfolio.key} split by ${principal.name}: contact ${outcome.restoredId} restored`);
    const after = await this.contacts.survivors(portfolio.key, [outcome.holderId, outcome.restoredId]);
    return {
      contact: toContactView(after.get(outcome.holderId)!),
      restored: toContactView(after.get(outcome.restoredId)!),
      restoredIdentifiers: outcome.split.restored,
      keptElsewhere: outcome.split.keptElsewhere,
    };
  }

  /**
   * The merge row, which must be the latest merge of the contact it merged away: a contact split
   * and merged again is split from the newer row, whose snapshot is the current one.
   */
  private async loadMerge(tx: PipelinedTransaction, portfolio: Portfolio, contactId: string, entryId: string): Promise<MergeRow> {
    const [row] = await tx.query<MergeRow & { action: string; later: boolean }>(
      `SELECT h.action, h.contact_id AS "contactId", h.other_contact_id AS "otherContactId", h.snapshot,
              EXISTS (SELECT 1 FROM link_history l WHERE l.portfolio = h.portfolio AND l.other_contact_id = h.other_contact_id
                        AND l.action = 'merged' AND l.id > h.id) AS later
       FROM link_history h WHERE h.portfolio = $1 AND h.id = $2`,
      [portfolio.key, entryId],
    );
    if (!row || row.action !== 'merged' || !row.snapshot) throw AppError.notFound(`History row ${entryId} is not a merge of contact ${contactId}`);
    if (row.later) throw AppError.conflict(`The contact merged by history row ${entryId} was merged again later: split the later merge`);
    return row;
  }
}

/** Every identifier either side of the merge had: whoever holds one now must be locked. */
function valuesOf(snapshot: MergeSnapshot): Record<IdentifierKind, string[]> {
  const values = { msisdn: [] as string[], bsuid: [] as string[], parentBsuid: [] as string[] };
  for (const field of IDENTIFIER_KINDS) {
    for (const side of [snapshot.survivor, snapshot.merged]) if (side[field] !== null) values[field].push(side[field] as string);
  }
  return values;
}
