/**
 * A throwaway PostgreSQL cluster of the test's own (never the machine's): initdb into a fresh temp
 * folder, its own port and socket folder, trust auth. As root the server binaries run as the
 * `postgres` OS user (initdb refuses root).
 */
import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { createServer } from 'node:net';

const run = promisify(execFile);

function binDir(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'pg_ctl'))) : [];
  if (versions.length === 0) throw new Error(`no PostgreSQL server binaries in ${root}/<version>/bin`);
  versions.sort((a, b) => Number(b) - Number(a));
  return join(root, versions[0], 'bin');
}

function readFileIfAny(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

/** Whether 127.0.0.1:port can be bound (nothing listens there). */
function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

export class PgCluster {
  private constructor(
    readonly folder: string,
    readonly port: number,
    private readonly bin: string,
    private readonly owner: { uid: number; gid: number } | undefined,
  ) {}

  get dataDir(): string {
    return join(this.folder, 'data');
  }

  get socketDir(): string {
    return join(this.folder, 'socket');
  }

  url(database = 'postgres'): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  /** initdb a new cluster on a free port from 55432 up; `start()` runs it. */
  static async create(): Promise<PgCluster> {
    const bin = binDir();
    const folder = mkdtempSync(join(tmpdir(), 'contact-book-faults-pg-'));
    let owner: { uid: number; gid: number } | undefined;
    if (process.getuid?.() === 0) {
      const { stdout } = await run('id', ['-u', 'postgres']);
      const { stdout: group } = await run('id', ['-g', 'postgres']);
      owner = { uid: Number(stdout.trim()), gid: Number(group.trim()) };
      chownSync(folder, owner.uid, owner.gid);
    }
    let port = 55432 + Math.floor(Math.random() * 200);
    while (!(await portFree(port))) port++;
    const cluster = new PgCluster(folder, port, bin, owner);
    mkdirSync(cluster.socketDir);
    if (owner) chownSync(cluster.socketDir, owner.uid, owner.gid);
    await cluster.exec('initdb', ['-D', cluster.dataDir, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8', '--locale=C']);
    return cluster;
  }

  /** Runs a server binary, as `postgres` when this process is root. */
  private exec(tool: string, args: string[]): Promise<{ stdout: string; stderr: string }> {
    const path = join(this.bin, tool);
    const [file, argv] = this.owner ? ['runuser', ['-u', 'postgres', '--', path, ...args]] : [path, args];
    return run(file, argv, { cwd: this.folder, timeout: 60_000 });
  }

  async start(): Promise<void> {
    const options = `-p ${this.port} -k ${this.socketDir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=50`;
    await this.exec('pg_ctl', ['start', '-D', this.dataDir, '-w', '-t', '60', '-l', join(this.folder, 'server.log'), '-o', options]);
  }

  /** `fast` rolls back sessions and shuts down cleanly; `immediate` quits at once (crash recovery on start). */
  async stop(mode: 'fast' | 'immediate'): Promise<void> {
    await this.exec('pg_ctl', ['stop', '-D', this.dataDir, '-w', '-t', '60', '-m', mode]);
  }

  async running(): Promise<boolean> {
    try {
      await this.exec('pg_ctl', ['status', '-D', this.dataDir]);
      return true;
    } catch {
      return false;
    }
  }

  async createDatabase(name: string): Promise<string> {
    await this.query('postgres', `CREATE DATABASE "${name.replace(/"/g, '')}"`);
    return this.url(name);
  }

  async query<T = Record<string, unknown>>(database: string, text: string, params: unknown[] = []): Promise<T[]> {
    const client = new Client({ connectionString: this.url(database) });
    await client.connect();
    try {
      return (await client.query(text, params)).rows as T[];
    } finally {
      await client.end();
    }
  }

  /** The end of the server's log, for failure messages. */
  log(lines = 30): string {
    try {
      return readFileSync(join(this.folder, 'server.log'), 'utf8').split('\n').slice(-lines).join('\n');
    } catch {
      return '(no server log)';
    }
  }

  /** Stops the server (immediately) when it runs and removes the folder; never throws. */
  async destroy(): Promise<void> {
    if (await this.running()) await this.stop('immediate').catch(() => undefined);
    // pg_ctl could not stop it: end the postmaster this cluster started, by its pid.
    const pid = Number(readFileIfAny(join(this.dataDir, 'postmaster.pid')).split('\n')[0]);
    if (pid > 0 && (await this.running())) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    rmSync(this.folder, { recursive: true, force: true });
  }
}
