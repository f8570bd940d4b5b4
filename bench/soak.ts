/**
 * Soak: the service as its own process (as in production, on 127.0.0.1 only) under a mixed,
 * concurrent load for SOAK_SECONDS: MO and DLR webhooks of a few thousand people in two portfolios
 * (redeliveries, retries after a 503, merges, recycled numbers moving to their new user, parent
 * BSUIDs, contact cards), single and batch look-ups, dedupes, CRM imports and erasures. Then the
 * graph's invariants are checked with SQL against what the load got 2xx for; the run fails when
 * one does not hold, or when a request got an answer its kind may not get.
 *
 *   npm run soak                         embedded database, in a fresh temporary DATA_DIR
 *   DATABASE_URL=… npm run soak          PostgreSQL: a database whose name contains "soak" or "test"
 *                                        (created when missing; its contact book is emptied first)
 *
 * SOAK_SECONDS (180) bounds the whole run but the build; SOAK_PEOPLE (3000), SOAK_CONCURRENCY (16)
 * and SOAK_SEED (random, printed) shape the load.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { seededRandom } from './resolve-data';
import { checkInvariants, CheckResult, graphCounts, openEmbedded, openPostgres, SoakDatabase } from './soak-checks';
import { API_KEYS, createPortfolios, Load, Tally } from './soak-load';
import { createPopulation } from './soak-population';
import { GRAPH_TABLES, percentile, run, startService, stopService } from './support';

const SECONDS = Number(process.env.SOAK_SECONDS ?? 180);
const PEOPLE = Number(process.env.SOAK_PEOPLE ?? 3_000);
const CONCURRENCY = Number(process.env.SOAK_CONCURRENCY ?? 16);
const SEED = Number(process.env.SOAK_SEED ?? Math.floor(Math.random() * 2 ** 31));

/** Where the service keeps its data for this run. */
type Target = { kind: 'postgres'; url: string } | { kind: 'embedded'; dataDir: string };

async function main(): Promise<void> {
  const started = Date.now();
  for (const [name, value] of Object.entries({
    SOAK_SECONDS: SECONDS,
    SOAK_PEOPLE: PEOPLE,
    SOAK_CONCURRENCY: CONCURRENCY,
    SOAK_SEED: SEED,
  })) {
    if (!Number.isInteger(value) || value < (name === 'SOAK_SEED' ? 0 : 1)) throw new Error(`${name} must be a positive whole number`);
  }
  const target = await prepare(process.env.DATABASE_URL);
  console.log(`soak: ${SECONDS} s, ${PEOPLE} people, ${CONCURRENCY} in flight, seed ${SEED}, on ${where(target)}`);

  const random = seededRandom(SEED);
  const people = createPopulation(PEOPLE, random, Date.now());
  const tally = new Tally();
  // What is left of SOAK_SECONDS after the load: retries, pairing, stopping, the checks.
  const reserve = Math.min(25, Math.max(5, SECONDS * 0.15)) * 1000;
  let load: Load;
  let loadSeconds: number;
  const service = await startService(API_KEYS, {
    DATABASE_URL: target.kind === 'postgres' ? target.url : '',
    ...(target.kind === 'embedded' ? { DATA_DIR: target.dataDir } : {}),
    // Loopback only: the soak's generated people and keys never leave this machine.
    HOST: '127.0.0.1',
    // The soak sends far more than one client may; LINK is never called (no proxy, no sync), and could not be.
    RATE_LIMIT_API: '0',
    RATE_LIMIT_WEBHOOKS: '0',
    LINK_BASE_URL: 'http://127.0.0.1:9',
    LOG_LEVEL: 'warn',
  });
  try {
    await createPortfolios();
    const loadStarted = Date.now();
    load = new Load({
      people,
      concurrency: CONCURRENCY,
      deadline: Math.max(started + SECONDS * 1000 - reserve, loadStarted + 3_000),
      random,
      tally,
    });
    await load.run();
    loadSeconds = (Date.now() - loadStarted) / 1000;
    await load.drainRetries();
    await load.pairPhoneFirst();
  } finally {
    await stopService(service);
  }

  const db = await open(target);
  let checks: CheckResult[];
  let counts: Record<string, number>;
  try {
    checks = await checkInvariants(db, load.delivered, people);
    counts = await graphCounts(db);
  } finally {
    await db.close();
  }
  const failed = report(tally, loadSeconds, load, checks, counts, people.filter((person) => person.erased).length);
  console.log(
    `\nsoak ${failed === 0 ? 'passed' : `FAILED (${failed} checks)`} in ${((Date.now() - started) / 1000).toFixed(0)} s (seed ${SEED})`,
  );
  if (failed > 0) {
    if (target.kind === 'embedded') console.log(`the embedded database is kept in ${target.dataDir}`);
    throw new Error(`soak failed: ${failed} checks did not hold`);
  }
  if (target.kind === 'embedded') await rm(target.dataDir, { recursive: true, force: true });
}

