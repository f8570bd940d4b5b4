/**
 * The resolve benchmark's data: one portfolio of generated contacts, loaded straight into the
 * `contact` table with set-based SQL and kept between runs, and the identifiers to look up.
 *
 * Contact n (1..count) is written by one formula, here in SQL and in `knownLookup` in TypeScript,
 * so the benchmark knows every loaded identifier without reading them back:
 * - a third (n divisible by 3) has only a BSUID, the others a phone number and a BSUID;
 * - a tenth (n divisible by 10) also has a parent BSUID.
 */
import { Pool } from 'pg';
import { DATABASE_URL, sql } from './support';

export type LookupKind = 'msisdn' | 'bsuid';

export interface Lookup {
  kind: LookupKind;
  value: string;
}

// 20 digits after "SE.", like the BSUIDs in Meta's examples; the fixed head keeps them distinct
// from the unknown ones below.
export const msisdnOf = (n: number) => `+4670${String(n).padStart(7, '0')}`;
export const bsuidOf = (n: number) => `SE.1349120865${String(n).padStart(10, '0')}`;
export const UNKNOWN_MSISDN_FROM = 9_000_000; // '+46709…': above any loaded contact's number
export const unknownBsuidOf = (n: number) => `SE.9999999999${String(n).padStart(10, '0')}`;

const INSERT_CONTACTS = `
  INSERT INTO contact (portfolio, msisdn, bsuid, parent_bsuid, msisdn_at, bsuid_at, parent_bsuid_at,
                       msisdn_strength, bsuid_strength, parent_bsuid_strength, first_seen_at, last_seen_at, last_inbound_at)
  SELECT $1,
         CASE WHEN n % 3 <> 0 THEN '+4670' || lpad(n::text, 7, '0') END,
         'SE.1349120865' || lpad(n::text, 10, '0'),
         CASE WHEN n % 10 = 0 THEN 'SE.ENT.2718281828' || lpad(n::text, 10, '0') END,
         CASE WHEN n % 3 <> 0 THEN seen END, seen, CASE WHEN n % 10 = 0 THEN seen END,
         CASE WHEN n % 3 <> 0 THEN 'attested' END, 'attested', CASE WHEN n % 10 = 0 THEN 'attested' END,
         seen, seen, seen
  FROM (SELECT n, timestamptz '2026-01-01 00:00Z' + n * interval '1 second' AS seen
        FROM generate_series($2::int, $3::int) AS n) AS generated`;

/**
 * Adds the portfolio row when it is missing. Answers whether it did: a running service caches
 * portfolios for 10 s, so it must then be restarted to see the new one.
 */
export async function ensurePortfolio(portfolio: string): Promise<boolean> {
  const created = await sql(`INSERT INTO portfolio (key) VALUES ($1) ON CONFLICT (key) DO NOTHING RETURNING key`, [portfolio]);
  return created.length > 0;
}

/**
 * Gives the portfolio a business number (the `source` of its sends) when it does not own it yet.
 * Answers whether it did: a running service must then be restarted to see it, as above.
 */
export async function ensureBusinessNumber(portfolio: string, number: string): Promise<boolean> {
  const added = await sql(
    `INSERT INTO business_number (number, portfolio) VALUES ($1, $2) ON CONFLICT (number) DO UPDATE SET portfolio = EXCLUDED.portfolio
     WHERE business_number.portfolio <> EXCLUDED.portfolio RETURNING number`,
    [number, portfolio],
  );
  return added.length > 0;
}

/**
 * Loads `count` contacts into the portfolio unless it already holds exactly those (a run cut
 * short, or another bench's TRUNCATE, leaves it otherwise: then it is emptied and loaded again).
 */
