import { PGlite } from '@electric-sql/pglite';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { lock } from 'proper-lockfile';

/**
 * The embedded PostgreSQL (PGlite) used when no DATABASE_URL is set. The data folder is locked:
 * two processes on one folder would each miss the other's writes.
 */
export class EmbeddedDatabase {
  private constructor(
    readonly pglite: PGlite,
    private readonly release: () => Promise<void>,
    readonly location: string,
  ) {}

  /** `dataDir` of `memory://` gives a throw-away database (tests). */
  static async open(dataDir: string): Promise<EmbeddedDatabase> {
    if (dataDir === 'memory://') {
      const pglite = new PGlite();
      await pglite.waitReady;
      return new EmbeddedDatabase(pglite, async () => undefined, dataDir);
    }
    const folder = join(resolve(dataDir), 'pglite');
    await mkdir(folder, { recursive: true });
    let release: () => Promise<void>;
    try {
      release = await lock(folder, { stale: 15_000, update: 5_000, realpath: false });
    } catch {
      throw new Error(`The embedded database in ${folder} is in use by another process (lock ${folder}.lock)`);
    }
    try {
      const pglite = new PGlite(folder);
      await pglite.waitReady;
      return new EmbeddedDatabase(pglite, release, folder);
    } catch (error) {
      await release();
      throw error;
    }
  }

  /** node-postgres options that run every query through this PGlite (a pool of one connection). */
  pgOptions(): Record<string, unknown> {
    return { ...createPgConfig(this.pglite), max: 1 };
  }

  async close(): Promise<void> {
    try {
      if (!this.pglite.closed) await this.pglite.close();
    } finally {
      await this.release();
    }
  }
}
