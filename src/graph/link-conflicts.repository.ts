import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
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

const CONFLICT_COLUMNS = `id, contact_id AS "contactId", other_contact_id AS "otherContactId", field, existing_value AS "existingValue",
  claimed_value AS "claimedValue", strength, evidence, event_at AS "eventAt", status, created_at AS "createdAt",
  settled_at AS "settledAt", settled_by AS "settledBy"`;

/** Conflicts for an admin to see and settle. Conflicts are opened by the graph's own write (`GraphRepository`). */
@Injectable()
export class LinkConflictsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Newest first, from `cursor` (an id) down; one row more than `limit` tells that a next page exists. */
  list(portfolio: string, status: ConflictStatus, cursor: string | undefined, limit: number): Promise<ConflictRow[]> {
    return this.dataSource.query(
      `SELECT ${CONFLICT_COLUMNS} FROM link_conflict
       WHERE portfolio = $1 AND status = $2 AND ($3::bigint IS NULL OR id < $3::bigint)
       ORDER BY id DESC LIMIT $4`,
      [portfolio, status, cursor ?? null, limit + 1],
    );
  }

  async find(portfolio: string, id: string): Promise<ConflictRow | undefined> {
    const [row]: ConflictRow[] = await this.dataSource.query(
      `SELECT ${CONFLICT_COLUMNS} FROM link_conflict WHERE portfolio = $1 AND id = $2`,
      [portfolio, id],
    );
    return row;
  }

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