/** PostgreSQL named for soaking or testing, created when missing and emptied; else a fresh embedded database. */
async function prepare(url: string | undefined): Promise<Target> {
  if (!url) return { kind: 'embedded', dataDir: await mkdtemp(join(tmpdir(), 'contact-book-soak-')) };
  const parsed = new URL(url);
  const name = decodeURIComponent(parsed.pathname.slice(1));
  if (!/soak|test/i.test(name)) throw new Error(`Refusing to soak database "${name}": its name must contain "soak" or "test"`);
  if (!['localhost', '127.0.0.1', '[::1]'].includes(parsed.hostname))
    throw new Error(`Refusing to soak ${parsed.hostname}: the soak runs on this machine only`);
  const admin = new Client({ connectionString: Object.assign(new URL(url), { pathname: '/postgres' }).toString() });
  await admin.connect();
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (exists.rowCount === 0) await admin.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
  } finally {
    await admin.end();
  }
  const db = await openPostgres(url);
  try {
    // A previous soak's people would share identifiers with this one's: start from an empty contact book.
    const [{ migrated }] = await db.query<{ migrated: boolean }>(`SELECT to_regclass('contact') IS NOT NULL AS migrated`);
    if (migrated) {
      await db.query(`TRUNCATE ${GRAPH_TABLES}, template, business_number`);
      await db.query(`DELETE FROM portfolio WHERE key <> 'default'`);
    }
  } finally {
    await db.close();
  }
  return { kind: 'postgres', url };
}

function open(target: Target): Promise<SoakDatabase> {
  return target.kind === 'postgres' ? openPostgres(target.url) : openEmbedded(target.dataDir);
}

function where(target: Target): string {
  if (target.kind === 'embedded') return `the embedded database in ${target.dataDir}`;
  const url = new URL(target.url);
  return `PostgreSQL ${url.host}${url.pathname}`;
}

/** Prints requests, statuses and latencies per kind, the graph, and each check; answers how many checks failed. */
function report(
  tally: Tally,
  loadSeconds: number,
  load: Load,
  checks: CheckResult[],
  counts: Record<string, number>,
  erased: number,
): number {
  const rows: Record<string, Record<string, string | number>> = {};
  let total = 0;
  for (const [kind, latencies] of [...tally.latencies].sort(([a], [b]) => a.localeCompare(b))) {
    total += latencies.length;
    const statuses = [...(tally.statuses.get(kind) ?? new Map<number, number>())].sort(([a], [b]) => a - b);
    rows[kind] = {
      requests: latencies.length,
      statuses: statuses.map(([status, count]) => `${status}×${count}`).join(' '),
      'p50 ms': percentile(latencies, 0.5).toFixed(1),
      'p99 ms': percentile(latencies, 0.99).toFixed(1),
    };
  }
  console.log(
    `\n${total} requests; load phase ${loadSeconds.toFixed(0)} s (${(total / loadSeconds).toFixed(0)}/s); ${load.delivered.webhooks.length} webhooks answered 2xx; ${erased} people erased`,
  );
  console.table(rows);
  console.log(
    `graph: ${Object.entries(counts)
      .map(([name, value]) => `${name} ${value}`)
      .join(', ')}`,
  );
  const answers: CheckResult = { name: 'every request got an answer its kind may get', checked: total, violations: tally.unexpected };
  let failed = 0;
  for (const check of [answers, ...checks]) {
    const ok = check.violations.length === 0 && check.checked > 0;
    if (!ok) failed++;
    console.log(`${ok ? 'ok  ' : 'FAIL'} ${check.name} (${check.checked} checked)`);
    if (check.checked === 0) console.log('       nothing to check: the load did not reach this');
    for (const violation of check.violations) console.log(`       ${violation}`);
  }
  return failed;
}

run(main);
