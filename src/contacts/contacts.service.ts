import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { AppError } from '../common/errors/app-error';
import { mask } from '../common/logging/mask';
import type { Portfolio } from '../portfolios/portfolio.entity';
import { PortfoliosService } from '../portfolios/portfolios.service';
import { Contact, CONTACT_COLUMNS, ContactRead } from '../graph/contact.entity';
import { SURVIVOR_CHAIN } from '../graph/contact.sql';
import { ContactView, HistoryView, toContactView, toHistoryView } from './contact.view';
import { parseIdentifier } from '../identifiers/domain/identifier';
import { LinkHistory } from '../graph/link-history.entity';

const CONTACT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const COLUMN = { msisdn: 'msisdn', bsuid: 'bsuid', parentBsuid: 'parent_bsuid' } as const;

export interface HistoryPage {
  contact: ContactView;
  items: HistoryView[];
  nextCursor: string | null;
}

/** Reads of the contact book: one contact by any of its identifiers, and its history. */
@Injectable()
export class ContactsService {
  constructor(
    @InjectRepository(Contact) private readonly contacts: Repository<Contact>,
    @InjectRepository(LinkHistory) private readonly history: Repository<LinkHistory>,
    private readonly portfolios: PortfoliosService,
  ) {}

  async getByIdentifier(portfolio: Portfolio, raw: string): Promise<ContactView> {
    return toContactView(await this.findOrFail(portfolio, raw));
  }

  /** History of the contact and of every contact merged into it, newest first. */
  async getHistory(portfolio: Portfolio, raw: string, limit: number, cursor?: string): Promise<HistoryPage> {
    const contact = await this.findOrFail(portfolio, raw);
    const rows: LinkHistory[] = await this.history.query(
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
      [portfolio.key, contact.id, cursor ?? null, limit + 1],
    );
    const page = rows.slice(0, limit);
    return {
      contact: toContactView(contact),
      items: page.map(toHistoryView),
      nextCursor: rows.length > limit ? String(page[page.length - 1].id) : null,
    };
  }

  /**
   * The contacts that hold the identifiers of each of `ids` now (following merges), by the id
   * asked for. An id whose contact was erased is absent.
   */
  async survivors(portfolio: string, ids: string[]): Promise<Map<string, ContactRead>> {
    if (ids.length === 0) return new Map();
    const rows: (ContactRead & { start: string })[] = await this.contacts.query(
      `${SURVIVOR_CHAIN}
       SELECT chain.start, ${CONTACT_COLUMNS} FROM chain JOIN contact c ON c.portfolio = $1 AND c.id = chain.id
       WHERE chain.merged_into IS NULL`,
      [portfolio, [...new Set(ids)]],
    );
    return new Map(rows.map((row) => [row.start, row]));
  }

  /** The live contact for an MSISDN, BSUID, parent BSUID or contact id (a merged-away id gives its survivor); 404 if none. */
  async findOrFail(portfolio: Portfolio, raw: string): Promise<ContactRead> {
    const contact = CONTACT_ID.test(raw) ? await this.findById(portfolio.key, raw) : await this.findByIdentifier(portfolio, raw);
    if (!contact) throw AppError.notFound(`No contact for ${CONTACT_ID.test(raw) ? raw : mask(raw)} in portfolio ${portfolio.key}`);
    return contact;
  }

  private async findByIdentifier(portfolio: Portfolio, raw: string): Promise<ContactRead | null> {
    const identifier = parseIdentifier(raw, this.portfolios.regionFor(portfolio), 'identifier');
    const [row]: ContactRead[] = await this.contacts.query(
      `SELECT ${CONTACT_COLUMNS} FROM contact c WHERE c.portfolio = $1 AND c.${COLUMN[identifier.kind]} = $2`,
      [portfolio.key, identifier.value],
    );
    return row ?? null;
  }

  /** A merged-away id answers with the contact it was merged into. */
  private async findById(portfolio: string, id: string): Promise<ContactRead | null> {
    const canonical = id.toLowerCase(); // PostgreSQL answers uuids in lower case
    return (await this.survivors(portfolio, [canonical])).get(canonical) ?? null;
  }
}
