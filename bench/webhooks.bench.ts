/**
 * Webhook ingestion throughput on PostgreSQL, beside a baseline measured in the same run: the same
 * number of plain single-row `INSERT ... ON CONFLICT` statements through `pg` with the same
 * concurrency. The service runs as its own process (as in production); this process only sends.
 *
 *   npm run bench                     (BENCH_DATABASE_URL defaults to the local `contact_book_bench`)
 */
import { Agent, request } from 'node:http';
import { Client, Pool } from 'pg';
import {
  CORES,
  cpuSecondsOf,
  DATABASE_URL,
  databaseCpuSeconds,
  ensureDatabase as createDatabase,
  GRAPH_TABLES,
  loadAverage,
  median,
  ownCpuSeconds,
  PORT,
  round2,
  run,
  sql,
  startService,
  stopService,
} from './support';

const WEBHOOKS = Number(process.env.BENCH_WEBHOOKS ?? 20_000);
const CONCURRENCIES = (process.env.BENCH_CONCURRENCY ?? '32,128').split(',').map(Number);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const WARM_UP = 3_000;
const SECRET = 'bench-webhook-secret-0123456789';
const AUTH = `Basic ${Buffer.from(`link:${SECRET}`).toString('base64')}`;

/**
 * What one run of `count` operations cost: the rate, the WAL records, and the CPU of each process
 * per operation: the service's, PostgreSQL's, and this process's (the load generator: HTTP requests,
 * or the baseline's `pg` client).
 */
interface Run {
  perSecond: number;
  serviceCpuUs: number;
  databaseCpuUs: number;
  senderCpuUs: number;
  walRecords: number;
}

const SCENARIOS = ['baseline', 'newPeople', 'knownPeople'] as const;
type Scenario = (typeof SCENARIOS)[number];

const LABELS: Record<Scenario, string> = {
  baseline: 'baseline (pg upsert)',
  newPeople: 'MO, new people',
  knownPeople: 'MO, known people',
};

async function main(): Promise<void> {
  await ensureDatabase();
  const server = await startService([{ name: 'link', secret: SECRET, roles: ['webhook'], portfolios: ['*'] }]);
  const pid = server.pid as number;
  try {
    // Compiled and warm before the first measured run, as a long-running service is.
    await measure(pid, 32, webhooks(9_000_000, 'new'), WARM_UP);
    console.log(`load average at start: ${loadAverage()}`);
    const table: Record<string, Record<string, number | string>> = {};
    for (const concurrency of CONCURRENCIES) {
      const runs: Record<Scenario, Run[]> = { baseline: [], newPeople: [], knownPeople: [] };
      const loads: string[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        await resetData();
        const person = round * WEBHOOKS;
        runs.baseline.push(await measure(pid, concurrency, baselineInserts(concurrency)));
        runs.newPeople.push(await measure(pid, concurrency, webhooks(person, 'new')));
        runs.knownPeople.push(await measure(pid, concurrency, webhooks(person, 'repeat')));
        loads.push(loadAverage());
        console.log(
          `${concurrency} in flight, round ${round + 1}/${ROUNDS}: ` +
            SCENARIOS.map((name) => `${name} ${runs[name][round].perSecond.toFixed(0)}/s`).join(', ') +
            ` (load ${loads[round]})`,
        );
      }
      const baseline = median(runs.baseline.map((run) => run.perSecond));
      const ceilingOf = (name: Scenario) => median(runs[name].map((run) => cpuCeiling(run, name !== 'baseline')));
      for (const name of SCENARIOS) {
        const rate = median(runs[name].map((run) => run.perSecond));
        const cpu = (figure: keyof Run) => Math.round(median(runs[name].map((run) => run[figure])));
        table[`${LABELS[name]}, ${concurrency}`] = {
          perSecond: Math.round(rate),
          ratio: round2(rate / baseline),
          cpuUs: name === 'baseline' ? '' : cpu('serviceCpuUs'),
          dbUs: cpu('databaseCpuUs'),
          senderUs: cpu('senderCpuUs'),
          cpuCeiling: Math.round(ceilingOf(name)),
          ceilingRatio: round2(ceilingOf(name) / ceilingOf('baseline')),
          wal: round2(median(runs[name].map((run) => run.walRecords))),
          load: loads[Math.floor(loads.length / 2)],
        };
      }
    }
    console.log(`\nWebhooks ingested per second on PostgreSQL (${WEBHOOKS} per run, median of ${ROUNDS} rounds), by requests in flight.`);
    console.log("The baseline is single-row INSERT ... ON CONFLICT statements through pg. CPU per webhook: the service's (cpuUs),");
    console.log("PostgreSQL's (dbUs) and the load generator's (senderUs). cpuCeiling is the rate these three would reach if they");
    console.log(
      `kept all ${CORES} cores busy and nothing else ran; ceilingRatio is its ratio to the baseline's: the most the ratio can be here.`,
    );
    console.table(table);
  } finally {
    await stopService(server);
  }
}

