/**
 * Backfill throughput on PostgreSQL: N archived webhooks (new people, repeats, DLRs, failed DLRs
 * and redelivered duplicates, in two files in no order, one gzipped) applied by the backfill CLI
 * as its own process, beside a baseline measured in the same run: the same number of rows
 * upserted through the multi-row `unnest` statement into a plain table, 1,000 rows a statement.
 *
 *   npm run bench:backfill   (BENCH_WEBHOOKS, default 1,000,000; BENCH_ROUNDS, default 3;
 *                             BENCH_CHUNK for --chunk; BENCH_PROFILE=dir for a CPU profile of the CLI)
 */
import { spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync, WriteStream } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { createGzip } from 'node:zlib';
import { Client } from 'pg';
import { DATABASE_URL, ensureDatabase, GRAPH_TABLES, median, round2, run } from './support';

const WEBHOOKS = Number(process.env.BENCH_WEBHOOKS ?? 1_000_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const BASELINE_BATCH = 1_000;
const BUSINESS_NUMBER = '+46000000000';
const PLATFORM = { platformId: 'BENCH_XA', platformPartnerId: '1' };

async function main(): Promise<void> {
  await ensureDatabase();
  const folder = mkdtempSync(join(tmpdir(), 'backfill-bench-'));
  try {
    // A first run on no webhooks migrates a new database, so that the rounds start alike.
    const empty = join(folder, 'empty.ndjson');
    await writeLines(createWriteStream(empty), [], 0, 0);
    await runCli([empty], join(folder, 'state-empty.json'));
    const files = await writeArchive(folder);
    const results: Record<'backfill' | 'baseline', number[]> = { backfill: [], baseline: [] };
    const loads: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      await resetData();
      results.baseline.push(await baseline());
      await resetData();
      results.backfill.push(await backfill(files, join(folder, `state-${round}.json`)));
      loads.push(loadavg()[0]);
      console.log(
        `round ${round + 1}/${ROUNDS}: backfill ${Math.round(results.backfill[round])} webhooks/s, baseline ${Math.round(
          results.baseline[round],
        )} rows/s, load average ${loadavg()
          .map((load) => load.toFixed(2))
          .join(' ')}`,
      );
    }
    const backfillRate = median(results.backfill);
    const baselineRate = median(results.baseline);
    console.log(`\nBackfill of ${WEBHOOKS.toLocaleString('en-US')} archived webhooks on PostgreSQL (median of ${ROUNDS}):`);
    console.table({
      [`baseline: multi-row unnest upsert, ${BASELINE_BATCH} rows a statement (rows/s)`]: { perSecond: Math.round(baselineRate), ratio: 1 },
      'backfill CLI, end to end as its own process (webhooks/s)': {
        perSecond: Math.round(backfillRate),
        ratio: round2(backfillRate / baselineRate),
      },
    });
    console.log(`load average (1 min) after each round: ${loads.map((load) => load.toFixed(2)).join(', ')}`);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

/** Runs the built CLI on the files; answers webhooks per second from start to exit. */
async function backfill(files: string[], state: string): Promise<number> {
  const started = performance.now();
  const output = await runCli(files, state, process.env.BENCH_PROFILE);
  const seconds = (performance.now() - started) / 1000;
  process.stdout.write(output.replace(/^/gm, '    '));
  return WEBHOOKS / seconds;
}

/** The built CLI as its own process; answers what it wrote. */
async function runCli(files: string[], state: string, profileDir?: string): Promise<string> {
  const cli = join(__dirname, '..', 'src', 'backfill', 'backfill.main.js');
  const profile = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  const chunk = process.env.BENCH_CHUNK ? ['--chunk', process.env.BENCH_CHUNK] : [];
  const child = spawn(process.execPath, [...profile, cli, '--state', state, ...chunk, ...files], {
    env: { ...process.env, DATABASE_URL },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (data: Buffer) => (output += data.toString()));
  child.stderr.on('data', (data: Buffer) => (output += data.toString()));
  const [code] = (await once(child, 'exit')) as [number];
  if (code !== 0) throw new Error(`the backfill exited with ${code}:\n${output}`);
  return output;
}

/** The same number of rows as webhooks, upserted into a plain table through unnest. */
async function baseline(): Promise<number> {
  const client = new Client({ connectionString: DATABASE_URL });
  await client.connect();
  try {
    const started = performance.now();
    for (let from = 0; from < WEBHOOKS; from += BASELINE_BATCH) {
      const keys: string[] = [];
      const values: string[] = [];
      for (let i = from; i < Math.min(from + BASELINE_BATCH, WEBHOOKS); i++) {
        keys.push(`+4670${String(i).padStart(7, '0')}`);
        values.push(`SE.${10_000_000_000 + i}`);
      }
      await client.query(
        `INSERT INTO bench_backfill_baseline (key, value, seen_at) SELECT k, v, now() FROM unnest($1::text[], $2::text[]) AS x(k, v)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, seen_at = excluded.seen_at`,
        [keys, values],
      );
    }
    return WEBHOOKS / ((performance.now() - started) / 1000);
  } finally {
    await client.end();
  }
}

/**
 * The archive: per hundred webhooks about 40 MOs of new people (phone and BSUIDs), 20 repeats of
 * known people, 30 sent DLRs, 5 failed DLRs and 5 redeliveries of an earlier body, spread over 30
 * days, written in shuffled order to a plain NDJSON file and a gzipped one.
 */
async function writeArchive(folder: string): Promise<string[]> {
  const random = lcg(42);
  const bodies: string[] = [];
  let people = 0;
  const start = Date.UTC(2026, 5, 1);
  const at = (index: number) => new Date(start + Math.floor((index / WEBHOOKS) * 30 * 86_400_000)).toISOString();
  for (let i = 0; i < WEBHOOKS; i++) {
    const roll = random() * 100;
    const known = people > 0 ? Math.floor(random() * people) : 0;
    if (roll < 40 || people === 0) bodies.push(moBody(people++, `mo-${i}`, at(i)));
    else if (roll < 60) bodies.push(moBody(known, `mo-${i}`, at(i)));
    else if (roll < 90) bodies.push(dlrBody(known, `dlr-${i}`, at(i), 112006));
    else if (roll < 95) bodies.push(dlrBody(known, `dlr-${i}`, at(i), 112403));
    else bodies.push(bodies[Math.floor(random() * bodies.length)]);
  }
  for (let i = bodies.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [bodies[i], bodies[j]] = [bodies[j], bodies[i]];
  }
  const plain = join(folder, 'archive-1.ndjson');
  const gzipped = join(folder, 'archive-2.ndjson.gz');
  const half = Math.floor(bodies.length / 2);
  await writeLines(createWriteStream(plain), bodies, 0, half);
  const gzip = createGzip({ level: 1 });
  const done = once(gzip.pipe(createWriteStream(gzipped)), 'finish');
  await writeLines(gzip, bodies, half, bodies.length);
  await done;
  return [gzipped, plain];
}

async function writeLines(stream: WriteStream | NodeJS.WritableStream, lines: string[], from: number, to: number): Promise<void> {
  for (let i = from; i < to; i += 10_000) {
    if (!stream.write(`${lines.slice(i, Math.min(i + 10_000, to)).join('\n')}\n`)) await once(stream, 'drain');
  }
  stream.end();
  if ('close' in stream) await once(stream, 'close');
}

const phone = (person: number) => `+4673${String(person).padStart(7, '0')}`;
const bsuid = (person: number) => `SE.${10_000_000_000 + person}`;
const parent = (person: number) => `SE.ENT.${20_000_000_000 + person}`;

/** An MO as LINK posts it (API document, MO Example#2). */
function moBody(person: number, messageId: string, timestamp: string): string {
  return JSON.stringify({
    destination: BUSINESS_NUMBER,
    source: phone(person),
    content: { type: 'WHATSAPP', message: { contentType: 'TEXT', text: 'This is an example' } },
    provider: 'whatsapp',
    timestamp,
    messageId,
    providerTimestamp: timestamp,
    providerMessageId: `wamid.${messageId}`,
    gateCustomParameters: {},
    customParameters: { whatsappUserId: bsuid(person), whatsappParentUserId: parent(person) },
  });
}

/** A DLR as LINK posts it (API document, DLR Example#2; a failed one as Example#4). */
function dlrBody(person: number, messageId: string, timestamp: string, resultCode: number): string {
  const sent = resultCode === 112006;
  return JSON.stringify({
    messageId,
    refId: `ref-${messageId}`,
    messageType: 'MediaTemplateMessage',
    messageIndex: 0,
    timestamp,
    resultCode,
    resultDescription: sent ? 'sent' : '(#100)Invalid parameter',
    customParameters: {
      pricingModel: 'PMP',
      pricingCategory: 'marketing_lite',
      ...PLATFORM,
      waMessageId: `wamid.${messageId}`,
      ...(sent ? { destination: phone(person) } : {}),
      whatsappUserId: bsuid(person),
    },
  });
}

function lcg(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

async function resetData(): Promise<void> {
  const client = new Client({ connectionString: DATABASE_URL });
  await client.connect();
  await client.query(
    `CREATE TABLE IF NOT EXISTS bench_backfill_baseline (key text PRIMARY KEY, value text NOT NULL, seen_at timestamptz NOT NULL)`,
  );
  const migrated = await client.query(`SELECT 1 FROM information_schema.tables WHERE table_name = 'contact'`);
  if (migrated.rowCount) {
    await client.query(`TRUNCATE bench_backfill_baseline, ${GRAPH_TABLES}`);
    await client.query(`DELETE FROM portfolio WHERE key = 'acme'`);
    await client.query(`INSERT INTO portfolio (key, platform_id, platform_partner_id, region) VALUES ('acme', $1, $2, 'SE')`, [
      PLATFORM.platformId,
      PLATFORM.platformPartnerId,
    ]);
    await client.query(`INSERT INTO business_number (number, portfolio) VALUES ($1, 'acme')`, [BUSINESS_NUMBER]);
  } else {
    await client.query('TRUNCATE bench_backfill_baseline');
  }
  await client.query('VACUUM ANALYZE');
  await client.end();
}

run(main);
