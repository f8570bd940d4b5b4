import { Injectable } from '@nestjs/common';
import { ConcurrentChangeError } from '../common/errors/database-errors';
import type { PipelinedTransaction } from '../database/pipelined-transaction';
import { namedStatement } from '../database/prepared-query';
import { SURVIVOR_CHAIN } from './contact.sql';
import { isTimeOrdered, orderKey } from './domain/event-order';
import { eventsOfChange } from '../events/domain/identity-event';
import { ContactState, HistoryEntry, identifierAt, MergeSnapshot, Observation } from './domain/observation';
import type { ContactBookEntryRow } from './domain/phone-visibility';
import { IDENTIFIER_KINDS, IdentifierKind } from '../identifiers/domain/identifier';

/** The last exchange of one contact with one business number (DESIGN: phoneVisibleUntil). */
export interface ExchangeRow {
  portfolio: string;
  contactId: string;
  businessNumber: string;
  lastInboundAt: Date | null;
  lastOutboundAt: Date | null;
}

export interface Receipt {
  portfolio: string;
  key: string;
}

/** Identity-change events a change wrote, by type. */
export type EventCounts = Record<string, number>;

/** What one change of the graph writes, all in one statement. */
export interface GraphChange {
  contacts: ContactState[];
  history: HistoryEntry[];
  /** The conflicts to open for an admin: by default the history's `conflict` rows. */
  conflicts?: HistoryEntry[];
  exchanges?: ExchangeRow[];
  /** The observations applied, for the log a late one replays from (rule 5); only time-ordered ones are kept. */
  observations?: Observation[];
  /** An admin's correction: its contacts leave the log's reach and are never replayed (an import marks its contacts itself). */
  corrected?: boolean;
  /** Phone numbers logged into a business number's contact book. */
  contactBook?: ContactBookEntryRow[];
  /**
   * A person erased on request (the rows are deleted by the erasure's own statements), with the
   * newest `event_tx` its contacts carried when locked, so its events sort after theirs.
   */
  erased?: { portfolio: string; contactIds: string[]; eventTx: string | null };
}

const COLUMN: Record<IdentifierKind, string> = { msisdn: 'msisdn', bsuid: 'bsuid', parentBsuid: 'parent_bsuid' };
const DATE_FIELDS = [
  'msisdnAt',
  'bsuidAt',
  'parentBsuidAt',
  'firstSeenAt',
  'lastSeenAt',
  'lastInboundAt',
  'lastOutboundAt',
  'invalidAt',
] as const;

/** A contact as `contactRow` sends it: times as epoch milliseconds (`fromEpochMs`). */
const CONTACT_RECORD = `"portfolio" text, "id" uuid, "msisdn" text, "bsuid" text, "parentBsuid" text, "msisdnAt" bigint,
  "bsuidAt" bigint, "parentBsuidAt" bigint, "msisdnStrength" text, "bsuidStrength" text,
  "parentBsuidStrength" text, "firstSeenAt" bigint, "lastSeenAt" bigint,
  "lastInboundAt" bigint, "lastOutboundAt" bigint, "invalidAt" bigint, "mergedInto" uuid, "externalId" text,
  "lastEventKey" text, "hasFullLog" boolean`;

/**
 * The columns of a ContactState, named as its fields. Every contact written back was loaded with
 * these (or is new), so each is written as it stands, the external id included.
 */
const STATE_COLUMNS = `portfolio, id, msisdn, bsuid, parent_bsuid AS "parentBsuid", msisdn_at AS "msisdnAt",
  bsuid_at AS "bsuidAt", parent_bsuid_at AS "parentBsuidAt", msisdn_strength AS "msisdnStrength",
  bsuid_strength AS "bsuidStrength", parent_bsuid_strength AS "parentBsuidStrength", first_seen_at AS "firstSeenAt",
  last_seen_at AS "lastSeenAt", last_inbound_at AS "lastInboundAt", last_outbound_at AS "lastOutboundAt",
  invalid_at AS "invalidAt", merged_into AS "mergedInto", external_id AS "externalId", last_event_key AS "lastEventKey",
  has_full_log AS "hasFullLog"`;

