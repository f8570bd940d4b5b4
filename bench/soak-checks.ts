/**
 * The graph's invariants after a soak, checked with SQL on the service's own database (PostgreSQL,
 * or the embedded one's folder once the service has stopped), against what the load got 2xx for.
 */
import { PGlite } from '@electric-sql/pglite';
import { join } from 'node:path';
import { Client } from 'pg';
import type { Delivered } from './soak-load';
import { Field, ownerOf, Person, PORTFOLIOS } from './soak-population';

export interface SoakDatabase {
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

export async function openPostgres(url: string): Promise<SoakDatabase> {
  const client = new Client({ connectionString: url });
  await client.connect();
  const query = async <T>(text: string, params?: unknown[]): Promise<T[]> => (await client.query(text, params)).rows as T[];
  return { query, close: () => client.end() };
}

/** The embedded database the service used, opened in this process (the service must have stopped). */
export async function openEmbedded(dataDir: string): Promise<SoakDatabase> {
  const pglite = new PGlite(join(dataDir, 'pglite'));
  await pglite.waitReady;
  return { query: async <T>(text: string, params?: unknown[]) => (await pglite.query<T>(text, params)).rows, close: () => pglite.close() };
}

export interface CheckResult {
  name: string;
  /** What was checked, to show that the check had something to look at. */
  checked: number;
  violations: string[];
}

const COLUMN: Record<Field, string> = { msisdn: 'msisdn', bsuid: 'bsuid', parentBsuid: 'parent_bsuid' };

/** Each live contact's identifiers, one row per identifier, with the contact's BSUID beside. */
const HELD = `held AS (
  SELECT c.portfolio, c.id, c.bsuid AS holder_bsuid, v.field, v.value, c.last_inbound_at, c.last_outbound_at
  FROM contact c, LATERAL (VALUES ('msisdn', c.msisdn), ('bsuid', c.bsuid), ('parentBsuid', c.parent_bsuid)) AS v(field, value)
  WHERE c.merged_into IS NULL AND v.value IS NOT NULL AND c.portfolio = ANY($1::text[]))`;

const PORTFOLIO_KEYS = PORTFOLIOS.map((portfolio) => portfolio.key);
const show = (row: Record<string, unknown>) => JSON.stringify(row);

export async function checkInvariants(db: SoakDatabase, delivered: Delivered, people: Person[]): Promise<CheckResult[]> {
  return [
    await uniqueHolders(db),
    await receipts(db, delivered),
    await effects(db, delivered),
    await erasures(db, delivered),
    await history(db),
    await survivorChains(db),
    await lastActivity(db, people),
  ];
}

/** (a) Each identifier is held by at most one live contact, and a merged-away contact holds none. */
async function uniqueHolders(db: SoakDatabase): Promise<CheckResult> {
  const shared = await db.query<{ portfolio: string; field: string; value: string; holders: number }>(
    `WITH ${HELD} SELECT portfolio, field, value, count(*)::int AS holders FROM held GROUP BY 1, 2, 3 HAVING count(*) > 1 LIMIT 20`,
    [PORTFOLIO_KEYS],
  );
  const merged = await db.query(
    `SELECT portfolio, id FROM contact WHERE merged_into IS NOT NULL AND coalesce(msisdn, bsuid, parent_bsuid) IS NOT NULL LIMIT 20`,
  );
  const [{ count }] = await db.query<{ count: number }>(`WITH ${HELD} SELECT count(*)::int AS count FROM held`, [PORTFOLIO_KEYS]);
  return {
    name: '(a) each identifier is held by at most one live contact',
    checked: count,
    violations: [
      ...shared.map((row) => `held by ${row.holders} contacts: ${show(row)}`),
      ...merged.map((row) => `merged away, still holding an identifier: ${show(row)}`),
    ],
  };
}

/** (b) Every webhook answered 2xx has its receipt. */
async function receipts(db: SoakDatabase, delivered: Delivered): Promise<CheckResult> {
  const missing = await db.query(
    `SELECT r.portfolio, r.key FROM unnest($1::text[], $2::text[]) AS r(portfolio, key)
     WHERE NOT EXISTS (SELECT 1 FROM webhook_receipt w WHERE w.portfolio = r.portfolio AND w.key = r.key) LIMIT 20`,
    [delivered.webhooks.map((webhook) => webhook.portfolio.key), delivered.webhooks.map((webhook) => webhook.receiptKey)],
  );
  return {
    name: '(b) every webhook answered 2xx has its receipt',
    checked: delivered.webhooks.length,
    violations: missing.map((row) => `no receipt: ${show(row)}`),
  };
}

/**
 * (b) …and its effect: every identifier it carried is held by the contact of the person it belongs
 * to now (its own, or a recycled number's new user, whose later webhook legitimately moved it).
 */
async function effects(db: SoakDatabase, delivered: Delivered): Promise<CheckResult> {
  const expected = new Map<string, { portfolio: string; field: Field; value: string; ownerBsuid: string; receiptKey: string }>();
  for (const webhook of delivered.webhooks) {
    for (const [field, value] of Object.entries(webhook.carried) as [Field, string][]) {
      const owner = ownerOf(webhook.person, webhook.portfolio, field);
      if (owner.erased) continue;
      const key = `${webhook.portfolio.key} ${field} ${value}`;
      if (!expected.has(key))
        expected.set(key, {
          portfolio: webhook.portfolio.key,
          field,
          value,
          ownerBsuid: owner.bsuids.get(webhook.portfolio.key) as string,
          receiptKey: webhook.receiptKey,
        });
    }
  }
  const rows = [...expected.values()];
  const wrong = await db.query(
    `WITH ${HELD}, expected AS (SELECT * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[]) AS e(portfolio, field, value, owner_bsuid, receipt_key))
     SELECT e.portfolio, e.field, e.value, e.owner_bsuid AS "expectedHolder", h.holder_bsuid AS "holder", e.receipt_key AS "sampleWebhook"
     FROM expected e LEFT JOIN held h ON h.portfolio = e.portfolio AND h.field = e.field AND h.value = e.value
     WHERE h.holder_bsuid IS DISTINCT FROM e.owner_bsuid LIMIT 20`,
    [
      PORTFOLIO_KEYS,
      ...(['portfolio', 'field', 'value', 'ownerBsuid', 'receiptKey'] as const).map((column) => rows.map((row) => row[column])),
    ],
  );
  return {
    name: '(b) every webhook answered 2xx has its effect: what it carried finds the person it belongs to',
    checked: rows.length,
    violations: wrong.map((row) => `not with its person: ${show(row)}`),
  };
}

/** An erased person is gone: none of their identifiers is held any more (nothing named them since). */
async function erasures(db: SoakDatabase, delivered: Delivered): Promise<CheckResult> {
  const values = delivered.erased.flatMap(({ portfolio, person }) =>
    [person.msisdn, person.bsuids.get(portfolio.key), person.parent]
      .filter((value): value is string => !!value)
      .map((value) => ({ portfolio: portfolio.key, value })),
  );
  const held = await db.query(
    `WITH ${HELD} SELECT h.portfolio, h.field, h.value FROM held h JOIN unnest($2::text[], $3::text[]) AS e(portfolio, value)
     ON h.portfolio = e.portfolio AND h.value = e.value LIMIT 20`,
    [PORTFOLIO_KEYS, values.map((row) => row.portfolio), values.map((row) => row.value)],
  );
  return {
    name: '(b) an erased person is no longer resolvable',
    checked: values.length,
    violations: held.map((row) => `still held after erasure: ${show(row)}`),
  };
}

/** (c) Every identifier a live contact holds was given to it by a history row, and every live contact's creation is history. */
async function history(db: SoakDatabase): Promise<CheckResult> {
  const ungiven = await db.query(
    `WITH ${HELD} SELECT h.portfolio, h.id, h.field, h.value FROM held h
     WHERE NOT EXISTS (SELECT 1 FROM link_history l WHERE l.portfolio = h.portfolio AND l.contact_id = h.id
                         AND l.field = h.field AND l.to_value = h.value AND l.action IN ('linked', 'settled', 'split'))
     LIMIT 20`,
    [PORTFOLIO_KEYS],
  );
  const uncreated = await db.query(
    `SELECT c.portfolio, c.id FROM contact c WHERE c.merged_into IS NULL AND c.portfolio = ANY($1::text[])
       AND NOT EXISTS (SELECT 1 FROM link_history l WHERE l.portfolio = c.portfolio AND l.contact_id = c.id AND l.action IN ('created', 'split'))
     LIMIT 20`,
    [PORTFOLIO_KEYS],
  );
  const [{ count }] = await db.query<{ count: number }>(`WITH ${HELD} SELECT count(*)::int AS count FROM held`, [PORTFOLIO_KEYS]);
  return {
    name: '(c) every identifier a live contact holds has the history row that gave it',
    checked: count,
    violations: [
      ...ungiven.map((row) => `no history gave it: ${show(row)}`),
      ...uncreated.map((row) => `no creation in history: ${show(row)}`),
    ],
  };
}

/** (c) A merged-away contact leads, along merged_into, to a live contact (no dangling link, no cycle). */
async function survivorChains(db: SoakDatabase): Promise<CheckResult> {
  const broken = await db.query(
    `WITH RECURSIVE chain(portfolio, start, id, merged_into, depth) AS (
       SELECT portfolio, id, id, merged_into, 0 FROM contact WHERE merged_into IS NOT NULL AND portfolio = ANY($1::text[])
       UNION ALL
       SELECT c.portfolio, chain.start, c.id, c.merged_into, chain.depth + 1
       FROM chain JOIN contact c ON c.portfolio = chain.portfolio AND c.id = chain.merged_into
       WHERE chain.depth < 64)
     SELECT portfolio, start AS id, max(depth)::int AS hops FROM chain GROUP BY portfolio, start HAVING bool_and(merged_into IS NOT NULL) LIMIT 20`,
    [PORTFOLIO_KEYS],
  );
  const [{ count }] = await db.query<{ count: number }>(
    `SELECT count(*)::int AS count FROM contact WHERE merged_into IS NOT NULL AND portfolio = ANY($1::text[])`,
    [PORTFOLIO_KEYS],
  );
  return {
    name: '(c) every merged-away contact leads to a live contact',
    checked: count,
    violations: broken.map((row) => `no live survivor: ${show(row)}`),
  };
}

/**
 * (d) No lost update: each person's contact (the one holding their BSUID) has as last inbound and last
 * outbound times the latest MO and sent DLR event times the load got 2xx for.
 */
async function lastActivity(db: SoakDatabase, people: Person[]): Promise<CheckResult> {
  const rows = people.flatMap((person) =>
    person.erased
      ? []
      : person.portfolios.flatMap((portfolio) => {
          const seen = person.seen.get(portfolio.key);
          if (!seen || seen.carried.size === 0) return [];
          const iso = (time: number | null) => (time === null ? null : new Date(time).toISOString());
          return [
            {
              portfolio: portfolio.key,
              bsuid: person.bsuids.get(portfolio.key) as string,
              inbound: iso(seen.lastInbound),
              outbound: iso(seen.lastOutbound),
            },
          ];
        }),
  );
  const wrong = await db.query(
    `WITH expected AS (SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::timestamptz[]) AS e(portfolio, bsuid, inbound, outbound))
     SELECT e.portfolio, e.bsuid, e.inbound AS "expectedInbound", c.last_inbound_at AS "lastInbound",
            e.outbound AS "expectedOutbound", c.last_outbound_at AS "lastOutbound", c.id IS NOT NULL AS found
     FROM expected e LEFT JOIN contact c ON c.portfolio = e.portfolio AND c.${COLUMN.bsuid} = e.bsuid AND c.merged_into IS NULL
     WHERE c.id IS NULL OR c.last_inbound_at IS DISTINCT FROM e.inbound OR c.last_outbound_at IS DISTINCT FROM e.outbound
     LIMIT 20`,
    [rows.map((row) => row.portfolio), rows.map((row) => row.bsuid), rows.map((row) => row.inbound), rows.map((row) => row.outbound)],
  );
  return {
    name: '(d) no lost update: last inbound and outbound are the latest events answered 2xx',
    checked: rows.length,
    violations: wrong.map((row) => `not the latest: ${show(row)}`),
  };
}

/** What the graph looks like: contacts, merges, relinks, conflicts. */
export async function graphCounts(db: SoakDatabase): Promise<Record<string, number>> {
  const [row] = await db.query<Record<string, number>>(
    `SELECT (SELECT count(*)::int FROM contact WHERE merged_into IS NULL AND portfolio = ANY($1::text[])) AS "liveContacts",
            (SELECT count(*)::int FROM contact WHERE merged_into IS NOT NULL AND portfolio = ANY($1::text[])) AS "mergedAway",
            (SELECT count(*)::int FROM link_history WHERE action = 'merged' AND portfolio = ANY($1::text[])) AS merges,
            (SELECT count(*)::int FROM link_history h JOIN contact c ON c.portfolio = h.portfolio AND c.id = h.contact_id
              WHERE h.action = 'unlinked' AND h.field = 'msisdn' AND h.other_contact_id IS NOT NULL AND c.merged_into IS NULL
                AND h.portfolio = ANY($1::text[])) AS "phonesMoved",
            (SELECT count(*)::int FROM link_history WHERE action = 'stale' AND portfolio = ANY($1::text[])) AS "staleIgnored",
            (SELECT count(*)::int FROM link_conflict WHERE portfolio = ANY($1::text[])) AS conflicts,
            (SELECT count(*)::int FROM webhook_receipt WHERE portfolio = ANY($1::text[])) AS receipts,
            (SELECT count(*)::int FROM link_history WHERE portfolio = ANY($1::text[])) AS "historyRows"`,
    [PORTFOLIO_KEYS],
  );
  return row;
}
