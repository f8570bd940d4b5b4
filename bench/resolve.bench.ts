/**
 * Look-ups on PostgreSQL with a portfolio of 1,000,000 contacts, beside baselines measured in the
 * same run through `pg` on the same data:
 * - single resolve (`GET …/contacts/{identifier}`): p50/p99 latency at a fixed offered rate, and
 *   throughput with many in flight; baseline: the same point queries by unique key;
 * - batch resolve (`POST …/contacts/resolve`, 10,000 identifiers): median time; baseline: the same
 *   look-ups as one plain SQL query (index probes joined on `unnest`).
 * The service runs as its own process (as in production); this process only sends.
 *
 *   npm run bench:resolve           (npm run bench runs the webhooks benchmark, then this one)
 */
import { loadavg } from 'node:os';
import { Pool } from 'pg';
import { Batch, batchOf, ensureContacts, ensurePortfolio, Lookup, seededRandom } from './resolve-data';
import {
  CLOSED_LOOP_MS,
  CONCURRENCY,
  CONTACTS,
  measureSingles,
  ms,
  OPEN_LOOP_MS,
  PORTFOLIO,
  RATE,
  Side,
  Single,
  timed,
} from './single-lookups';
import { DATABASE_URL, ensureDatabase, http, median, round2, run, startService, stopService } from './support';

const BATCH_SIZE = Number(process.env.BENCH_BATCH_SIZE ?? 10_000);
const BATCH_ROUNDS = Number(process.env.BENCH_BATCH_ROUNDS ?? 7);
const SECRET = 'bench-resolve-secret-0123456789';
const AUTH = `Bearer ${SECRET}`;
const API_KEYS = [{ name: 'crm', secret: SECRET, roles: ['read'], portfolios: [PORTFOLIO] }];
const CONTACTS_PATH = `/v1/portfolios/${encodeURIComponent(PORTFOLIO)}/contacts`;

async function main(): Promise<void> {
  await ensureDatabase();
  let server = await startService(API_KEYS);
  try {
    if (await ensurePortfolio(PORTFOLIO)) {
      await stopService(server);
      server = await startService(API_KEYS);
    }
    await ensureContacts(PORTFOLIO, CONTACTS);
    const pool = new Pool({ connectionString: DATABASE_URL, max: CONCURRENCY });
    try {
      // Latency on two shared cores suffers from any other work on the machine: say how busy it was.
      console.log(`load average before measuring: ${loadavg()[0].toFixed(2)}`);
      const single = await measureSingles('single', pool, getOne, 1);
      const batch = await measureBatches(pool);
      console.log(`load average after measuring: ${loadavg()[0].toFixed(2)}`);
      report(single, batch);
    } finally {
      await pool.end();
    }
  } finally {
    await stopService(server);
  }
}

/**
 * Random identifiers of loaded contacts, warmed up first; offered load before saturation. Each
 * operation takes the next identifier of one shared sequence, so that neither side finds rows in
 * PostgreSQL's buffers just because the other side read them a moment before.
 */

async function getOne(lookup: Lookup): Promise<void> {
  const answer = await http('GET', `${CONTACTS_PATH}/${encodeURIComponent(lookup.value)}`, AUTH);
  if (answer.status !== 200) throw new Error(`GET ${lookup.value} answered ${answer.status}: ${answer.body.slice(0, 300)}`);
}

/**
 * Rounds alternate between the sides, after one warm-up each, so that both see the same machine.
 * Each side gets batches of its own (same mix, other contacts), so that neither finds the rows
 * the other has just read in PostgreSQL's buffers.
 */
async function measureBatches(pool: Pool): Promise<Record<Side, number>> {
  const random = seededRandom(2);
  const batches = Array.from({ length: BATCH_ROUNDS + 1 }, () => ({
    baseline: batchOf(CONTACTS, BATCH_SIZE, random),
    service: batchOf(CONTACTS, BATCH_SIZE, random),
  }));
  const times: Record<'service' | 'baseline', number[]> = { service: [], baseline: [] };
  for (const [round, batch] of batches.entries()) {
    const baseline = await timed(() => queryBatch(pool, batch.baseline));
    const service = await timed(() => postBatch(batch.service));
    if (round === 0) continue;
    times.baseline.push(baseline);
    times.service.push(service);
    console.log(`batch round ${round}/${BATCH_ROUNDS}: baseline ${ms(baseline)} ms, service ${ms(service)} ms`);
  }
  return { baseline: median(times.baseline), service: median(times.service) };
}

