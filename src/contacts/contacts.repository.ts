import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Identifier, IDENTIFIER_KINDS, IdentifierKind } from '../identifiers/domain/identifier';
import { preparedQuery } from '../database/prepared-query';
import { CONTACT_COLUMNS, ContactRead, IS_INVALID } from '../graph/contact.entity';
import { CONTACT_MARKETING_OPTED_OUT } from '../graph/user-profile.sql';
import { SURVIVOR_CHAIN } from '../graph/contact.sql';
import type { LinkHistory } from '../graph/link-history.entity';
import type { BusinessNumberActivityRow } from './business-number-activity.view';

const COLUMN: Record<IdentifierKind, string> = { msisdn: 'msisdn', bsuid: 'bsuid', parentBsuid: 'parent_bsuid' };

/**
 * Only what the plan needs of a contact: a 100,000-destination request reads as many rows, and
 * timestamps cost most to read.
 */
const SEND_COLUMNS = `c.id, c.msisdn, c.bsuid, c.parent_bsuid AS "parentBsuid", ${IS_INVALID} AS invalid,
  (extract(epoch FROM c.last_inbound_at) * 1000)::bigint AS "lastInboundMs"`;

/** Asked only for a marketing template: most sends need no look-up of the users' choices. */
const MARKETING_COLUMN = `coalesce(${CONTACT_MARKETING_OPTED_OUT}, false) AS "marketingOptedOut"`;

export interface SendRow {
  id: string;
  msisdn: string | null;
  bsuid: string | null;
  parentBsuid: string | null;
  invalid: boolean;
  /** bigint, as text. */
  lastInboundMs: string | null;
  marketingOptedOut?: boolean;
}

/** A row of `lookUp`: the identifier asked for, and the columns asked for of the contact holding it. */
export type LookedUp<T> = T & { kind: IdentifierKind; value: string };

