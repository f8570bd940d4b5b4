import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ContactState, HistoryEntry, LINK_FIELDS, LinkField, Observation } from './domain/graph';

/** The last exchange of one contact with one business number (DESIGN: phoneVisibleUntil). */
export interface ExchangeRow {
  portfolio: string;
  contactId: string;
  businessNumber: string;
  lastInboundAt: Date | null;
  lastOutboundAt: Date | null;
}

const COLUMN: Record<LinkField, string> = { msisdn: 'msisdn', bsuid: 'bsuid', parentBsuid: 'parent_bsuid' };

const CONTACT_STATE_COLUMNS = `
  portfolio, id, msisdn, bsuid, parent_bsuid AS "parentBsuid",
  msisdn_at AS "msisdnAt", bsuid_at AS "bsuidAt", parent_bsuid_at AS "parentBsuidAt",
  first_seen_at AS "firstSeenAt", last_seen_at AS "lastSeenAt", last_inbound_at AS "lastInboundAt",
  last_outbound_at AS "lastOutboundAt", invalid_at AS "invalidAt", merged_into AS "mergedInto"`;

/**
 * The set-based SQL behind webhook ingestion: a whole batch of webhooks costs the same handful of
 * statements whatever its size. Every method runs on the caller's transaction.
 */
@Injectable()
export class ContactsWriteRepository {
  /** Inserts the receipts not seen before and answers those (rule 6: a redelivery changes nothing). */
  async claimReceipts(manager: EntityManager, receipts: { portfolio: string; key: string }[]): Promise<Set<string>> {
    const rows: { portfolio: string; key: string }[] = await manager.query(
      `INSERT INTO webhook_receipt (portfolio, key)
       SELECT * FROM unnest($1::text[], $2::text[])
       ON CONFLICT DO NOTHING
       RETURNING portfolio, key`,
      [receipts.map((r) => r.portfolio), receipts.map((r) => r.key)],
    );
    return new Set(rows.map((row) => receiptId(row.portfolio, row.key)));
  }

  /** Loads and locks every contact holding an identifier of the observations, in id order. */
  async lockHolders(manager: EntityManager, observations: Observation[]): Promise<ContactState[]> {
    const wanted = LINK_FIELDS.map((field) => {
      const pairs = observations.filter((obs) => obs[field] !== undefined);
      return [pairs.map((obs) => obs.portfolio), pairs.map((obs) => obs[field] as string)];
    });
    if (wanted.every(([portfolios]) => portfolios.length === 0)) return [];
    const parts = LINK_FIELDS.map(
      (field, index) =>
        `SELECT c.portfolio, c.id FROM contact c
         JOIN unnest($${2 * index + 1}::text[], $${2 * index + 2}::text[]) AS k(portfolio, value)
           ON c.portfolio = k.portfolio AND c.${COLUMN[field]} = k.value`,
    );
    return manager.query(
      `SELECT ${CONTACT_STATE_COLUMNS} FROM contact
       WHERE (portfolio, id) IN (${parts.join(' UNION ')})
       ORDER BY id
       FOR UPDATE`,
      wanted.flat(),
    );
  }

  async saveContacts(manager: EntityManager, contacts: ContactState[]): Promise<void> {
    if (contacts.length === 0) return;
    await manager.query(
      `INSERT INTO contact (portfolio, id, msisdn, bsuid, parent_bsuid, msisdn_at, bsuid_at, parent_bsuid_at,
                            first_seen_at, last_seen_at, last_inbound_at, last_outbound_at, invalid_at, merged_into)
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(
         "portfolio" text, "id" uuid, "msisdn" text, "bsuid" text, "parentBsuid" text, "msisdnAt" timestamptz,
         "bsuidAt" timestamptz, "parentBsuidAt" timestamptz, "firstSeenAt" timestamptz, "lastSeenAt" timestamptz,
         "lastInboundAt" timestamptz, "lastOutboundAt" timestamptz, "invalidAt" timestamptz, "mergedInto" uuid)
       ON CONFLICT (portfolio, id) DO UPDATE SET
         msisdn = excluded.msisdn, bsuid = excluded.bsuid, parent_bsuid = excluded.parent_bsuid,
         msisdn_at = excluded.msisdn_at, bsuid_at = excluded.bsuid_at, parent_bsuid_at = excluded.parent_bsuid_at,
         first_seen_at = excluded.first_seen_at, last_seen_at = excluded.last_seen_at,
         last_inbound_at = excluded.last_inbound_at, last_outbound_at = excluded.last_outbound_at,
         invalid_at = excluded.invalid_at, merged_into = excluded.merged_into, updated_at = now()`,
      [JSON.stringify(contacts)],
    );
  }

