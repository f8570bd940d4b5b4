import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CONFLICT_COLUMNS, ConflictRow, ConflictStatus } from '../graph/link-conflicts.repository';

/** Conflicts for an admin to read. */
@Injectable()
export class ConflictsRepository {
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
}
