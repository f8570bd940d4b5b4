import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Portfolio } from '../portfolios/portfolio.entity';
import { PortfoliosService } from '../portfolios/portfolios.service';
import { isInvalid } from '../graph/domain/observation';
import { Contact, IS_INVALID } from '../graph/contact.entity';
import { ContactsService } from './contacts.service';
import { Identifier, IdentifierKind } from '../identifiers/domain/identifier';

/** What the send pipeline needs of a contact. */
export interface SendContact {
  id: string;
  msisdn: string | null;
  bsuid: string | null;
  parentBsuid: string | null;
  invalid: boolean;
  careWindowOpenUntil: Date | null;
}

/** The contacts a request's identifiers belong to, and the identifiers that belong elsewhere. */
export interface SendDirectory {
  /** By `${kind}\u0000${value}`: the contact holding the identifier, or (a BSUID) holding it once. */
  contacts: Map<string, SendContact>;
  /** BSUIDs known only in other portfolios; parent BSUIDs known only outside the group. */
  foreign: Set<string>;
}

type Wanted = Record<IdentifierKind, string[]>;

interface CurrentRow {
  kind: IdentifierKind;
  value: string;
  id: string;
  msisdn: string | null;
  bsuid: string | null;
  parentBsuid: string | null;
  invalid: boolean;
  /** bigint, as text. */
  lastInboundMs: string | null;
}

/**
 * Looks up every identifier of a send request in a fixed number of queries, whatever its size:
 * the portfolio's contacts, BSUIDs its contacts held once, and identifiers of other portfolios.
 */
@Injectable()
export class ContactsDirectoryService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly contacts: ContactsService,
    private readonly portfolios: PortfoliosService,
  ) {}

  async directoryFor(portfolio: Portfolio, identifiers: Identifier[]): Promise<SendDirectory> {
    const wanted = distinct(identifiers);
    const directory: SendDirectory = { contacts: new Map(), foreign: new Set() };
    for (const row of await this.current(portfolio.key, wanted)) {
      const lastInbound = row.lastInboundMs === null ? null : Number(row.lastInboundMs);
      const careWindowOpenUntil = lastInbound === null ? null : new Date(lastInbound + CARE_WINDOW_MS);
      directory.contacts.set(key(row.kind, row.value), { id: row.id, msisdn: row.msisdn, bsuid: row.bsuid, parentBsuid: row.parentBsuid, invalid: row.invalid, careWindowOpenUntil });
    }

    const unknown = (kind: IdentifierKind) => wanted[kind].filter((value) => !directory.contacts.has(key(kind, value)));
    for (const [value, contact] of await this.pastBsuids(portfolio.key, unknown('bsuid'))) directory.contacts.set(key('bsuid', value), contact);
    for (const value of await this.foreign(portfolio, unknown('bsuid'), unknown('parentBsuid'))) directory.foreign.add(value);
    return directory;
  }

  /**
   * The portfolio's contacts holding the identifiers now: one index probe each, and only what the
   * plan needs (a 100,000-destination request reads as many rows; timestamps cost most to read).
   */
  private current(portfolio: string, wanted: Wanted): Promise<CurrentRow[]> {
    const columns = `c.id, c.msisdn, c.bsuid, c.parent_bsuid AS "parentBsuid", ${IS_INVALID} AS invalid,
      (extract(epoch FROM c.last_inbound_at) * 1000)::bigint AS "lastInboundMs"`;
    return this.dataSource.query(
      `SELECT 'msisdn' AS kind, k.value, ${columns} FROM unnest($2::text[]) AS k(value) JOIN contact c ON c.portfolio = $1 AND c.msisdn = k.value
       UNION ALL
       SELECT 'bsuid', k.value, ${columns} FROM unnest($3::text[]) AS k(value) JOIN contact c ON c.portfolio = $1 AND c.bsuid = k.value
       UNION ALL
       SELECT 'parentBsuid', k.value, ${columns} FROM unnest($4::text[]) AS k(value) JOIN contact c ON c.portfolio = $1 AND c.parent_bsuid = k.value`,
      [portfolio, wanted.msisdn, wanted.bsuid, wanted.parentBsuid],
    );
  }

  /** BSUIDs no contact holds now that a contact held once (dropped by a merge), with the contact that holds that person now. */
  private async pastBsuids(portfolio: string, bsuids: string[]): Promise<Map<string, SendContact>> {
    if (bsuids.length === 0) return new Map();
    const rows: { value: string; contactId: string }[] = await this.dataSource.query(
      `SELECT DISTINCT ON (h.from_value) h.from_value AS value, h.contact_id AS "contactId"
       FROM unnest($2::text[]) AS k(value)
       JOIN link_history h ON h.portfolio = $1 AND h.field = 'bsuid' AND h.action = 'unlinked' AND h.from_value = k.value
       ORDER BY h.from_value, h.id DESC`,
      [portfolio, bsuids],
    );
    const survivors = await this.contacts.survivors(portfolio, rows.map((row) => row.contactId));
    const found = new Map<string, SendContact>();
    for (const row of rows) {
      const contact = survivors.get(row.contactId);
      if (contact) found.set(row.value, toSendContact(contact));
    }
    return found;
  }

  /**
   * Identifiers this portfolio does not know that other portfolios do (a parent BSUID: outside
   * its group), one probe each of the indexes on bsuid and parent_bsuid alone.
   */
  private async foreign(portfolio: Portfolio, bsuids: string[], parents: string[]): Promise<string[]> {
    if (bsuids.length === 0 && parents.length === 0) return [];
    const group = portfolio.group ? await this.portfolios.groupKeys(portfolio.group) : [portfolio.key];
    const rows: { value: string }[] = await this.dataSource.query(
      `SELECT k.value FROM unnest($1::text[]) AS k(value)
       WHERE EXISTS (SELECT 1 FROM contact c WHERE c.bsuid = k.value AND c.portfolio <> $2)
       UNION ALL
       SELECT k.value FROM unnest($3::text[]) AS k(value)
       WHERE EXISTS (SELECT 1 FROM contact c WHERE c.parent_bsuid = k.value AND c.portfolio <> ALL($4::text[]))
         AND NOT EXISTS (SELECT 1 FROM contact c WHERE c.parent_bsuid = k.value AND c.portfolio = ANY($4::text[]))`,
      [bsuids, portfolio.key, parents, [...new Set([...group, portfolio.key])]],
    );
    return rows.map((row) => row.value);
  }
}

function toSendContact(contact: Contact): SendContact {
  return {
    id: contact.id,
    msisdn: contact.msisdn,
    bsuid: contact.bsuid,
    parentBsuid: contact.parentBsuid,
    invalid: isInvalid(contact),
    // An MO opens WhatsApp's 24-hour customer care window (as `careWindowOpenUntil` of a contact).
    careWindowOpenUntil: contact.lastInboundAt ? new Date(contact.lastInboundAt.getTime() + CARE_WINDOW_MS) : null,
  };
}

const CARE_WINDOW_MS = 24 * 60 * 60 * 1000;

function distinct(identifiers: Identifier[]): Wanted {
  const sets = { msisdn: new Set<string>(), bsuid: new Set<string>(), parentBsuid: new Set<string>() };
  for (const identifier of identifiers) sets[identifier.kind].add(identifier.value);
  return { msisdn: [...sets.msisdn], bsuid: [...sets.bsuid], parentBsuid: [...sets.parentBsuid] };
}

function key(kind: IdentifierKind, value: string): string {
  return `${kind}\u0000${value}`;
}
