/**
 * What the benchmarks share: the database they run on, the service as its own process, HTTP and
 * load-generation helpers, and the statistics they report.
 */
import { ChildProcess, fork } from 'node:child_process';
import { openSync, readdirSync, readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';

export const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/contact_book_bench';
export const PORT = Number(process.env.BENCH_PORT ?? 3917);

/** What webhooks write: a bench round empties all of it, so that every round starts on the same tables. */
export const GRAPH_TABLES =
  'contact, contact_exchange, contact_book_entry, link_history, link_conflict, webhook_receipt, graph_observation, identity_event, event_delivery, user_profile';

export interface BenchApiKey {
  name: string;
  secret: string;
  roles: string[];
  portfolios: string[];
}

/** Creates the bench database when it is missing; the service's migrations create its tables. */
export async function ensureDatabase(): Promise<void> {
  const url = new URL(DATABASE_URL);
  const name = url.pathname.slice(1);
  url.pathname = '/postgres';
  const admin = new Client({ connectionString: url.toString() });
  await admin.connect();
  const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
  if (exists.rowCount === 0) await admin.query(`CREATE DATABASE "${name.replace(/"/g, '')}"`);
  await admin.end();
}

/** Runs one statement on a connection of its own. */
export async function sql<T = Record<string, unknown>>(text: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: DATABASE_URL });
  await client.connect();
  try {
    return (await client.query(text, params)).rows as T[];
  } finally {
    await client.end();
  }
}

/**
 * The service as `npm start` runs it, from the build, in a process of its own; resolves once it is
 * ready. `env` adds to (or overrides) the environment it is given.
 */
export function startService(apiKeys: BenchApiKey[], env: Record<string, string> = {}): Promise<ChildProcess> {
  const child = fork(join(__dirname, '..', 'src', 'main.js'), [], {
    execArgv: [...profileArgs(), ...(process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? [])],
    // As in production: a JSON line per request at `info` (written to BENCH_LOG_FILE, or else
    // discarded), metrics on.
    // Rate limits off: the bench measures what one instance can carry.
    env: {
      ...process.env,
      DATABASE_URL,
      PORT: String(PORT),
      LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info',
      RATE_LIMIT_API: '0',
      RATE_LIMIT_WEBHOOKS: '0',
      API_KEYS: JSON.stringify(apiKeys),
      ...env,
    },
    stdio: ['ignore', process.env.BENCH_LOG_FILE ? openSync(process.env.BENCH_LOG_FILE, 'a') : 'ignore', 'inherit', 'ipc'],
  });
  return whenReady(child, PORT);
}

/** Resolves with the service process once it answers ready on `port`; fails if it exits or is not ready within a minute. */
export function whenReady(child: ChildProcess, port: number): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + 60_000;
    const poll = () =>
      request({ host: '127.0.0.1', port, path: '/health/ready' }, (res) => {
        res.resume();
        if (res.statusCode === 200) resolve(child);
        else retry();
      })
        .on('error', retry)
        .end();
    const retry = () => (Date.now() > deadline ? reject(new Error('the service did not become ready')) : setTimeout(poll, 200));
    child.on('exit', (code) => reject(new Error(`the service exited with ${code}`)));
    poll();
  });
}

/** BENCH_PROFILE=dir: a CPU profile of the service, written to that folder when it stops. */
function profileArgs(): string[] {
  const folder = process.env.BENCH_PROFILE;
  return folder ? ['--cpu-prof', `--cpu-prof-dir=${folder}`] : [];
}

/**
 * Stops the service and waits until it has exited, so that the port is free for the next one; a
 * service that does not stop within 10 s is killed.
 */
export function stopService(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

// Enough sockets that a request never queues in the agent behind another (that would be the
// load generator's wait, not the service's).
const agent = new Agent({ keepAlive: true, maxSockets: 256 });

export interface HttpAnswer {
  status: number;
  body: string;
}

/** One request to the service (or to another local server on `port`); answers its status and whole body, whatever the status. */
export function http(method: 'GET' | 'POST', path: string, authorization: string, body?: string, port = PORT): Promise<HttpAnswer> {
  const headers: Record<string, string | number> = { authorization };
  if (body !== undefined) Object.assign(headers, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * Closed loop: `concurrency` workers each start the next operation as soon as their last one ends,
 * for `durationMs`. Answers completed operations per second.
 */
export async function closedLoop(concurrency: number, durationMs: number, operation: (index: number) => Promise<void>): Promise<number> {
  let next = 0;
  const started = performance.now();
  const deadline = started + durationMs;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) await operation(next++);
    }),
  );
  return next / ((performance.now() - started) / 1000);
}

