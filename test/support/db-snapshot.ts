import type { DataSource } from 'typeorm';

/** Each table of the database: its row count and a digest of its rows. */
export type DatabaseSnapshot = Record<string, { rows: number; digest: string }>;

/**
 * Every table of the schema the app uses, migrations' own included, read in one statement so that
 * the tables are seen at one instant. Nothing is left out: a request that fails must change nothing
 * at all (DESIGN: Errors), and the tables are small in the tests that take these.
 */
export async function snapshotDatabase(dataSource: DataSource): Promise<DatabaseSnapshot> {
  const tables: { name: string }[] = await dataSource.query(
    `SELECT table_name AS name FROM information_schema.tables
     WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`,
  );
  if (tables.length === 0) throw new Error('No tables to snapshot: is the database migrated?');
  const parts = tables.map(
    ({ name }) =>
      `SELECT '${name.replace(/'/g, "''")}' AS name, count(*)::int AS rows,
              md5(coalesce(string_agg(t::text, ',' ORDER BY t::text), '')) AS digest
       FROM "${name.replace(/"/g, '""')}" t`,
  );
  const rows: { name: string; rows: number; digest: string }[] = await dataSource.query(parts.join(' UNION ALL '));
  return Object.fromEntries(rows.map(({ name, rows: count, digest }) => [name, { rows: count, digest }]));
}

/** The tables whose rows differ between two snapshots, by name. */
export function changedTables(before: DatabaseSnapshot, after: DatabaseSnapshot): string[] {
  const names = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...names].filter((name) => before[name]?.rows !== after[name]?.rows || before[name]?.digest !== after[name]?.digest).sort();
}

/**
 * Waits until the database stops changing (two equal snapshots `quietMs` apart, within
 * `timeoutMs`): for work a request leaves running after its answer, such as the proxy recording
 * its sends.
 */
export async function settledSnapshot(dataSource: DataSource, quietMs = 30, timeoutMs = 5_000): Promise<DatabaseSnapshot> {
  const deadline = Date.now() + timeoutMs;
  let last = await snapshotDatabase(dataSource);
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, quietMs));
    const next = await snapshotDatabase(dataSource);
    if (changedTables(last, next).length === 0) return next;
    if (Date.now() > deadline) throw new Error(`The database kept changing for ${timeoutMs} ms: ${changedTables(last, next).join(', ')}`);
    last = next;
  }
}