/** Runs `count` operations with `concurrency` in flight. */
async function measure(pid: number, concurrency: number, operation: (index: number) => Promise<void>, count = WEBHOOKS): Promise<Run> {
  let next = 0;
  const walBefore = await walRecords();
  const cpuBefore = { service: cpuSecondsOf(pid), database: databaseCpuSeconds(), sender: ownCpuSeconds() };
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await operation(next++);
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const perOperation = (before: number, after: number) => ((after - before) * 1e6) / count;
  return {
    perSecond: count / seconds,
    serviceCpuUs: perOperation(cpuBefore.service, cpuSecondsOf(pid)),
    databaseCpuUs: perOperation(cpuBefore.database, databaseCpuSeconds()),
    senderCpuUs: perOperation(cpuBefore.sender, ownCpuSeconds()),
    walRecords: ((await walRecords()) - walBefore) / count,
  };
}

/**
 * The rate a run's processes would reach bound by CPU alone: every core busy with them and no
 * waiting. The baseline has no service: its CPU is PostgreSQL's and its `pg` client's.
 */
function cpuCeiling(run: Run, withService: boolean): number {
  return (CORES * 1e6) / ((withService ? run.serviceCpuUs : 0) + run.databaseCpuUs + run.senderCpuUs);
}

async function walRecords(): Promise<number> {
  const [row] = await sql<{ records: string }>('SELECT wal_records AS records FROM pg_stat_wal');
  return Number(row.records);
}

/**
 * The baseline's connections: one per request in flight, up to 64. PostgreSQL's default allows 100
 * and the service holds up to 16, so 128 in flight queue for 64 connections in the pool.
 */
const BASELINE_CONNECTIONS = 64;

function baselineInserts(concurrency: number): (index: number) => Promise<void> {
  const pool = new Pool({ connectionString: DATABASE_URL, max: Math.min(concurrency, BASELINE_CONNECTIONS) });
  let done = 0;
  return async (index) => {
    await pool.query(
      `INSERT INTO bench_baseline (key, value, seen_at) VALUES ($1, $2, now())
       ON CONFLICT (key) DO UPDATE SET value = excluded.value, seen_at = excluded.seen_at`,
      [`+4670${String(index).padStart(7, '0')}`, `SE.${index}`],
    );
    if (++done === WEBHOOKS) await pool.end();
  };
}

const agent = new Agent({ keepAlive: true, maxSockets: Math.max(...CONCURRENCIES) });

/** MO webhooks as LINK sends them (API document, MO Example#2): phone in `source`, BSUIDs in customParameters. */
function webhooks(first: number, kind: 'new' | 'repeat'): (index: number) => Promise<void> {
  return (index) => {
    const person = first + index;
    const body = JSON.stringify({
      destination: '+46000000000',
      source: `+4673${String(person).padStart(7, '0')}`,
      content: { type: 'WHATSAPP', message: { contentType: 'TEXT', text: 'This is an example' } },
      provider: 'whatsapp',
      timestamp: new Date(Date.UTC(2026, 5, 1) + person * 1000 + (kind === 'repeat' ? 3_600_000 : 0)).toISOString(),
      messageId: `${kind}-${person}`,
      providerTimestamp: '2026-06-01T10:00:00Z',
      providerMessageId: `${kind}-${person}`,
      gateCustomParameters: {},
      customParameters: { whatsappUserId: `SE.${10_000_000_000 + person}`, whatsappParentUserId: `SE.ENT.${20_000_000_000 + person}` },
    });
    return post('/webhooks/link/mo', body);
  };
}

function post(path: string, body: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: PORT,
        path,
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', authorization: AUTH, 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        res.resume();
        res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`${path} answered ${res.statusCode}`))));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function ensureDatabase(): Promise<void> {
  await createDatabase();
  const client = new Client({ connectionString: DATABASE_URL });
  await client.connect();
  await client.query(`CREATE TABLE IF NOT EXISTS bench_baseline (key text PRIMARY KEY, value text NOT NULL, seen_at timestamptz NOT NULL)`);
  await client.end();
}

async function resetData(): Promise<void> {
  const client = new Client({ connectionString: DATABASE_URL });
  await client.connect();
  await client.query(`TRUNCATE bench_baseline, ${GRAPH_TABLES}`);
  await client.query('VACUUM ANALYZE');
  await client.end();
}

run(main);