/** The SQL of the contact book's reads. Writes go through the graph (`GraphStore`). */
@Injectable()
export class ContactsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * The contacts holding any of the identifiers now, with `columns` of `contact c`, in one
   * statement whatever their number: one index probe per identifier (joins on unnest), because an
   * OR of three `= ANY` lists is planned as a scan of the whole portfolio once the lists are long.
   */
  lookUp<T>(portfolio: string, identifiers: Identifier[], columns: string): Promise<LookedUp<T>[]> {
    const wanted = distinctByKind(identifiers);
    // Only the kinds asked for: a look-up of one phone is one join, planned once per connection.
    const kinds = IDENTIFIER_KINDS.filter((kind) => wanted[kind].length > 0);
    if (kinds.length === 0) return Promise.resolve([]);
    const selects = kinds.map(
      (kind, index) =>
        `SELECT '${kind}' AS kind, k.value, ${columns} FROM unnest($${index + 2}::text[]) AS k(value)
         JOIN contact c ON c.portfolio = $1 AND c.${COLUMN[kind]} = k.value`,
    );
    return preparedQuery(this.dataSource, selects.join(' UNION ALL '), [portfolio, ...kinds.map((kind) => wanted[kind])]);
  }

  /** `lookUp` with only what the send pipeline's plan needs. */
  lookUpForSend(portfolio: string, identifiers: Identifier[], marketing = false): Promise<LookedUp<SendRow>[]> {
    return this.lookUp<SendRow>(portfolio, identifiers, marketing ? `${SEND_COLUMNS}, ${MARKETING_COLUMN}` : SEND_COLUMNS);
  }

  /** The live contact holding the identifier. */
  async findByIdentifier(portfolio: string, identifier: Identifier): Promise<ContactRead | undefined> {
    const [row] = await this.lookUp<ContactRead>(portfolio, [identifier], CONTACT_COLUMNS);
    return row;
  }

  /**
   * The contacts that hold the identifiers of each of `ids` now (following merges), by the id
   * asked for. An id whose contact was erased is absent.
   */
  async survivors(portfolio: string, ids: string[]): Promise<Map<string, ContactRead>> {
    if (ids.length === 0) return new Map();
    const rows: (ContactRead & { start: string })[] = await this.dataSource.query(
      `${SURVIVOR_CHAIN}
       SELECT chain.start, ${CONTACT_COLUMNS} FROM chain JOIN contact c ON c.portfolio = $1 AND c.id = chain.id
       WHERE chain.merged_into IS NULL`,
      [portfolio, [...new Set(ids)]],
    );
    return new Map(rows.map((row) => [row.start, row]));
  }

  /** History of the contact and of every contact merged into it, newest first, below `cursor`; one row more than `limit`. */
  historyPage(portfolio: string, contactId: string, cursor: string | undefined, limit: number): Promise<LinkHistory[]> {
    return this.dataSource.query(
      `WITH RECURSIVE family(id) AS (
         SELECT $2::uuid
         UNION
         SELECT c.id FROM contact c JOIN family f ON c.portfolio = $1 AND c.merged_into = f.id)
       SELECT id, contact_id AS "contactId", action, field, from_value AS "fromValue", to_value AS "toValue",
              other_contact_id AS "otherContactId", strength, evidence, event_at AS "eventAt", recorded_at AS "recordedAt"
       FROM link_history
       WHERE portfolio = $1 AND contact_id IN (SELECT id FROM family) AND ($3::bigint IS NULL OR id < $3::bigint)
       ORDER BY id DESC
       LIMIT $4`,
      [portfolio, contactId, cursor ?? null, limit + 1],
    );
  }

  /**
   * The last exchange each way per business number, over the contact and every contact merged
   * into it, beside the contact-book entries of its phone (a number may have one without the other).
   */
  activityByBusinessNumber(portfolio: string, contactId: string, msisdn: string | null): Promise<BusinessNumberActivityRow[]> {
    return this.dataSource.query(
      `WITH RECURSIVE family(id) AS (
         SELECT $2::uuid
         UNION
         SELECT c.id FROM contact c JOIN family f ON c.portfolio = $1 AND c.merged_into = f.id),
       exchanged AS (
         SELECT business_number, max(last_inbound_at) AS last_inbound_at, max(last_outbound_at) AS last_outbound_at
         FROM contact_exchange WHERE portfolio = $1 AND contact_id IN (SELECT id FROM family) GROUP BY business_number),
       booked AS (SELECT business_number, entered_at FROM contact_book_entry WHERE portfolio = $1 AND msisdn = $3::text)
       SELECT coalesce(e.business_number, b.business_number) AS "businessNumber", e.last_inbound_at AS "lastInboundAt",
              e.last_outbound_at AS "lastOutboundAt", b.entered_at AS "contactBookAt"
       FROM exchanged e FULL JOIN booked b ON b.business_number = e.business_number
       ORDER BY 1`,
      [portfolio, contactId, msisdn],
    );
  }

  /** The contacts of these portfolios that share a parent BSUID, by portfolio. */
  withParent(portfolios: string[], parentBsuid: string): Promise<ContactRead[]> {
    return this.dataSource.query(
      `SELECT ${CONTACT_COLUMNS} FROM contact c WHERE c.portfolio = ANY($1::text[]) AND c.parent_bsuid = $2 ORDER BY c.portfolio`,
      [portfolios, parentBsuid],
    );
  }

  /** BSUIDs no contact holds now that a contact held once (dropped by a merge), with the contact that lost it last. */
  async pastBsuids(portfolio: string, bsuids: string[]): Promise<{ value: string; contactId: string }[]> {
    if (bsuids.length === 0) return [];
    return this.dataSource.query(
      `SELECT DISTINCT ON (h.from_value) h.from_value AS value, h.contact_id AS "contactId"
       FROM unnest($2::text[]) AS k(value)
       JOIN link_history h ON h.portfolio = $1 AND h.field = 'bsuid' AND h.action = 'unlinked' AND h.from_value = k.value
       ORDER BY h.from_value, h.id DESC`,
      [portfolio, bsuids],
    );
  }

  /**
   * Identifiers this portfolio does not know that other portfolios do (a parent BSUID: outside
   * `group`), one probe each of the unique keys led by bsuid and by parent_bsuid.
   */
  async foreign(portfolio: string, group: string[], bsuids: string[], parents: string[]): Promise<string[]> {
    const rows: { value: string }[] = await this.dataSource.query(
      `SELECT k.value FROM unnest($1::text[]) AS k(value)
       WHERE EXISTS (SELECT 1 FROM contact c WHERE c.bsuid = k.value AND c.portfolio <> $2)
       UNION ALL
       SELECT k.value FROM unnest($3::text[]) AS k(value)
       WHERE EXISTS (SELECT 1 FROM contact c WHERE c.parent_bsuid = k.value AND c.portfolio <> ALL($4::text[]))
         AND NOT EXISTS (SELECT 1 FROM contact c WHERE c.parent_bsuid = k.value AND c.portfolio = ANY($4::text[]))`,
      [bsuids, portfolio, parents, [...new Set([...group, portfolio])]],
    );
    return rows.map((row) => row.value);
  }
}

function distinctByKind(identifiers: Identifier[]): Record<IdentifierKind, string[]> {
  const sets = { msisdn: new Set<string>(), bsuid: new Set<string>(), parentBsuid: new Set<string>() };
  for (const identifier of identifiers) sets[identifier.kind].add(identifier.value);
  return { msisdn: [...sets.msisdn], bsuid: [...sets.bsuid], parentBsuid: [...sets.parentBsuid] };
}
