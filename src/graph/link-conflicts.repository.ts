import { Injectable } from '@nestjs/common';
import type { PipelinedTransaction } from '../database/pipelined-transaction';
import type { IdentifierKind } from '../identifiers/domain/identifier';
import type { Evidence } from './domain/observation';

export const CONFLICT_STATUSES = ['open', 'kept', 'accepted', 'withdrawn'] as const;
export type ConflictStatus = (typeof CONFLICT_STATUSES)[number];

/** A clash between a claim and the graph (rule 8), as `link_conflict` keeps it. */
export interface ConflictRow {
  id: string;
  contactId: string;
  otherContactId: string | null;
  field: IdentifierKind;
  existingValue: string | null;
  claimedValue: string;
  strength: string;
  evidence: Evidence;
  eventAt: Date;
  status: ConflictStatus;
  createdAt: Date;
  settledAt: Date | null;
  settledBy: string | null;
}

export const CONFLICT_COLUMNS = `id, contact_id AS "contactId", other_contact_id AS "otherContactId", field, existing_value AS "existingValue",
  claimed_value AS "claimedValue", strength, evidence, event_at AS "eventAt", status, created_at AS "createdAt",
  settled_at AS "settledAt", settled_by AS "settledBy"`;

/**
 * A conflict as its settlement locks and closes it. Conflicts are opened by the graph's own write
 * (`GraphRepository`) and read for admins by contacts/ (`ConflictsRepository`).
 */
@Injectable()
export class LinkConflictsRepository {
  /** The conflict, locked until the transaction ends: two admins settling it at once take turns. */
  async lock(tx: PipelinedTransaction, portfolio: string, id: string): Promise<ConflictRow | undefined> {
    const [row] = await tx.query<ConflictRow>(`SELECT ${CONFLICT_COLUMNS} FROM link_conflict WHERE portfolio = $1 AND id = $2 FOR UPDATE`, [
      portfolio,
      id,
    ]);
    return row;
  }

  async markSettled(
    tx: PipelinedTransaction,
    portfolio: string,
    id: string,
    status: 'kept' | 'accepted',
    at: Date,
    by: string,
  ): Promise<void> {
    await tx.query(`UPDATE link_conflict SET status = $3, settled_at = $4, settled_by = $5 WHERE portfolio = $1 AND id = $2`, [
      portfolio,
      id,
      status,
      at,
      by,
    ]);
  }
}