export interface OpenLoopResult {
  /** Milliseconds from sending each operation to its answer, in sending order. */
  latencies: number[];
  /**
   * Milliseconds from each operation's scheduled time to its sending: the load generator's own
   * lag (timers here wake a few ms late now and then), left out of the latencies.
   */
  sendLags: number[];
}

/**
 * Open loop: starts an operation every 1000/`ratePerSecond` ms for `durationMs`, whether or not
 * earlier ones have answered, so that a slow answer cannot slow the offered load down and hide
 * itself (coordinated omission). Operations that fall behind schedule are sent at once.
 */
export function openLoop(ratePerSecond: number, durationMs: number, operation: (index: number) => Promise<void>): Promise<OpenLoopResult> {
  const interval = 1000 / ratePerSecond;
  const count = Math.round(durationMs / interval);
  const latencies = new Array<number>(count);
  const sendLags = new Array<number>(count);
  const inFlight: Promise<void>[] = [];
  let failure: unknown;
  let sent = 0;
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const tick = () => {
      const now = performance.now();
      for (; sent < count && started + sent * interval <= now; sent++) {
        const index = sent;
        const sentAt = performance.now();
        sendLags[index] = sentAt - (started + index * interval);
        inFlight.push(
          operation(index).then(
            () => void (latencies[index] = performance.now() - sentAt),
            (error: unknown) => void (failure ??= error),
          ),
        );
      }
      if (sent < count) setTimeout(tick, Math.max(0, started + sent * interval - performance.now()));
      else
        void Promise.all(inFlight).then(() =>
          failure === undefined
            ? resolve({ latencies, sendLags })
            : reject(failure instanceof Error ? failure : new Error('an operation failed', { cause: failure })),
        );
    };
    tick();
  });
}

/** The value below which `fraction` of the values fall (nearest rank). */
export function percentile(values: number[], fraction: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)];
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

export function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

/** Runs a benchmark's main function as the process: exit 0 when it resolves, 1 with the error when it fails. */
export function run(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}

/** CPU seconds (user and system) a process has used so far, from /proc: how much work a run cost the service. */
export function cpuSecondsOf(pid: number): number {
  return cpuTicks(readFileSync(`/proc/${pid}/stat`, 'utf8')) / TICKS_PER_SECOND;
}

/** Clock ticks a second on Linux: the unit of /proc's CPU times. */
const TICKS_PER_SECOND = 100;

/**
 * A process's CPU in clock ticks, from its /proc/PID/stat line: utime and stime (fields 14 and 15),
 * and with `children` also cutime and cstime (16 and 17), what its children that have ended used.
 */
function cpuTicks(stat: string, children = false): number {
  const fields = stat.split(') ')[1].split(' ');
  return Number(fields[11]) + Number(fields[12]) + (children ? Number(fields[13]) + Number(fields[14]) : 0);
}

/**
 * CPU seconds used so far by PostgreSQL on this machine: every `postgres` process (server,
 * backends, WAL writer, checkpointer), plus what its backends that have ended used (counted in
 * their parent's). A bench on a remote database reads 0.
 */
export function databaseCpuSeconds(): number {
  let ticks = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // it ended while we looked
    }
    if (stat.includes(' (postgres) ')) ticks += cpuTicks(stat, true);
  }
  return ticks / TICKS_PER_SECOND;
}

/** CPU seconds this process (the load generator) has used so far. */
export function ownCpuSeconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

/** The cores the machine gives processes: what a rate bound by CPU alone divides among. */
export const CORES = availableParallelism();

/** The 1-minute load average, printed beside every figure: a shared machine's load moves the figures. */
export function loadAverage(): string {
  return loadavg()
    .map((value) => value.toFixed(2))
    .join(' ');
}