/** A history row as `historyRow` sends it: its time as epoch milliseconds. */
const HISTORY_RECORD = `"portfolio" text, "contactId" uuid, "action" text, "field" text, "fromValue" text, "toValue" text,
  "otherContactId" uuid, "snapshot" jsonb, "strength" text, "evidence" jsonb, "eventAt" bigint`;

/**
 * A bigint column of epoch milliseconds as a timestamptz. Times cross to PostgreSQL as numbers:
 * JSON.stringify writes a Date through its toJSON, about five times slower than a number, and a
 * backfill chunk carries tens of thousands of them. Whole seconds and the milliseconds are added
 * apart: `to_timestamp` of a fraction rounds to the wrong microsecond far from 1970.
 */
const fromEpochMs = (column: string) => `(to_timestamp(${column} / 1000) + (${column} % 1000) * interval '1 millisecond')`;

/** As `isInvalid`, over the stored contact `c` and over the contact `x` being written (its times in epoch milliseconds). */
const PRIOR_INVALID = `(c.invalid_at IS NOT NULL AND c.invalid_at >= coalesce(greatest(c.last_inbound_at, c.last_outbound_at), '-infinity'))`;
const NEW_INVALID = `(x."invalidAt" IS NOT NULL AND x."invalidAt" >= coalesce(greatest(x."lastInboundAt", x."lastOutboundAt"), x."invalidAt"))`;

// One index probe per identifier: `OFFSET 0` keeps the planner from turning the look-ups into a
// join that scans and sorts the whole contact table, which it prefers for a large batch (a
// backfill chunk) and which costs more with every contact the table holds.
const CLAIM_SELECTIONS = IDENTIFIER_KINDS.map(
  (field, index) =>
    `SELECT c.portfolio, c.id, '${field}' AS field, k.value
     FROM unnest($${2 * index + 3}::text[], $${2 * index + 4}::text[]) AS k(portfolio, value)
     CROSS JOIN LATERAL (SELECT portfolio, id FROM contact
                         WHERE portfolio = k.portfolio AND ${COLUMN[field]} = k.value OFFSET 0) AS c`,
);
// The latest key is found once per identifier: as a column, the filter on it would find it again.
const CLAIM_LATEST = IDENTIFIER_KINDS.map(
  (field, index) =>
    `SELECT k.portfolio, '${field}' AS field, k.value, o.key
     FROM unnest($${2 * index + 3}::text[], $${2 * index + 4}::text[]) AS k(portfolio, value)
     CROSS JOIN LATERAL (SELECT max(order_key) AS key FROM graph_observation
                         WHERE portfolio = k.portfolio AND ${COLUMN[field]} = k.value) AS o`,
);

/**
 * Claims a batch's receipts and loads, locked in id order, every contact holding one of its
 * identifiers, with the latest logged key of each identifier. Built once: a named statement is
 * parsed once per connection.
 */
const CLAIM_AND_LOCK = namedStatement(
  `WITH fresh AS (
     INSERT INTO webhook_receipt (portfolio, key)
     SELECT * FROM unnest($1::text[], $2::text[])
     ON CONFLICT DO NOTHING
     RETURNING portfolio, key
   ), selected AS (
     ${CLAIM_SELECTIONS.join(' UNION ALL ')}
   ), holders AS (
     SELECT ${STATE_COLUMNS}
     FROM contact
     WHERE (portfolio, id) IN (SELECT portfolio, id FROM selected)
     ORDER BY id
     FOR UPDATE
   ), latest AS (
     ${CLAIM_LATEST.join(' UNION ALL ')}
   )
   SELECT (SELECT coalesce(json_agg(fresh), '[]') FROM fresh) AS fresh,
          (SELECT coalesce(json_agg(holders), '[]') FROM holders) AS contacts,
          (SELECT coalesce(json_agg(selected), '[]') FROM selected) AS selected,
          (SELECT coalesce(json_agg(latest), '[]') FROM latest WHERE key IS NOT NULL) AS latest`,
);

/**
 * Writes a change whole, in one statement: contacts, history, conflicts, exchanges, log,
 * contact-book entries and events. The statement's snapshot predates its own writes: `prior`
 * reads the contacts as they were.
 */