  async insertHistory(manager: EntityManager, entries: HistoryEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await manager.query(
      `INSERT INTO link_history (portfolio, contact_id, action, field, from_value, to_value, other_contact_id,
                                 snapshot, strength, evidence, event_at)
       SELECT "portfolio", "contactId", "action", "field", "fromValue", "toValue", "otherContactId",
              "snapshot", "strength", "evidence", "eventAt"
       FROM ROWS FROM (jsonb_to_recordset($1::jsonb) AS (
         "portfolio" text, "contactId" uuid, "action" text, "field" text, "fromValue" text, "toValue" text,
         "otherContactId" uuid, "snapshot" jsonb, "strength" text, "evidence" jsonb, "eventAt" timestamptz)
       ) WITH ORDINALITY AS x
       ORDER BY x.ordinality`,
      [JSON.stringify(entries)],
    );
  }

  /** Conflicts are kept apart too, for an admin to see and settle (rule 8). */
  async insertConflicts(manager: EntityManager, entries: HistoryEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await manager.query(
      `INSERT INTO link_conflict (portfolio, contact_id, field, existing_value, claimed_value, other_contact_id,
                                  strength, evidence, event_at)
       SELECT "portfolio", "contactId", "field", "fromValue", "toValue", "otherContactId", "strength", "evidence", "eventAt"
       FROM jsonb_to_recordset($1::jsonb) AS x(
         "portfolio" text, "contactId" uuid, "field" text, "fromValue" text, "toValue" text,
         "otherContactId" uuid, "strength" text, "evidence" jsonb, "eventAt" timestamptz)`,
      [JSON.stringify(entries)],
    );
  }

  /** A merged contact's exchanges become the survivor's (latest time wins). */
  async moveExchanges(manager: EntityManager, portfolio: string, fromId: string, toId: string): Promise<void> {
    await manager.query(
      `WITH moved AS (
         DELETE FROM contact_exchange WHERE portfolio = $1 AND contact_id = $2
         RETURNING business_number, last_inbound_at, last_outbound_at)
       INSERT INTO contact_exchange (portfolio, contact_id, business_number, last_inbound_at, last_outbound_at)
       SELECT $1, $3, business_number, last_inbound_at, last_outbound_at FROM moved
       ON CONFLICT (portfolio, contact_id, business_number) DO UPDATE SET
         last_inbound_at = GREATEST(contact_exchange.last_inbound_at, excluded.last_inbound_at),
         last_outbound_at = GREATEST(contact_exchange.last_outbound_at, excluded.last_outbound_at)`,
      [portfolio, fromId, toId],
    );
  }

  async upsertExchanges(manager: EntityManager, rows: ExchangeRow[]): Promise<void> {
    if (rows.length === 0) return;
    await manager.query(
      `INSERT INTO contact_exchange (portfolio, contact_id, business_number, last_inbound_at, last_outbound_at)
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(
         "portfolio" text, "contactId" uuid, "businessNumber" text, "lastInboundAt" timestamptz, "lastOutboundAt" timestamptz)
       ON CONFLICT (portfolio, contact_id, business_number) DO UPDATE SET
         last_inbound_at = GREATEST(contact_exchange.last_inbound_at, excluded.last_inbound_at),
         last_outbound_at = GREATEST(contact_exchange.last_outbound_at, excluded.last_outbound_at)`,
      [JSON.stringify(rows)],
    );
  }
}

export function receiptId(portfolio: string, key: string): string {
  return `${portfolio}\u0000${key}`;
}