export async function ensureContacts(portfolio: string, count: number): Promise<void> {
  const [held] = await sql<{ contacts: number; last: boolean }>(
    `SELECT count(*)::int AS contacts, bool_or(bsuid = $2) AS last FROM contact WHERE portfolio = $1`,
    [portfolio, bsuidOf(count)],
  );
  if (held.contacts === count && held.last) {
    console.log(`portfolio ${portfolio} already holds its ${count} contacts`);
    return;
  }
  const started = performance.now();
  await sql(`DELETE FROM contact WHERE portfolio = $1`, [portfolio]);
  await insertInParallel(portfolio, count, 2);
  // Fresh rows: VACUUM sets their hint bits and visibility, so that neither the baseline nor the
  // service pays for it on first read; ANALYZE gives the planner the new figures. CHECKPOINT
  // writes the load's dirty pages now rather than while latencies are measured.
  await sql(`VACUUM ANALYZE contact`);
  await sql(`CHECKPOINT`);
  console.log(`loaded ${count} contacts into portfolio ${portfolio} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

/** One INSERT … SELECT per slice of the numbers, `parallel` at once (one per core here). */
async function insertInParallel(portfolio: string, count: number, parallel: number): Promise<void> {
  const pool = new Pool({ connectionString: DATABASE_URL, max: parallel });
  try {
    const size = Math.ceil(count / parallel);
    await Promise.all(
      Array.from({ length: parallel }, (_, slice) =>
        pool.query(INSERT_CONTACTS, [portfolio, slice * size + 1, Math.min(count, (slice + 1) * size)]),
      ),
    );
  } finally {
    await pool.end();
  }
}

/** A deterministic random number generator (mulberry32), so that every run looks up the same identifiers. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * An identifier of loaded contact n: its phone number three times in four where it has one, else
 * its BSUID, so that about half the look-ups are by phone number and half by BSUID.
 */
export function knownLookup(n: number, random: () => number): Lookup {
  return n % 3 !== 0 && random() < 0.75 ? { kind: 'msisdn', value: msisdnOf(n) } : { kind: 'bsuid', value: bsuidOf(n) };
}

/** Identifiers of `size` random loaded contacts (repeats possible), for single look-ups. */
export function randomLookups(count: number, size: number, random: () => number): Lookup[] {
  return Array.from({ length: size }, () => knownLookup(1 + Math.floor(random() * count), random));
}

// Inputs the service must answer `invalid`: not a number, too short, a placeholder, blank,
// stray letters, an empty parent BSUID, no such country, all zeros.
const INVALID_INPUTS = ['hello', '+46', 'null', '', '+4670-12a45', 'SE.ENT.', 'XX.12345', '000000000'];

export interface Batch {
  identifiers: string[];
  /** What each input must resolve to, by input. */
  expected: { found: number; unknown: number; invalid: number };
  /** The well-formed inputs by kind, for the SQL baseline (unknown ones included, invalid ones left out). */
  byKind: Record<LookupKind, string[]>;
}

/**
 * A batch as a CRM sends it: 90 % identifiers of distinct loaded contacts, 9 % unknown (two
 * thirds phone numbers, a third BSUIDs), 1 % invalid strings, shuffled.
 */
export function batchOf(count: number, size: number, random: () => number): Batch {
  const found = Math.round(size * 0.9);
  const invalid = Math.round(size * 0.01);
  const unknown = size - found - invalid;
  const contacts = new Set<number>();
  while (contacts.size < found) contacts.add(1 + Math.floor(random() * count));
  const lookups = [...contacts].map((n) => knownLookup(n, random));
  for (let i = 0; i < unknown; i++) {
    const n = 1 + Math.floor(random() * 999_999);
    lookups.push(i % 3 === 2 ? { kind: 'bsuid', value: unknownBsuidOf(n) } : { kind: 'msisdn', value: msisdnOf(UNKNOWN_MSISDN_FROM + n) });
  }
  const byKind: Record<LookupKind, string[]> = { msisdn: [], bsuid: [] };
  for (const lookup of lookups) byKind[lookup.kind].push(lookup.value);
  const identifiers = [
    ...lookups.map((lookup) => lookup.value),
    ...Array.from({ length: invalid }, (_, i) => INVALID_INPUTS[i % INVALID_INPUTS.length]),
  ];
  shuffle(identifiers, random);
  return { identifiers, expected: { found, unknown, invalid }, byKind };
}

function shuffle<T>(items: T[], random: () => number): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
}