const WRITE_CHANGE = namedStatement(
  `WITH prior AS (
     SELECT c.id, c.event_tx, ${PRIOR_INVALID} AS was_invalid
     FROM jsonb_to_recordset($1::jsonb) AS x("portfolio" text, "id" uuid)
     JOIN contact c ON c.portfolio = x."portfolio" AND c.id = x."id"
   ), event_order AS (
     -- The events' order: this transaction's id, or a newer one a contact it changes got from an
     -- earlier change (a transaction that took its id before waiting for the contact's lock),
     -- so that a contact's events never sort before the ones they follow.
     -- An erasure's contacts are deleted by then: their order comes in $10, read when they were locked.
     SELECT greatest(pg_current_xact_id()::text::bigint, (SELECT max(event_tx) FROM prior), $10::bigint) AS tx
   ), contacts AS (
     INSERT INTO contact (portfolio, id, msisdn, bsuid, parent_bsuid, msisdn_at, bsuid_at, parent_bsuid_at,
                          msisdn_strength, bsuid_strength, parent_bsuid_strength,
                          first_seen_at, last_seen_at, last_inbound_at, last_outbound_at, invalid_at, merged_into, external_id,
                          last_event_key, has_full_log, event_tx)
     SELECT "portfolio", "id", "msisdn", "bsuid", "parentBsuid", ${fromEpochMs('"msisdnAt"')}, ${fromEpochMs('"bsuidAt"')},
            ${fromEpochMs('"parentBsuidAt"')}, "msisdnStrength", "bsuidStrength", "parentBsuidStrength",
            ${fromEpochMs('"firstSeenAt"')}, ${fromEpochMs('"lastSeenAt"')}, ${fromEpochMs('"lastInboundAt"')},
            ${fromEpochMs('"lastOutboundAt"')}, ${fromEpochMs('"invalidAt"')}, "mergedInto", "externalId", "lastEventKey",
            coalesce("hasFullLog", true) AND NOT $7::boolean,
            (SELECT tx FROM event_order)
     FROM jsonb_to_recordset($1::jsonb) AS x(${CONTACT_RECORD})
     ON CONFLICT (portfolio, id) DO UPDATE SET
       -- Only a change with events moves the contact's order (a 112404 may make one).
       event_tx = CASE WHEN $9::boolean OR excluded.invalid_at IS DISTINCT FROM contact.invalid_at
                       THEN excluded.event_tx ELSE contact.event_tx END,
       msisdn = excluded.msisdn, bsuid = excluded.bsuid, parent_bsuid = excluded.parent_bsuid,
       msisdn_at = excluded.msisdn_at, bsuid_at = excluded.bsuid_at, parent_bsuid_at = excluded.parent_bsuid_at,
       msisdn_strength = excluded.msisdn_strength, bsuid_strength = excluded.bsuid_strength,
       parent_bsuid_strength = excluded.parent_bsuid_strength, first_seen_at = excluded.first_seen_at, last_seen_at = excluded.last_seen_at,
       last_inbound_at = excluded.last_inbound_at, last_outbound_at = excluded.last_outbound_at,
       invalid_at = excluded.invalid_at, merged_into = excluded.merged_into,
       external_id = excluded.external_id, last_event_key = excluded.last_event_key,
       has_full_log = contact.has_full_log AND excluded.has_full_log,
       -- Only what a client sees makes a contact updated: a new order key or log mark alone does not.
       updated_at = CASE WHEN (contact.msisdn, contact.bsuid, contact.parent_bsuid, contact.first_seen_at, contact.last_seen_at,
                               contact.last_inbound_at, contact.last_outbound_at, contact.invalid_at, contact.merged_into, contact.external_id)
                          IS DISTINCT FROM
                              (excluded.msisdn, excluded.bsuid, excluded.parent_bsuid, excluded.first_seen_at, excluded.last_seen_at,
                               excluded.last_inbound_at, excluded.last_outbound_at, excluded.invalid_at, excluded.merged_into,
                               excluded.external_id)
                         OR (contact.msisdn_strength, contact.bsuid_strength, contact.parent_bsuid_strength)
                          IS DISTINCT FROM (excluded.msisdn_strength, excluded.bsuid_strength, excluded.parent_bsuid_strength)
                    THEN now() ELSE contact.updated_at END
     -- A contact the batch only looked at (a claim already known, a conflict) keeps its row and its updatedAt.
     WHERE (contact.msisdn, contact.bsuid, contact.parent_bsuid, contact.msisdn_at, contact.bsuid_at, contact.parent_bsuid_at,
            contact.msisdn_strength, contact.bsuid_strength, contact.parent_bsuid_strength, contact.first_seen_at,
            contact.last_seen_at, contact.last_inbound_at, contact.last_outbound_at, contact.invalid_at, contact.merged_into,
            contact.external_id, contact.last_event_key, contact.has_full_log)
       IS DISTINCT FROM
           (excluded.msisdn, excluded.bsuid, excluded.parent_bsuid, excluded.msisdn_at, excluded.bsuid_at, excluded.parent_bsuid_at,
            excluded.msisdn_strength, excluded.bsuid_strength, excluded.parent_bsuid_strength, excluded.first_seen_at,
            excluded.last_seen_at, excluded.last_inbound_at, excluded.last_outbound_at, excluded.invalid_at, excluded.merged_into,
            excluded.external_id, excluded.last_event_key, contact.has_full_log AND excluded.has_full_log)
   ), history AS (
     INSERT INTO link_history (portfolio, contact_id, action, field, from_value, to_value, other_contact_id,
                               snapshot, strength, evidence, event_at)
     SELECT "portfolio", "contactId", "action", "field", "fromValue", "toValue", "otherContactId",
            "snapshot", "strength", "evidence", ${fromEpochMs('"eventAt"')}
     FROM ROWS FROM (jsonb_to_recordset($2::jsonb) AS (${HISTORY_RECORD})) WITH ORDINALITY AS x
     ORDER BY x.ordinality
   ), conflicts AS (
     -- Kept apart too, for an admin to see and settle (rule 8).
     INSERT INTO link_conflict (portfolio, contact_id, field, existing_value, claimed_value, other_contact_id,
                                strength, evidence, event_at)
     SELECT DISTINCT ON ("contactId", "field", "toValue")
            "portfolio", "contactId", "field", "fromValue", "toValue", "otherContactId", "strength", "evidence",
            ${fromEpochMs('"eventAt"')}
     FROM ROWS FROM (jsonb_to_recordset($3::jsonb) AS (${HISTORY_RECORD})) WITH ORDINALITY AS x
     -- The same claim again (a nightly CRM sync) is history, but not a second conflict to settle.
     WHERE NOT EXISTS (SELECT 1 FROM link_conflict k WHERE k.portfolio = x."portfolio" AND k.contact_id = x."contactId"
                         AND k.field = x."field" AND k.claimed_value = x."toValue" AND k.status = 'open')
     -- Of one claim raised twice in a batch, the first stays open, as if they had come one by one.
     ORDER BY "contactId", "field", "toValue", x.ordinality
   ), exchanges AS (
     INSERT INTO contact_exchange (portfolio, contact_id, business_number, last_inbound_at, last_outbound_at)
     SELECT "portfolio", "contactId", "businessNumber", ${fromEpochMs('"lastInboundAt"')}, ${fromEpochMs('"lastOutboundAt"')}
     FROM jsonb_to_recordset($4::jsonb) AS x(
       "portfolio" text, "contactId" uuid, "businessNumber" text, "lastInboundAt" bigint, "lastOutboundAt" bigint)
     ON CONFLICT (portfolio, contact_id, business_number) DO UPDATE SET
       last_inbound_at = GREATEST(contact_exchange.last_inbound_at, excluded.last_inbound_at),
       last_outbound_at = GREATEST(contact_exchange.last_outbound_at, excluded.last_outbound_at)
   ), contact_book AS (
     INSERT INTO contact_book_entry (portfolio, msisdn, business_number, entered_at)
     SELECT "portfolio", "msisdn", "businessNumber", ${fromEpochMs('"enteredAt"')}
     FROM jsonb_to_recordset($5::jsonb) AS x("portfolio" text, "msisdn" text, "businessNumber" text, "enteredAt" bigint)
     -- The first entry stays, whatever order the exchanges arrive in.
     ON CONFLICT (portfolio, msisdn, business_number) DO UPDATE SET entered_at = excluded.entered_at
     WHERE excluded.entered_at < contact_book_entry.entered_at
   ), logged AS (
     INSERT INTO graph_observation (portfolio, order_key, msisdn, bsuid, parent_bsuid, event_at, observation)
     SELECT x."portfolio", x."orderKey", x."msisdn", x."bsuid", x."parentBsuid", ${fromEpochMs('x."eventAt"')}, x."observation"
     FROM jsonb_to_recordset($6::jsonb) AS x(
       "portfolio" text, "orderKey" text, "msisdn" text, "bsuid" text, "parentBsuid" text, "eventAt" bigint, "observation" jsonb)
   ), events AS (
     INSERT INTO identity_event (portfolio, tx, type, contact_id, other_contact_id, field, value, evidence, event_at)
     SELECT e.portfolio, (SELECT tx FROM event_order), e.type, e.contact_id, e.other_contact_id, e.field, e.value, e.evidence, e.event_at
     FROM (
       SELECT x."portfolio", x."type", x."contactId", x."otherContactId", x."field", x."value", x."evidence",
              ${fromEpochMs('x."eventAt"')}, x.ordinality
       FROM ROWS FROM (jsonb_to_recordset($8::jsonb) AS ("portfolio" text, "type" text, "contactId" uuid, "otherContactId" uuid,
                       "field" text, "value" text, "evidence" jsonb, "eventAt" bigint)) WITH ORDINALITY AS x
       UNION ALL
       -- A 112404 that turns a valid contact invalid (as isInvalid): the activity is no history row.
       -- Only contacts with an invalid time can ($11, a part of $1), so the others are not read again.
       SELECT x."portfolio", 'contact.invalid', x."id", NULL, NULL, NULL,
              jsonb_build_object('kind', 'DLR', 'resultCode', 112404), ${fromEpochMs('x."invalidAt"')}, 1e9 + x.ordinality
       FROM ROWS FROM (jsonb_to_recordset($11::jsonb) AS (${CONTACT_RECORD})) WITH ORDINALITY AS x
       LEFT JOIN prior p ON p.id = x."id"
       WHERE x."mergedInto" IS NULL AND ${NEW_INVALID} AND NOT coalesce(p.was_invalid, false)
     ) AS e(portfolio, type, contact_id, other_contact_id, field, value, evidence, event_at, ordinality)
     ORDER BY e.ordinality
     RETURNING type
   )
   SELECT type, count(*) AS count FROM events GROUP BY type`,
);

