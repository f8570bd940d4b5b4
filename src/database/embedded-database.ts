import { PGlite } from '@electric-sql/pglite';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import { access, mkdir, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
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
      release = await lockFolder(folder);
    } catch {
      throw new Error(`The embedded database in ${folder} is in use by another process (lock ${folder}.lock)`);
    }
    try {
      await ensureCreated(folder);
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

/** Folders this process holds: a lock naming this process's pid is stale unless it is one of these. */
const heldHere = new Set<string>();
const LOCK_OPTIONS = { stale: 15_000, update: 5_000, realpath: false };

/**
 * Locks the folder, and names the holder (pid and host) in `<folder>.owner`. A lock left by a
 * process of this host that no longer runs (killed with SIGKILL, crashed) is taken over as soon as
 * it has missed one refresh; proper-lockfile alone would refuse it until its mtime is 15 s old.
 * Waiting for the missed refresh guards against a pid that only looks dead: a process of another
 * PID namespace (another container) with the same host name still refreshes its lock.
 */
async function lockFolder(folder: string): Promise<() => Promise<void>> {
  const ownerFile = `${folder}.owner`;
  let release: () => Promise<void>;
  try {
    release = await lock(folder, LOCK_OPTIONS);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ELOCKED' || !(await ownerIsGone(ownerFile, folder))) throw error;
    if (!(await refreshMissed(`${folder}.lock`))) throw error;
    // Aged, the lock is stale to proper-lockfile, which removes it and takes it by its own rules.
    await utimes(`${folder}.lock`, 0, 0).catch(() => undefined);
    release = await lock(folder, LOCK_OPTIONS);
  }
  heldHere.add(folder);
  try {
    await writeFile(ownerFile, JSON.stringify({ pid: process.pid, host: hostname() }));
  } catch (error) {
    heldHere.delete(folder);
    await release();
    throw error;
  }
  return async () => {
    heldHere.delete(folder);
    await rm(ownerFile, { force: true });
    await release();
  };
}

/** Waits (up to the stale time) for the lock to go unrefreshed for longer than one refresh interval. */
async function refreshMissed(lockPath: string): Promise<boolean> {
  const missedAfter = LOCK_OPTIONS.update + 2_000;
  const deadline = Date.now() + LOCK_OPTIONS.stale;
  while (Date.now() < deadline) {
    const info = await stat(lockPath).catch(() => undefined);
    if (!info) return true; // released meanwhile: free to take
    const age = Date.now() - info.mtimeMs;
    if (age > missedAfter) return true;
    await new Promise((resolve) => setTimeout(resolve, Math.min(250, missedAfter - age + 10)));
  }
  return false;
}

async function ownerIsGone(ownerFile: string, folder: string): Promise<boolean> {
  let owner: { pid?: unknown; host?: unknown };
  try {
    owner = JSON.parse(await readFile(ownerFile, 'utf8')) as { pid?: unknown; host?: unknown };
  } catch {
    return false; // no owner named: only proper-lockfile's staleness can tell
  }
  if (owner.host !== hostname() || typeof owner.pid !== 'number') return false;
  if (owner.pid === process.pid) return !heldHere.has(folder); // a restarted container may get the same pid
  try {
    process.kill(owner.pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/**
 * A new database is created beside the data folder and moved into it whole. PGlite counts a
 * folder holding `PG_VERSION` as a database, and copies a new one into place file by file: a
 * process killed during that copy would leave a folder that never opens again. A folder without
 * `PG_VERSION` is what such an interrupted first start left, and starts over.
 */
async function ensureCreated(folder: string): Promise<void> {
  if (await exists(join(folder, 'PG_VERSION'))) return;
  const creating = `${folder}.creating`;
  await rm(creating, { recursive: true, force: true });
  const fresh = new PGlite(creating);
  await fresh.waitReady;
  await fresh.close();
  await rm(folder, { recursive: true, force: true });
  await rename(creating, folder);
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
