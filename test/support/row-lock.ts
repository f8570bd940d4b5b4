import { Client } from 'pg';

/**
 * Holds a contact's row lock from a connection of its own, so that a test can queue a webhook and
 * an admin call behind it and release them together: the interleaving a busy production sees.
 * The embedded database has one connection, so there the requests simply run one after another
 * and the test checks the same outcome.
 */
export async function holdRowLock(databaseUrl: string | undefined, contactId: string): Promise<RowLock> {
  if (!databaseUrl) return { waitForWaiters: async () => undefined, release: async () => undefined };
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  await client.query('BEGIN');
  await client.query('SELECT 1 FROM contact WHERE id = $1 FOR UPDATE', [contactId]);
  let released = false;
  return {
    async waitForWaiters(count: number) {
      for (let tries = 0; tries < 200; tries++) {
        // Inside a transaction, pg_stat_activity answers from a snapshot taken at its first read.
        await client.query('SELECT pg_stat_clear_snapshot()');
        const { rows } = await client.query(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
        );
        if (rows[0].n >= count) return;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      throw new Error(`fewer than ${count} requests queued behind the row lock`);
    },
    async release() {
      if (released) return;
      released = true;
      await client.query('COMMIT');
      await client.end();
    },
  };
}

export interface RowLock {
  /** Resolves once `count` transactions wait for a lock. */
  waitForWaiters(count: number): Promise<void>;
  /** Lets the queued requests go; a second call does nothing. */
  release(): Promise<void>;
}