/**
 * The set-based SQL that changes the graph. A webhook batch of any size costs two statements: one
 * that claims its receipts and locks the contacts it touches, one that writes everything back.
 * Every method runs on the caller's transaction: plain SQL on a pipelined one.
 */
@Injectable()
export class GraphRepository {
  /**
   * Inserts the receipts not seen before (rule 6: a redelivery changes nothing) and loads, locked
   * in id order, every contact holding an identifier of the observations.
   */
  async claimAndLock(
    tx: PipelinedTransaction,
    receipts: Receipt[],
    observations: Observation[],
  ): Promise<{ fresh: Set<string>; contacts: ContactState[]; latestKeys: Map<string, string> }> {
    const wanted = IDENTIFIER_KINDS.flatMap((field) => {
      const values = distinctIdentifiers(observations, field);
      return [values.map(([portfolio]) => portfolio), values.map(([, value]) => value)];
    });
    const [row] = await tx.query<{ fresh: Receipt[]; contacts: Record<string, unknown>[]; selected: Selection[]; latest: LatestKey[] }>(
      CLAIM_AND_LOCK,
      [receipts.map((r) => r.portfolio), receipts.map((r) => r.key), ...wanted],
    );
    const contacts = row.contacts.map(toContactState);
    assertStillHeld(contacts, row.selected);
    const latestKeys = new Map(row.latest.map((entry) => [identifierAt(entry.portfolio, entry.field, entry.value), entry.key]));
    return { fresh: new Set(row.fresh.map((receipt) => receiptId(receipt.portfolio, receipt.key))), contacts, latestKeys };
  }

