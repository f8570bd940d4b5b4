/**
 * Webhook ingestion throughput on PostgreSQL, beside a baseline measured in the same run: the same
 * number of plain single-row `INSERT ... ON CONFLICT` statements through `pg` with the same
 * concurrency. The service runs as its own process (as in production); this process only sends.
 *
 *   npm run bench                     (BENCH_DATABASE_URL defaults to the local `contact_book_bench`)
 */
import { Agent, request } from 'node:http';
import { Client, Pool } from 'pg';
import { DATABASE_URL, ensureDatabase as createDatabase, median, PORT, round2, run, startService, stopService } from './support';

const WEBHOOKS = Number(process.env.BENCH_WEBHOOKS ?? 20_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECRET = 'bench-webhook-secret-0123456789';
const AUTH = `Basic ${Buffer.from(`link:${SECRET}`).toString('base64')}`;

async function main(): Promise<void> {
  await ensureDatabase();
  const server = await startService([{ name: 'link', secret: SECRET, roles: ['webhook'], portfolios: ['*'] }]);
  try {
    const results: Record<string, number[]> = { baseline: [], newPeople: [], knownPeople: [] };
    for (let round = 0; round < ROUNDS; round++) {
      await resetData();
      results.baseline.push(await measure(WEBHOOKS, baselineInserts()));
      results.newPeople.push(await measure(WEBHOOKS, webhooks(round, 'new')));
      results.knownPeople.push(await measure(WEBHOOKS, webhooks(round, 'repeat')));
      console.log(
        `round ${round + 1}/${ROUNDS}: ${Object.entries(results)
          .map(([name, rates]) => `${name} ${rates[round].toFixed(0)}/s`)
          .join(', ')}`,
      );
    }
    const baseline = median(results.baseline);
    console.log(`\nWebhooks ingested per second on PostgreSQL (${WEBHOOKS} per run, ${CONCURRENCY} in flight, median of ${ROUNDS}):`);
    console.table({
      'baseline: single-row INSERT ... ON CONFLICT through pg': { perSecond: Math.round(baseline), ratio: 1 },
      'MO webhooks, distinct new people': {
        perSecond: Math.round(median(results.newPeople)),
        ratio: round2(median(results.newPeople) / baseline),
      },
      'MO webhooks, repeats of known people': {
        perSecond: Math.round(median(results.knownPeople)),
        ratio: round2(median(results.knownPeople) / baseline),
      },
    });
  } finally {
    await stopService(server);
  }
}

/** Runs `count` operations with CONCURRENCY in flight; answers operations per second. */
async function measure(count: number, operation: (index: number) => Promise<void>): Promise<number> {
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < count) await operation(next++);
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return count / seconds;
}

function baselineInserts(): (index: number) => Promise<void> {
  const pool = new Pool({ connectionString: DATABASE_URL, max: CONCURRENCY });
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

const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });

/** MO webhooks as LINK sends them (API document, MO Example#2): phone in `source`, BSUIDs in customParameters. */
function webhooks(round: number, kind: 'new' | 'repeat'): (index: number) => Promise<void> {
  return (index) => {
    const person = round * WEBHOOKS + index;
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
  await client.query(
    'TRUNCATE bench_baseline, contact, contact_exchange, contact_book_entry, link_history, link_conflict, webhook_receipt, graph_observation',
  );
  await client.query('VACUUM ANALYZE');
  await client.end();
}

run(main);
