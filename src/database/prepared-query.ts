import type { DataSource } from 'typeorm';
import { DatabaseUnavailableError } from '../common/errors/database-errors';
import { poolOf } from './pool';

/** A name per statement text; texts come from the code's own constants, so there are a handful. */
const names = new Map<string, string>();

/**
 * Runs a read on the pool as a named prepared statement: each connection has PostgreSQL parse it
 * once, and its plan is cached, where an unnamed statement is parsed and planned at every call
 * (≈ 0.5 ms of the database's CPU for the contact look-up, more than running it). Only for
 * statements whose plan does not depend on their values (joins on `unnest` of arrays, probes by
 * key). Through PgBouncer this needs transaction mode with `max_prepared_statements` (1.21 or
 * later).
 */
export async function preparedQuery<T>(dataSource: DataSource, text: string, values: unknown[]): Promise<T[]> {
  const pool = poolOf(dataSource);
  if (!dataSource.isInitialized || !pool) throw new DatabaseUnavailableError();
  const result = await pool.query({ name: statementName(text), text, values });
  return result.rows as T[];
}

/** A statement text with the name it is prepared under on every connection. */
export interface NamedStatement {
  readonly name: string;
  readonly text: string;
}

/** Names a statement once, where its text is built from constants at module load. */
export function namedStatement(text: string): NamedStatement {
  return { name: statementName(text), text };
}

/** The name a statement is prepared under on every connection: one per text. */
function statementName(text: string): string {
  let name = names.get(text);
  if (name === undefined) {
    name = `contact-book-${names.size + 1}`;
    names.set(text, name);
  }
  return name;
}