  /**
   * Loads and locks, in id order, the contacts with the given ids and every contact holding one
   * of the given identifiers: what an admin's correction may touch.
   */
  async lock(
    tx: PipelinedTransaction,
    portfolio: string,
    ids: string[],
    values: Record<IdentifierKind, string[]>,
  ): Promise<ContactState[]> {
    const [row] = await tx.query<{ contacts: Record<string, unknown>[]; selected: Selection[] }>(
      `WITH selected AS (
         SELECT id, 'msisdn' AS field, msisdn AS value FROM contact WHERE portfolio = $1 AND msisdn = ANY($3::text[])
         UNION ALL SELECT id, 'bsuid', bsuid FROM contact WHERE portfolio = $1 AND bsuid = ANY($4::text[])
         UNION ALL SELECT id, 'parentBsuid', parent_bsuid FROM contact WHERE portfolio = $1 AND parent_bsuid = ANY($5::text[])
       ), locked AS (
         SELECT ${STATE_COLUMNS} FROM contact
         WHERE portfolio = $1 AND (id = ANY($2::uuid[]) OR id IN (SELECT id FROM selected))
         ORDER BY id
         FOR UPDATE
       )
       SELECT (SELECT coalesce(json_agg(locked), '[]') FROM locked) AS contacts,
              (SELECT coalesce(json_agg(selected), '[]') FROM selected) AS selected`,
      [portfolio, ids, values.msisdn, values.bsuid, values.parentBsuid],
    );
    const contacts = row.contacts.map(toContactState);
    assertStillHeld(contacts, row.selected);
    return contacts;
  }

