import { Injectable } from '@nestjs/common';
import { ConcurrentChangeError } from '../common/errors/database-errors';
import type { PipelinedTransaction } from '../database/pipelined-transaction';

/** The contact `$2` and every contact merged into it, directly or through others. */
const FAMILY = `WITH RECURSIVE family(id) AS (
    SELECT $2::uuid
    UNION
    SELECT c.id FROM contact c JOIN family f ON c.portfolio = $1 AND c.merged_into = f.id)`;

/** A merge row's snapshot (`{survivor: {...}, merged: {...}}`) names one of the erased values `$3`. */
const SNAPSHOT_NAMES_ERASED = `(snapshot IS NOT NULL AND EXISTS (
    SELECT 1 FROM jsonb_each(snapshot) AS side, jsonb_each_text(side.value) AS f WHERE f.value = ANY($3::text[])))`;

/** The snapshot with every erased value `$3` blanked; the rest stays, so the merge can still be split. */
const BLANKED_SNAPSHOT = `CASE WHEN snapshot IS NULL THEN NULL ELSE (
    SELECT jsonb_object_agg(side.key, (
      SELECT jsonb_object_agg(f.key, CASE WHEN f.value #>> '{}' = ANY($3::text[]) THEN 'null'::jsonb ELSE f.value END)
      FROM jsonb_each(side.value) AS f))
    FROM jsonb_each(snapshot) AS side) END`;

/** A person's contacts, locked, and every value that was theirs. */
export interface Family {
  ids: string[];
  /** What the contacts hold now, by column. */
  identifiers: { field: string; value: string }[];
  /** Values the person holds or held (no other contact holds them now): what erasure removes everywhere. */
  erased: string[];
  /** The newest event order of the contacts (`contact.event_tx`), for the erasure's own events to follow. */
  eventTx: string | null;
}

/** How many rows an erasure deleted or redacted, by table. */
export interface ErasureCounts {
  historyRows: number;
  conflicts: number;
  exchanges: number;
  contactBookEntries: number;
  redactedHistoryRows: number;
}

/** The SQL of an erasure: one statement locks the family and gathers its values; a second deletes and redacts. */
@Injectable()
export class ErasureRepository {
  /** The contact `id` and every contact merged into it, locked; starts again when a merge into the family raced the lock. */
  async lockFamily(tx: PipelinedTransaction, portfolio: string, id: string): Promise<Family> {
    const [family] = await tx.query<Family & { mergedInto: string | null }>(
      `${FAMILY} , locked AS (
         SELECT id, msisdn, bsuid, parent_bsuid, merged_into, event_tx FROM contact
         WHERE portfolio = $1 AND id IN (SELECT id FROM family) ORDER BY id FOR UPDATE
       ), current AS (
         SELECT field, value FROM locked, LATERAL (VALUES ('msisdn', msisdn), ('bsuid', bsuid), ('parent_bsuid', parent_bsuid)) AS v(field, value)
         WHERE value IS NOT NULL
       ), past AS (
         -- Values the person had once; those another contact holds now are that contact's, not erased.
         SELECT DISTINCT v.value FROM link_history h, LATERAL (VALUES (h.from_value), (h.to_value)) AS v(value)
         WHERE h.portfolio = $1 AND h.contact_id IN (SELECT id FROM locked) AND h.field IS NOT NULL AND v.value IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM contact o WHERE o.portfolio = $1 AND o.msisdn = v.value AND o.id NOT IN (SELECT id FROM locked))
           AND NOT EXISTS (SELECT 1 FROM contact o WHERE o.portfolio = $1 AND o.bsuid = v.value AND o.id NOT IN (SELECT id FROM locked))
           AND NOT EXISTS (SELECT 1 FROM contact o WHERE o.portfolio = $1 AND o.parent_bsuid = v.value AND o.id NOT IN (SELECT id FROM locked))
       )
       SELECT (SELECT merged_into FROM locked WHERE id = $2) AS "mergedInto",
              (SELECT coalesce(array_agg(id), '{}') FROM locked) AS ids,
              (SELECT max(event_tx)::text FROM locked) AS "eventTx",
              (SELECT coalesce(json_agg(current), '[]') FROM current) AS identifiers,
              (SELECT coalesce(array_agg(value), '{}') FROM (SELECT value FROM current UNION SELECT value FROM past) AS e) AS erased`,
      [portfolio, id],
    );
    // A merge into or of the family committed while this statement waited for its locks: start again.
    if (family.mergedInto) throw new ConcurrentChangeError();
    const [now] = await tx.query<{ ids: string[] }>(`${FAMILY} SELECT array_agg(id) AS ids FROM family`, [portfolio, id]);
    if (now.ids.length !== family.ids.length) throw new ConcurrentChangeError();
    return { ids: family.ids, identifiers: family.identifiers, erased: family.erased, eventTx: family.eventTx };
  }