async function queryBatch(pool: Pool, batch: Batch): Promise<() => void> {
  // The fastest plain form of the same look-ups: one index probe per identifier.
  const result = await pool.query(
    `SELECT c.* FROM unnest($2::text[]) AS k(value) JOIN contact c ON c.portfolio = $1 AND c.msisdn = k.value
     UNION ALL
     SELECT c.* FROM unnest($3::text[]) AS k(value) JOIN contact c ON c.portfolio = $1 AND c.bsuid = k.value`,
    [PORTFOLIO, batch.byKind.msisdn, batch.byKind.bsuid],
  );
  return () => {
    if (result.rowCount !== batch.expected.found)
      throw new Error(`the baseline found ${result.rowCount} contacts, not ${batch.expected.found}`);
  };
}

async function postBatch(batch: Batch): Promise<() => void> {
  const answer = await http('POST', `${CONTACTS_PATH}/resolve`, AUTH, JSON.stringify({ identifiers: batch.identifiers }));
  return () => checkBatchAnswer(batch, answer.status, answer.body);
}

interface ResolveResult {
  input: string;
  status: 'found' | 'unknown' | 'invalid';
  contact?: { msisdn: string | null; bsuid: string | null };
  error?: string;
}

/** Fails loudly unless every input is answered, in order, with the status and contact it must have. */
function checkBatchAnswer(batch: Batch, status: number, body: string): void {
  if (status !== 200) throw new Error(`POST ${CONTACTS_PATH}/resolve answered ${status}: ${body.slice(0, 300)}`);
  const { results } = JSON.parse(body) as { results: ResolveResult[] };
  if (results?.length !== batch.identifiers.length)
    throw new Error(`resolve answered ${results?.length} results for ${batch.identifiers.length} inputs`);
  const counts = { found: 0, unknown: 0, invalid: 0 };
  results.forEach((result, index) => {
    if (result.input !== batch.identifiers[index])
      throw new Error(`result ${index} is for ${result.input}, not ${batch.identifiers[index]}`);
    counts[result.status]++;
    const contact = result.contact;
    if (result.status === 'found' && contact?.msisdn !== result.input && contact?.bsuid !== result.input) {
      throw new Error(`result ${index} found a contact without ${result.input}`);
    }
  });
  const { found, unknown, invalid } = batch.expected;
  if (counts.found !== found || counts.unknown !== unknown || counts.invalid !== invalid) {
    throw new Error(`resolve answered ${JSON.stringify(counts)}, expected ${JSON.stringify(batch.expected)}`);
  }
}

function report(single: Record<Side, Single>, batch: Record<Side, number>): void {
  // Rows without an aim leave those cells out, so that console.table shows them empty.
  const row = (service: number, baseline: number, aim?: string, met?: boolean) => ({
    service: round2(service),
    baseline: round2(baseline),
    ratio: round2(service / baseline),
    ...(aim === undefined ? {} : { aim, met: met ? 'yes' : 'NO' }),
  });
  console.log(
    `\nResolve on PostgreSQL, portfolio of ${CONTACTS} contacts; ratio = service / baseline (pg on the same data).` +
      `\nSingle: GET …/contacts/{msisdn or bsuid}, open loop at ${RATE}/s for ${OPEN_LOOP_MS / 1000} s; throughput ${CONCURRENCY} in flight for ${CLOSED_LOOP_MS / 1000} s.` +
      `\nBatch: POST …/contacts/resolve of ${BATCH_SIZE} (90 % known, 9 % unknown, 1 % invalid), median of ${BATCH_ROUNDS}; baseline one unnest-join query.`,
  );
  console.table({
    [`single p50 at ${RATE}/s (ms)`]: row(single.service.p50, single.baseline.p50),
    [`single p99 at ${RATE}/s (ms)`]: row(single.service.p99, single.baseline.p99, '< 10 ms', single.service.p99 < 10),
    [`single throughput, ${CONCURRENCY} in flight (/s)`]: row(single.service.perSecond, single.baseline.perSecond),
    [`batch of ${BATCH_SIZE}, median (ms)`]: row(batch.service, batch.baseline, '≤ 3× baseline', batch.service <= 3 * batch.baseline),
  });
}

run(main);