  /**
   * Every logged observation connected to the given identifiers through identifiers they share:
   * the part of the graph a late observation replays. Undefined past `limit` observations.
   */
  async loggedComponent(
    tx: PipelinedTransaction,
    portfolio: string,
    seeds: Observation[],
    limit: number,
  ): Promise<Observation[] | undefined> {
    const known = new Set<string>();
    const frontier: Record<IdentifierKind, string[]> = { msisdn: [], bsuid: [], parentBsuid: [] };
    const add = (obs: Pick<Observation, IdentifierKind | 'change'>) => {
      const values: [IdentifierKind, string | null | undefined][] = [
        ...IDENTIFIER_KINDS.map((field): [IdentifierKind, string | undefined] => [field, obs[field]]),
        // A BSUID change joins the previous identifiers to the new ones.
        ['bsuid', obs.change?.previousBsuid],
        ['parentBsuid', obs.change?.previousParentBsuid],
        ['msisdn', obs.change?.previousMsisdn],
      ];
      for (const [field, value] of values) {
        if (value === undefined || value === null || known.has(`${field}\u0000${value}`)) continue;
        known.add(`${field}\u0000${value}`);
        frontier[field].push(value);
      }
    };
    seeds.forEach(add);
    const found = new Map<string, Observation>();
    while (IDENTIFIER_KINDS.some((field) => frontier[field].length > 0)) {
      const rows = await tx.query<{ id: string; observation: Observation & { eventAt: string } }>(
        `SELECT id, observation FROM graph_observation
         WHERE portfolio = $1 AND (msisdn = ANY($2::text[]) OR bsuid = ANY($3::text[]) OR parent_bsuid = ANY($4::text[]))
         LIMIT $5`,
        [portfolio, frontier.msisdn, frontier.bsuid, frontier.parentBsuid, limit + 1],
      );
      IDENTIFIER_KINDS.forEach((field) => (frontier[field] = []));
      for (const row of rows) {
        if (found.has(row.id)) continue;
        found.set(row.id, { ...row.observation, eventAt: new Date(row.observation.eventAt) });
        add(row.observation);
      }
      if (found.size > limit) return undefined;
    }
    // In the order they were logged: observations with one order key keep their webhook's own order.
    return [...found.entries()].sort(([a], [b]) => Number(BigInt(a) - BigInt(b))).map(([, obs]) => obs);
  }