  /** Deletes the family's rows and blanks its values in other contacts' history. */
  async deleteFamily(tx: PipelinedTransaction, portfolio: string, family: Family): Promise<ErasureCounts> {
    const [counts] = await tx.query<Record<string, string>>(
      `WITH history AS (
         DELETE FROM link_history WHERE portfolio = $1 AND contact_id = ANY($2::uuid[]) RETURNING 1
       ), conflicts AS (
         DELETE FROM link_conflict WHERE portfolio = $1
           AND (contact_id = ANY($2::uuid[]) OR other_contact_id = ANY($2::uuid[]) OR claimed_value = ANY($3::text[]))
         RETURNING 1
       ), exchanges AS (
         DELETE FROM contact_exchange WHERE portfolio = $1 AND contact_id = ANY($2::uuid[]) RETURNING 1
       ), contact_book AS (
         DELETE FROM contact_book_entry WHERE portfolio = $1 AND msisdn = ANY($3::text[]) RETURNING 1
       ), redacted AS (
         UPDATE link_history SET
           from_value = CASE WHEN from_value = ANY($3::text[]) THEN NULL ELSE from_value END,
           to_value = CASE WHEN to_value = ANY($3::text[]) THEN NULL ELSE to_value END,
           other_contact_id = CASE WHEN other_contact_id = ANY($2::uuid[]) THEN NULL ELSE other_contact_id END,
           snapshot = CASE WHEN other_contact_id = ANY($2::uuid[]) THEN NULL ELSE ${BLANKED_SNAPSHOT} END
         -- Rows naming the values without naming the person (a claim made before they held the
         -- value, a merge of a recycled number's past holder) are found by value: erasure is rare,
         -- a scan of the portfolio's history is affordable.
         WHERE portfolio = $1 AND NOT (contact_id = ANY($2::uuid[]))
           AND (other_contact_id = ANY($2::uuid[]) OR from_value = ANY($3::text[]) OR to_value = ANY($3::text[])
                OR ${SNAPSHOT_NAMES_ERASED})
         RETURNING 1
       ), logged AS (
         DELETE FROM graph_observation WHERE portfolio = $1
           AND (msisdn = ANY($3::text[]) OR bsuid = ANY($3::text[]) OR parent_bsuid = ANY($3::text[]))
         RETURNING msisdn, bsuid, parent_bsuid
       ), unlogged AS (
         -- Others seen beside the person lose part of their log: they are no longer replayed from it (rule 5).
         UPDATE contact SET has_full_log = false WHERE portfolio = $1 AND NOT (id = ANY($2::uuid[])) AND has_full_log
           AND (msisdn IN (SELECT msisdn FROM logged) OR bsuid IN (SELECT bsuid FROM logged)
                OR parent_bsuid IN (SELECT parent_bsuid FROM logged))
         RETURNING 1
       ), profiles AS (
         DELETE FROM user_profile WHERE portfolio = $1 AND value = ANY($3::text[]) RETURNING 1
       ), events AS (
         -- Identity-change events keep their ids but lose the person's identifiers, delivered or
         -- not: a delivery reads its event when it is sent, so none leaves with them afterwards.
         UPDATE identity_event SET value = NULL
         WHERE portfolio = $1 AND value IS NOT NULL AND (contact_id = ANY($2::uuid[]) OR value = ANY($3::text[]))
       ), contacts AS (
         DELETE FROM contact WHERE portfolio = $1 AND id = ANY($2::uuid[]) RETURNING 1
       )
       SELECT (SELECT count(*) FROM history) AS "historyRows", (SELECT count(*) FROM conflicts) AS conflicts,
              (SELECT count(*) FROM exchanges) AS exchanges, (SELECT count(*) FROM contact_book) AS "contactBookEntries",
              (SELECT count(*) FROM redacted) AS "redactedHistoryRows"`,
      [portfolio, family.ids, family.erased],
    );
    return {
      historyRows: Number(counts.historyRows),
      conflicts: Number(counts.conflicts),
      exchanges: Number(counts.exchanges),
      contactBookEntries: Number(counts.contactBookEntries),
      redactedHistoryRows: Number(counts.redactedHistoryRows),
    };
  }
}