  /** Gives back the receipts of webhooks this transaction leaves for later (a late one, replayed alone). */
  async releaseReceipts(tx: PipelinedTransaction, receipts: Receipt[]): Promise<void> {
    await tx.query(`DELETE FROM webhook_receipt WHERE (portfolio, key) IN (SELECT * FROM unnest($1::text[], $2::text[]))`, [
      receipts.map((receipt) => receipt.portfolio),
      receipts.map((receipt) => receipt.key),
    ]);
  }

  /**
   * Open conflicts of these contacts that a replay no longer raises are withdrawn. An import's
   * conflicts stay: imports are not replayed, so a replay never raises them again.
   */
  async withdrawConflicts(tx: PipelinedTransaction, portfolio: string, contactIds: string[], kept: HistoryEntry[]): Promise<void> {
    await tx.query(
      // A conflict raised on a contact merged into the component since is the component's too.
      `WITH RECURSIVE family(id) AS (
         SELECT unnest($2::uuid[])
         UNION SELECT c.id FROM family f JOIN contact c ON c.portfolio = $1 AND c.merged_into = f.id
       )
       UPDATE link_conflict k SET status = 'withdrawn', settled_at = now()
       WHERE k.portfolio = $1 AND k.contact_id IN (SELECT id FROM family) AND k.status = 'open' AND k.evidence->>'kind' <> 'IMPORT'
         AND NOT EXISTS (SELECT 1 FROM jsonb_to_recordset($3::jsonb) AS x("contactId" uuid, "field" text, "fromValue" text, "toValue" text)
                         WHERE x."contactId" = k.contact_id AND x."field" = k.field AND x."toValue" = k.claimed_value
                           AND x."fromValue" IS NOT DISTINCT FROM k.existing_value)`,
      [portfolio, contactIds, JSON.stringify(kept)],
    );
  }

  /**
   * A merge row with its snapshot, and whether the contact it merged away was merged again by a
   * later row: a contact split and merged again is split from the newer row, whose snapshot is the current one.
   */
  async findMerge(tx: PipelinedTransaction, portfolio: string, entryId: string): Promise<MergeRow | undefined> {
    const [row] = await tx.query<MergeRow & { action: string }>(
      `SELECT h.action, h.contact_id AS "contactId", h.other_contact_id AS "otherContactId", h.snapshot,
              EXISTS (SELECT 1 FROM link_history l WHERE l.portfolio = h.portfolio AND l.other_contact_id = h.other_contact_id
                        AND l.action = 'merged' AND l.id > h.id) AS "mergedAgain"
       FROM link_history h WHERE h.portfolio = $1 AND h.id = $2`,
      [portfolio, entryId],
    );
    return row?.action === 'merged' && row.snapshot ? row : undefined;
  }

  /** The contact that holds a contact's identifiers now: itself, or the end of its chain of merges. */
  async survivorId(tx: PipelinedTransaction, portfolio: string, id: string): Promise<string | undefined> {
    const [row] = await tx.query<{ id: string }>(`${SURVIVOR_CHAIN} SELECT id FROM chain WHERE merged_into IS NULL`, [portfolio, [id]]);
    return row?.id;
  }

  /**
   * Writes a change's contacts, history, conflicts, exchanges, log, contact-book entries and
   * identity-change events in one statement, and commits.
   */
  async writeAndCommit(tx: PipelinedTransaction, batch: GraphChange): Promise<EventCounts> {
    const events = eventsOfChange(batch.history, batch.erased, new Date());
    if (
      batch.contacts.length === 0 &&
      batch.history.length === 0 &&
      !batch.observations?.length &&
      !batch.contactBook?.length &&
      events.length === 0
    ) {
      await tx.commit();
      return {};
    }
    const contacts = batch.contacts.map(contactRow);
    const written = await tx.commitWith<{ type: string; count: string }>(WRITE_CHANGE, [
      JSON.stringify(contacts),
      JSON.stringify(batch.history.map(historyRow)),
      JSON.stringify((batch.conflicts ?? batch.history.filter((entry) => entry.action === 'conflict')).map(historyRow)),
      JSON.stringify((batch.exchanges ?? []).map((row) => withEpochMs(row, ['lastInboundAt', 'lastOutboundAt']))),
      JSON.stringify((batch.contactBook ?? []).map((row) => withEpochMs(row, ['enteredAt']))),
      JSON.stringify(toLogRows(batch.observations ?? [])),
      batch.corrected === true,
      JSON.stringify(events.map((event) => withEpochMs(event, ['eventAt']))),
      events.length > 0,
      batch.erased?.eventTx ?? null,
      JSON.stringify(contacts.filter((contact) => contact.mergedInto === null && contact.invalidAt !== null)),
    ]);
    return Object.fromEntries(written.map((row) => [row.type, Number(row.count)]));
  }
}

/** What the log keeps of each linking observation that names somebody. */
function toLogRows(observations: Observation[]): Record<string, unknown>[] {
  return observations
    .filter((obs) => isTimeOrdered(obs) && IDENTIFIER_KINDS.some((field) => obs[field] !== undefined))
    .flatMap((obs) => {
      const row = {
        portfolio: obs.portfolio,
        orderKey: orderKey(obs),
        msisdn: obs.msisdn ?? null,
        bsuid: obs.bsuid ?? null,
        parentBsuid: obs.parentBsuid ?? null,
        eventAt: obs.eventAt.getTime(),
        // Kept as it reads back (loggedComponent): its time as text, written here rather than by toJSON.
        observation: { ...obs, eventAt: obs.eventAt.toISOString() },
      };
      // A BSUID change is found by the previous BSUID and phone too: a late webhook carrying them replays the change (rule 5).
      const previous = obs.change && {
        ...row,
        msisdn: obs.change.previousMsisdn ?? null,
        bsuid: obs.change.previousBsuid,
        parentBsuid: obs.change.previousParentBsuid ?? null,
      };
      return previous ? [row, previous] : [row];
    });
}

/** A Date, or none, as epoch milliseconds for `fromEpochMs`. */
function epochMs(date: Date | null | undefined): number | null {
  return date ? date.getTime() : null;
}

/** A row with the given Date fields as epoch milliseconds. */
function withEpochMs<T extends object>(row: T, fields: readonly (keyof T & string)[]): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...(row as Record<string, unknown>) };
  for (const field of fields) copy[field] = epochMs(row[field] as Date | null);
  return copy;
}

function contactRow(contact: ContactState): Record<string, unknown> {
  return withEpochMs(contact, DATE_FIELDS);
}

/** A history row as HISTORY_RECORD reads it; a merge's snapshot stays as it is stored (its times as text). */
function historyRow(entry: HistoryEntry): Record<string, unknown> {
  return withEpochMs(entry, ['eventAt']);
}

/** Each (portfolio, value) of one kind that the observations carry, once. */
function distinctIdentifiers(observations: Observation[], field: IdentifierKind): [string, string][] {
  const seen = new Map<string, [string, string]>();
  for (const obs of observations) {
    const value = obs[field];
    if (value !== undefined) seen.set(identifierAt(obs.portfolio, field, value), [obs.portfolio, value]);
  }
  return [...seen.values()];
}

export function receiptId(portfolio: string, key: string): string {
  return `${portfolio}\u0000${key}`;
}

/** A merge's history row, as a split reads it. */
export interface MergeRow {
  contactId: string;
  otherContactId: string;
  snapshot: MergeSnapshot;
  mergedAgain: boolean;
}

/** The order key of the latest logged observation carrying an identifier. */
interface LatestKey {
  portfolio: string;
  field: IdentifierKind;
  value: string;
  key: string;
}

interface Selection {
  id: string;
  field: IdentifierKind;
  value: string;
}

/**
 * A row is chosen by the statement's snapshot but locked in its newest version: if another
 * transaction moved the identifier away in between, the batch starts again on fresh data.
 */
function assertStillHeld(contacts: ContactState[], selected: Selection[]): void {
  const byId = new Map(contacts.map((contact) => [contact.id, contact]));
  for (const { id, field, value } of selected) {
    if (byId.get(id)?.[field] !== value) throw new ConcurrentChangeError();
  }
}

/** json_agg answers timestamps as text. */
function toContactState(row: Record<string, unknown>): ContactState {
  const contact = { ...row } as Record<string, unknown>;
  for (const field of DATE_FIELDS) contact[field] = row[field] === null ? null : new Date(row[field] as string);
  return contact as unknown as ContactState;
}
